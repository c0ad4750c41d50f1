/// Non-dominated sorting and crowding distance for minimisation problems.
///
/// Points are rows of objective values, all minimised. A point `a` dominates `b` when it is no worse in
/// every objective and strictly better in at least one.
public enum NonDominatedSorting {
    /// Whether `a` dominates `b` (minimisation).
    @inlinable
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var strictlyBetter = false
        for i in a.indices {
            if a[i] > b[i] { return false }
            if a[i] < b[i] { strictlyBetter = true }
        }
        return strictlyBetter
    }

    /// Partitions the indices of `points` into fronts: front 0 is non-dominated, front 1 is non-dominated
    /// once front 0 is removed, and so on. Indices inside a front are ascending.
    /// - Parameter limit: stop once at least this many points have been assigned to fronts (nil = all).
    public static func fronts(_ points: [[Double]], limit: Int? = nil) -> [[Int]] {
        let n = points.count
        if n == 0 { return [] }
        var dominatedBy = [[Int]](repeating: [], count: n)
        var dominationCount = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                if dominates(points[i], points[j]) {
                    dominatedBy[i].append(j); dominationCount[j] += 1
                } else if dominates(points[j], points[i]) {
                    dominatedBy[j].append(i); dominationCount[i] += 1
                }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<n).filter { dominationCount[$0] == 0 }
        var assigned = 0
        while !current.isEmpty {
            fronts.append(current)
            assigned += current.count
            if let limit, assigned >= limit { break }
            var next: [Int] = []
            for i in current {
                for j in dominatedBy[i] {
                    dominationCount[j] -= 1
                    if dominationCount[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return fronts
    }

    /// The rank (front number) of every point.
    public static func ranks(_ points: [[Double]]) -> [Int] {
        var rank = [Int](repeating: 0, count: points.count)
        for (r, front) in fronts(points).enumerated() { for i in front { rank[i] = r } }
        return rank
    }

    /// Indices of the non-dominated points.
    public static func nonDominated(_ points: [[Double]]) -> [Int] {
        fronts(points, limit: 1).first ?? []
    }
}

/// NSGA-II's crowding distance within one front.
public enum CrowdingDistance {
    /// Crowding distance of each point of `front` (rows of objectives). Boundary points get `.infinity`;
    /// each objective's contribution is normalised by that objective's range within the front (pymoo's
    /// convention: a zero range contributes nothing).
    public static func compute(_ front: [[Double]]) -> [Double] {
        let n = front.count
        if n <= 2 { return [Double](repeating: .infinity, count: n) }
        let m = front[0].count
        var distance = [Double](repeating: 0, count: n)
        for k in 0..<m {
            let order = (0..<n).sorted { front[$0][k] < front[$1][k] }
            let low = front[order[0]][k], high = front[order[n - 1]][k]
            distance[order[0]] = .infinity
            distance[order[n - 1]] = .infinity
            let range = high - low
            if range <= 0 { continue }
            for r in 1..<(n - 1) {
                distance[order[r]] += (front[order[r + 1]][k] - front[order[r - 1]][k]) / range
            }
        }
        return distance
    }
}
