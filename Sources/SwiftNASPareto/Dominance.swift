/// Non-dominated sorting and crowding distance for minimisation problems.
///
/// Points are rows of objective values, all minimised. A point `a` dominates `b` when it is no worse in
/// every objective and strictly better in at least one; equal points never dominate each other, so
/// duplicates always share a front.
///
/// Algorithms: one objective sorts; two objectives use the O(N log N) sweep (sort by f1 then f2, binary
/// search over front tails); three objectives run the same sweep with a 2-D staircase per front (binary
/// search over fronts, then over the staircase), O(N log N · log F) comparisons; four and more use the
/// efficient non-dominated sort with binary search over fronts (ENS-BS). Input containing NaN goes through
/// the pairwise O(M N²) algorithm, which keeps the element-wise comparison semantics of ``dominates(_:_:)``.
public enum NonDominatedSorting {
    /// Whether `a` dominates `b` (minimisation). Rows of different length are compared over their common
    /// prefix.
    @inlinable
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var strictlyBetter = false
        for i in 0..<min(a.count, b.count) {
            if a[i] > b[i] { return false }
            if a[i] < b[i] { strictlyBetter = true }
        }
        return strictlyBetter
    }

    /// Partitions the indices of `points` into fronts: front 0 is non-dominated, front 1 is non-dominated
    /// once front 0 is removed, and so on. Indices inside a front are ascending.
    /// - Parameter limit: stop once at least this many points have been assigned to fronts (nil = all).
    public static func fronts(_ points: [[Double]], limit: Int? = nil) -> [[Int]] {
        fronts(ObjectiveMatrix(rows: points), limit: limit)
    }

    /// ``fronts(_:limit:)`` for points already held in a flat matrix.
    public static func fronts(_ matrix: ObjectiveMatrix, limit: Int? = nil) -> [[Int]] {
        let rank = ranks(matrix)
        return frontsFromRanks(rank, limit: limit)
    }

    /// The rank (front number) of every point.
    public static func ranks(_ points: [[Double]]) -> [Int] {
        ranks(ObjectiveMatrix(rows: points))
    }

    /// The rank (front number, 0 = non-dominated) of every point of `matrix`.
    public static func ranks(_ matrix: ObjectiveMatrix) -> [Int] {
        let n = matrix.count
        if n == 0 { return [] }
        if matrix.dimension == 0 || n == 1 { return [Int](repeating: 0, count: n) }
        if matrix.containsNaN { return NDSKernels.pairwiseRanks(matrix) }
        switch matrix.dimension {
        case 1: return NDSKernels.ranks1D(matrix)
        case 2: return NDSKernels.ranks2D(matrix)
        case 3: return NDSKernels.ranks3D(matrix)
        default: return NDSKernels.ranksENS(matrix)
        }
    }

    /// Indices of the non-dominated points.
    public static func nonDominated(_ points: [[Double]]) -> [Int] {
        nonDominated(ObjectiveMatrix(rows: points))
    }

    /// Indices (ascending) of the non-dominated points of `matrix`.
    public static func nonDominated(_ matrix: ObjectiveMatrix) -> [Int] {
        let rank = ranks(matrix)
        return rank.indices.filter { rank[$0] == 0 }
    }

    /// Groups indices by rank, ascending within each front, stopping after the front that brings the number
    /// of assigned points to at least `limit`.
    static func frontsFromRanks(_ rank: [Int], limit: Int?) -> [[Int]] {
        guard let maxRank = rank.max() else { return [] }
        var sizes = [Int](repeating: 0, count: maxRank + 1)
        for r in rank { sizes[r] += 1 }
        var frontCount = maxRank + 1
        if let limit {
            var assigned = 0
            for (r, size) in sizes.enumerated() {
                assigned += size
                if assigned >= limit { frontCount = r + 1; break }
            }
        }
        var fronts = [[Int]]()
        fronts.reserveCapacity(frontCount)
        for r in 0..<frontCount {
            var front = [Int]()
            front.reserveCapacity(sizes[r])
            fronts.append(front)
        }
        for (i, r) in rank.enumerated() where r < frontCount { fronts[r].append(i) }
        return fronts
    }
}

/// NSGA-II's crowding distance within one front, with pymoo's `calc_crowding_distance` semantics.
public enum CrowdingDistance {
    /// Crowding distance of each point of `front` (rows of objectives), as pymoo 0.6 computes it:
    ///
    /// - fronts of at most two points get `.infinity` everywhere;
    /// - per objective, points are ordered by value with ties kept in index order (stable sort); the first
    ///   and last points of that order get an infinite contribution, the others the gap between their
    ///   neighbours divided by the objective's range; an objective whose range is zero contributes zero to
    ///   every point, boundaries included;
    /// - the contributions are summed and divided by the number of objectives.
    ///
    /// Duplicates are not filtered: of two equal boundary points only the first in index order is infinite.
    public static func compute(_ front: [[Double]]) -> [Double] {
        compute(ObjectiveMatrix(rows: front))
    }

    /// ``compute(_:)`` for a front already held in a flat matrix.
    public static func compute(_ front: ObjectiveMatrix) -> [Double] {
        let n = front.count, m = front.dimension
        if n <= 2 { return [Double](repeating: .infinity, count: n) }
        if m == 0 { return [Double](repeating: 0, count: n) }
        var distance = [Double](repeating: 0, count: n)
        var sorted = [Double](repeating: 0, count: n)
        front.values.withUnsafeBufferPointer { v in
            for k in 0..<m {
                let order = IndexSort.stableOrder(v, count: n, stride: m, column: k)
                for r in 0..<n { sorted[r] = v[order[r] * m + k] }
                let range = sorted[n - 1] - sorted[0]
                if !(range > 0) && !(range < 0) { continue }  // zero (or NaN) range: contributes nothing
                distance[order[0]] += .infinity
                distance[order[n - 1]] += .infinity
                for r in 1..<(n - 1) {
                    let toLast = (sorted[r] - sorted[r - 1]) / range
                    let toNext = (sorted[r + 1] - sorted[r]) / range
                    distance[order[r]] += toLast + toNext
                }
            }
        }
        let scale = Double(m)
        for i in 0..<n { distance[i] /= scale }
        return distance
    }
}
