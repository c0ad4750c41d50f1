/// Das–Dennis simplex-lattice points: every vector of `dimensions` non-negative multiples of
/// 1/`partitions` summing to 1 (Das & Dennis 1998; pymoo's `UniformReferenceDirectionFactory`). Used for
/// the DTLZ Pareto-front samples.
enum ReferenceLattice {
    static func points(dimensions: Int, partitions: Int) -> [[Double]] {
        var result: [[Double]] = []
        var current = [Int](repeating: 0, count: dimensions)
        func fill(_ index: Int, _ remaining: Int) {
            if index == dimensions - 1 {
                current[index] = remaining
                result.append(current.map { Double($0) / Double(partitions) })
                return
            }
            for share in 0...remaining {
                current[index] = share
                fill(index + 1, remaining - share)
            }
        }
        if dimensions == 1 { return [[1]] }
        fill(0, partitions)
        return result
    }
}
