/// NSGA-III's adaptive normalization (Deb & Jain 2014) as pymoo 0.6.2's `HyperplaneNormalization`
/// (`pymoo/algorithms/moo/nsga3.py`): the ideal point is the best value seen per objective; the nadir point
/// is where the hyperplane through the extreme points meets the axes, falling back to the worst of the
/// non-dominated front when that hyperplane is degenerate, and to the worst of the population on any axis
/// whose range would vanish.
struct HyperplaneNormalization: Sendable, Hashable {
    private(set) var ideal: [Double]
    private(set) var nadir: [Double]
    private var worst: [Double]
    /// The extreme point of each axis found so far (kept between updates so none is lost).
    private var extremes: [[Double]] = []

    init(objectiveCount: Int) {
        ideal = [Double](repeating: .infinity, count: objectiveCount)
        worst = [Double](repeating: -.infinity, count: objectiveCount)
        nadir = [Double](repeating: 1, count: objectiveCount)
    }

    /// Updates the ideal, worst, extreme and nadir points from `points`, whose non-dominated members are
    /// at `front`.
    mutating func update(_ points: [[Double]], front: [Int]) {
        let m = ideal.count
        for point in points {
            for k in 0..<m {
                ideal[k] = min(ideal[k], point[k])
                worst[k] = max(worst[k], point[k])
            }
        }
        let frontPoints = front.map { points[$0] }
        extremes = Self.extremePoints(extremes + frontPoints, ideal: ideal)
        let worstOfPopulation = Self.componentwiseMaximum(points)
        let worstOfFront = Self.componentwiseMaximum(frontPoints)

        var candidate = Self.intercepts(extremes, ideal: ideal).map { intercepts in
            (0..<m).map { k in min(ideal[k] + intercepts[k], worst[k]) }
        } ?? worstOfFront
        for k in 0..<m where candidate[k] - ideal[k] <= 1e-6 { candidate[k] = worstOfPopulation[k] }
        nadir = candidate
    }

    /// For each axis, the point minimising the achievement function with weight 1 on that axis and 1e6 on
    /// the others, translated values under 1e-3 counted as 0 (pymoo `get_extreme_points_c`).
    static func extremePoints(_ candidates: [[Double]], ideal: [Double]) -> [[Double]] {
        let m = ideal.count
        return (0..<m).map { axis in
            var best = candidates[0]
            var bestValue = Double.infinity
            for point in candidates {
                var value = -Double.infinity
                for k in 0..<m {
                    var translated = point[k] - ideal[k]
                    if translated < 1e-3 { translated = 0 }
                    value = max(value, translated * (k == axis ? 1 : 1e6))
                }
                if value < bestValue { bestValue = value; best = point }
            }
            return best
        }
    }

    /// The axis intercepts (relative to `ideal`) of the hyperplane through `extremes`, or nil when it is
    /// degenerate: a singular system, a solution that does not check out (numpy's `allclose` tolerances) or
    /// an intercept not above 1e-6 (pymoo `get_nadir_point`).
    static func intercepts(_ extremes: [[Double]], ideal: [Double]) -> [Double]? {
        let m = ideal.count
        let matrix = extremes.map { point in (0..<m).map { point[$0] - ideal[$0] } }
        guard let plane = solve(matrix, [Double](repeating: 1, count: m)) else { return nil }
        for row in matrix {
            let product = zip(row, plane).reduce(0) { $0 + $1.0 * $1.1 }
            if !(abs(product - 1) <= 1e-8 + 1e-5) { return nil }
        }
        let intercepts = plane.map { 1 / $0 }
        guard intercepts.allSatisfy({ $0 > 1e-6 }) else { return nil }
        return intercepts
    }

    /// The solution of `matrix · x = rhs` by Gaussian elimination with partial pivoting, nil when singular.
    static func solve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double]? {
        let n = rhs.count
        var a = matrix
        var b = rhs
        for column in 0..<n {
            var pivot = column
            for row in (column + 1)..<n where abs(a[row][column]) > abs(a[pivot][column]) { pivot = row }
            guard a[pivot][column] != 0, a[pivot][column].isFinite else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = a[row][column] / a[column][column]
                if factor == 0 { continue }
                for k in column..<n { a[row][k] -= factor * a[column][k] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row][k] * x[k] }
            x[row] = sum / a[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    static func componentwiseMaximum(_ points: [[Double]]) -> [Double] {
        var result = points[0]
        for point in points.dropFirst() {
            for k in result.indices { result[k] = max(result[k], point[k]) }
        }
        return result
    }
}
