import SwiftNASCore
import SwiftNASPareto

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// AGE-MOEA (Panichella 2019, "An adaptive evolutionary algorithm based on non-euclidean geometry for
/// many-objective optimization", GECCO) as pymoo 0.6's `AGEMOEA`: NSGA-II's variation and rank-then-crowding
/// tournament, with a survival that estimates the geometry (the L^p norm) of the first front and scores
/// its members by proximity and diversity in that geometry.
///
/// One deliberate difference from pymoo 0.6.2: pymoo leaves the score of the last (split) front at zero
/// (its loop stops one front early), so that front is truncated arbitrarily; we score it by its L^p
/// proximity to the ideal point like every other later front, as the paper does.
public struct AGEMOEA: RegisteredAlgorithm {
    public static let name = "age"
    public static let summary = "AGE-MOEA: survival by estimated front geometry (Panichella 2019)"
    public static let objectiveCounts = 2...Int.max

    private var core: GenerationalCore
    public private(set) var population: [Individual] = []
    private var rank: [Int] = []
    private var score: [Double] = []

    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        core = try GenerationalCore(domain: domain, settings: settings)
    }

    /// AGE-MOEA with custom variation operators.
    public init(domain: SearchDomain, settings: AlgorithmSettings, variation: Variation) throws {
        core = try GenerationalCore(domain: domain, settings: settings, variation: variation)
    }

    public var best: [Individual] { FeasibilityFirst.best(of: population) }

    public mutating func ask() -> [[Double]] {
        let members = population, rank = rank, score = score
        return core.nextBatch(population: members) { a, b, random in
            BinaryTournament.byRankThenCrowding(a, b, individuals: members, rank: rank, crowding: score, using: &random)
        }
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        let merged = population + core.receive(evaluations)
        var rank = [Int](repeating: .max, count: merged.count)
        var score = [Double](repeating: 0, count: merged.count)
        let survivors = FeasibilityFirst.survivors(of: merged, count: core.populationSize) { feasible, wanted in
            let chosen = AGESurvival.select(feasible.map { merged[$0].objectives }, count: wanted)
            for (j, i) in feasible.enumerated() {
                rank[i] = chosen.rank[j]
                score[i] = chosen.score[j]
            }
            return chosen.selected.map { feasible[$0] }
        }
        population = survivors.map { merged[$0] }
        self.rank = survivors.map { rank[$0] }
        self.score = survivors.map { score[$0] }
    }
}

/// AGE-MOEA's survival on feasible objective vectors (pymoo's `AGEMOEASurvival`).
enum AGESurvival {
    /// The `count` selected indices, plus every point's front rank (`Int.max` when unranked) and score.
    static func select(_ points: [[Double]], count: Int) -> (selected: [Int], rank: [Int], score: [Double]) {
        let n = points.count
        let m = points.first?.count ?? 0
        var rank = [Int](repeating: .max, count: n)
        var score = [Double](repeating: 0, count: n)
        let fronts = NonDominatedSorting.fronts(points, limit: count)
        for (k, front) in fronts.enumerated() { for i in front { rank[i] = k } }
        guard let first = fronts.first else { return ([], rank, score) }

        var ideal = [Double](repeating: .infinity, count: m)
        for i in first { for j in 0..<m { ideal[j] = min(ideal[j], points[i][j]) } }
        let firstScore = survivalScore(first.map { points[$0] }, ideal: ideal)
        for (j, i) in first.enumerated() { score[i] = firstScore.score[j] }
        let p = firstScore.p, normalization = firstScore.normalization
        for front in fronts.dropFirst() {
            for i in front {
                var sum = 0.0
                for j in 0..<m { sum += pow(abs(points[i][j] / normalization[j] - ideal[j]), p) }
                score[i] = 1 / pow(sum, 1 / p)
            }
        }
        var selected: [Int] = []
        selected.reserveCapacity(count)
        for front in fronts.dropLast() { selected.append(contentsOf: front) }
        let last = fronts[fronts.count - 1]
        let order = last.indices.sorted { (score[last[$0]], $0) > (score[last[$1]], $1) }
        selected.append(contentsOf: order.prefix(count - selected.count).map { last[$0] })
        return (selected, rank, score)
    }

