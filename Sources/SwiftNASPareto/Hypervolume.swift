/// Exact hypervolume of a set of points (minimisation) with respect to a reference point.
///
/// Points that do not strictly dominate the reference point contribute nothing; duplicates count once.
public enum Hypervolume {
    /// The volume of the region dominated by `points` and bounded by `reference`.
    public static func compute(_ points: [[Double]], reference: [Double]) -> Double {
        let inside = points.filter { p in zip(p, reference).allSatisfy { $0 < $1 } }
        if inside.isEmpty { return 0 }
        return slice(inside, reference: reference)
    }

    /// Hypervolume by slicing along the last objective (HSO); simple and exact, exponential in dimension.
    private static func slice(_ points: [[Double]], reference: [Double]) -> Double {
        let m = reference.count
        if m == 1 { return reference[0] - points.map { $0[0] }.min()! }
        if m == 2 {
            let sorted = points.sorted { $0[0] < $1[0] || ($0[0] == $1[0] && $0[1] < $1[1]) }
            var volume = 0.0
            var bestY = reference[1]
            for p in sorted where p[1] < bestY {
                volume += (reference[0] - p[0]) * (bestY - p[1])
                bestY = p[1]
            }
            return volume
        }
        let sorted = points.sorted { $0[m - 1] < $1[m - 1] }
        var volume = 0.0
        let lowerReference = Array(reference.prefix(m - 1))
        for (i, p) in sorted.enumerated() {
            let top = i + 1 < sorted.count ? sorted[i + 1][m - 1] : reference[m - 1]
            let height = top - p[m - 1]
            if height <= 0 { continue }
            let projected = sorted[0...i].map { Array($0.prefix(m - 1)) }
            volume += height * slice(projected, reference: lowerReference)
        }
        return volume
    }
}