    /// Proximity/diversity scores of the first front, its estimated L^p exponent and the normalisation
    /// (pymoo's `survival_score`).
    static func survivalScore(_ raw: [[Double]], ideal: [Double]) -> (score: [Double], p: Double, normalization: [Double]) {
        let count = raw.count
        let m = ideal.count
        var front = raw.map { $0.map { ($0 * 1e12).rounded() / 1e12 } }
        var score = [Double](repeating: 0, count: count)
        if count < m {
            var maximum = [Double](repeating: -.infinity, count: m)
            for point in front { for j in 0..<m { maximum[j] = max(maximum[j], point[j]) } }
            return (score, 1, maximum)
        }
        front = front.map { point in (0..<m).map { point[$0] - ideal[$0] } }
        let extreme = cornerSolutions(front)
        let normalization = normalizationVector(front, extreme: extreme)
        front = front.map { point in (0..<m).map { point[$0] / normalization[$0] } }
        var isSelected = [Bool](repeating: false, count: count)
        for e in extreme {
            score[e] = .infinity
            isSelected[e] = true
        }
        let p = geometry(front, extreme: extreme)
        let norms: [Double] = front.map { point in
            let value = pow(point.reduce(0) { $0 + pow(abs($1), p) }, 1 / p)
            return value < 1e-8 ? 1 : value
        }
        func distance(_ from: Int, _ to: Int) -> Double {
            var sum = 0.0
            for j in 0..<m { sum += pow(abs(front[from][j] - front[to][j]), p) }
            return max(pow(sum, 1 / p), 1e-8) / norms[from]
        }
        // Greedy selection: repeatedly take the remaining point whose two nearest selected points are
        // farthest (sum of the two smallest normalised distances), keeping per-point nearest distances.
        var nearest = [Double](repeating: .infinity, count: count)
        var secondNearest = [Double](repeating: .infinity, count: count)
        var remaining = (0..<count).filter { !isSelected[$0] }
        func include(_ s: Int) {
            for r in remaining {
                let d = distance(s, r)
                if d < nearest[r] {
                    secondNearest[r] = nearest[r]
                    nearest[r] = d
                } else if d < secondNearest[r] {
                    secondNearest[r] = d
                }
            }
        }
        for e in extreme { include(e) }
        var selectedCount = extreme.count
        while !remaining.isEmpty {
            var bestPosition = 0
            var bestValue = -Double.infinity
            for (position, r) in remaining.enumerated() {
                let value = selectedCount > 1 ? nearest[r] + secondNearest[r] : nearest[r]
                if value > bestValue {
                    bestValue = value
                    bestPosition = position
                }
            }
            let chosen = remaining.remove(at: bestPosition)
            score[chosen] = bestValue
            include(chosen)
            selectedCount += 1
        }
        return (score, p, normalization)
    }

    /// Indices of the points closest to each (slightly perturbed) axis (pymoo's `find_corner_solutions`).
    static func cornerSolutions(_ front: [[Double]]) -> [Int] {
        let count = front.count
        let m = front.first?.count ?? 0
        if count <= m { return Array(0..<count) }
        var taken = [Bool](repeating: false, count: count)
        var corners: [Int] = []
        for axis in 0..<m {
            let direction = (0..<m).map { $0 == axis ? 1 + 1e-6 : 1e-6 }
            var bestIndex = 0
            var bestDistance = Double.infinity
            for i in 0..<count where !taken[i] {
                let d = lineDistance(front[i], direction)
                if d < bestDistance {
                    bestDistance = d
                    bestIndex = i
                }
            }
            corners.append(bestIndex)
            taken[bestIndex] = true
        }
        return corners
    }

    /// Squared distance from `point` to the line through the origin along `direction`.
    static func lineDistance(_ point: [Double], _ direction: [Double]) -> Double {
        var dot = 0.0, length = 0.0
        for j in point.indices {
            dot += point[j] * direction[j]
            length += direction[j] * direction[j]
        }
        let t = dot / length
        var sum = 0.0
        for j in point.indices {
            let d = point[j] - t * direction[j]
            sum += d * d
        }
        return sum
    }

    /// Intercepts of the hyperplane through the extreme points, or the per-objective maxima when that
    /// plane is degenerate (pymoo's `normalize`); zero entries become 1.
    static func normalizationVector(_ front: [[Double]], extreme: [Int]) -> [Double] {
        let m = front.first?.count ?? 0
        var maximum = [Double](repeating: -.infinity, count: m)
        for point in front { for j in 0..<m { maximum[j] = max(maximum[j], point[j]) } }
        var result = maximum
        if extreme.count == m,
           let plane = LinearSystem.solve(extreme.map { front[$0] }, [Double](repeating: 1, count: m), pivotTolerance: 1e-14),
           plane.allSatisfy({ $0.isFinite && $0 > 0 }) {
            let intercepts = plane.map { 1 / $0 }
            if intercepts.allSatisfy(\.isFinite) { result = intercepts }
        }
        return result.map { $0 == 0 ? 1 : $0 }
    }

    /// The L^p exponent of the front: from the non-extreme point nearest the diagonal,
    /// p = ln m / ln(1 / mean of its coordinates), limited to [0.1 → 1, 20] (pymoo's `compute_geometry`).
    static func geometry(_ front: [[Double]], extreme: [Int]) -> Double {
        let m = front.first?.count ?? 1
        let diagonal = [Double](repeating: 1, count: m)
        var isExtreme = [Bool](repeating: false, count: front.count)
        for e in extreme { isExtreme[e] = true }
        var index = 0
        var bestDistance = Double.infinity
        for i in front.indices where !isExtreme[i] {
            let d = lineDistance(front[i], diagonal)
            if d < bestDistance {
                bestDistance = d
                index = i
            }
        }
        let mean = front[index].reduce(0, +) / Double(m)
        let p = log(Double(m)) / log(1 / mean)
        if p.isNaN || p <= 0.1 { return 1 }
        return min(p, 20)
    }
}
