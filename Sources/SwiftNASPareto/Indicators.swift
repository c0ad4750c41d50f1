/// Distance-based quality indicators of an approximation front against a reference front (minimisation),
/// as pymoo 0.6 and moocore define them, without normalisation.
public enum Indicators {
    /// Inverted generational distance: the mean, over the points z of `reference`, of the Euclidean distance
    /// from z to the nearest point of `front`.
    ///
    /// Returns NaN when `reference` is empty or the rows differ in length, and infinity when `front` is
    /// empty (and `reference` is not).
    public static func igd(front: [[Double]], reference: [[Double]]) -> Double {
        guard let (a, z) = matrices(front, reference) else { return .nan }
        return igd(front: a, reference: z)
    }

    /// ``igd(front:reference:)`` for flat matrices.
    public static func igd(front: ObjectiveMatrix, reference: ObjectiveMatrix) -> Double {
        meanNearest(from: reference, to: front, modified: false)
    }

    /// IGD+ (Ishibuchi et al. 2015): like IGD with the dominance-compliant distance
    /// d⁺(z, a) = sqrt(Σᵢ max(aᵢ − zᵢ, 0)²) from a reference point z to an approximation point a.
    ///
    /// Returns NaN when `reference` is empty or the rows differ in length, and infinity when `front` is
    /// empty (and `reference` is not).
    public static func igdPlus(front: [[Double]], reference: [[Double]]) -> Double {
        guard let (a, z) = matrices(front, reference) else { return .nan }
        return igdPlus(front: a, reference: z)
    }

    /// ``igdPlus(front:reference:)`` for flat matrices.
    public static func igdPlus(front: ObjectiveMatrix, reference: ObjectiveMatrix) -> Double {
        meanNearest(from: reference, to: front, modified: true)
    }

    /// Generational distance: the mean, over the points of `front`, of the Euclidean distance to the nearest
    /// point of `reference` (IGD with the roles swapped). Same edge cases as IGD, roles swapped.
    public static func gd(front: [[Double]], reference: [[Double]]) -> Double {
        guard let (a, z) = matrices(front, reference) else { return .nan }
        return meanNearest(from: a, to: z, modified: false)
    }

    /// GD+: the mean, over the points a of `front`, of the smallest d⁺(z, a) = sqrt(Σᵢ max(aᵢ − zᵢ, 0)²)
    /// over the points z of `reference`. Same edge cases as IGD, roles swapped.
    public static func gdPlus(front: [[Double]], reference: [[Double]]) -> Double {
        guard let (a, z) = matrices(front, reference) else { return .nan }
        return meanNearestPlusFromFront(a, z)
    }

    /// Both row sets as matrices, or nil when any row's length differs from the others'.
    static func matrices(_ a: [[Double]], _ b: [[Double]]) -> (ObjectiveMatrix, ObjectiveMatrix)? {
        guard let m = a.first?.count ?? b.first?.count else { return (ObjectiveMatrix(rows: a), ObjectiveMatrix(rows: b)) }
        if a.contains(where: { $0.count != m }) || b.contains(where: { $0.count != m }) { return nil }
        return (ObjectiveMatrix(rows: a), ObjectiveMatrix(rows: b))
    }

    /// Mean over the rows of `from` of the distance to the nearest row of `to`; with `modified`, the
    /// distance from z ∈ `from` to a ∈ `to` is d⁺(z, a).
    static func meanNearest(from: ObjectiveMatrix, to: ObjectiveMatrix, modified: Bool) -> Double {
        if from.count == 0 { return .nan }
        if to.count == 0 { return .infinity }
        let m = from.dimension
        if to.dimension != m { return .nan }
        var total = 0.0
        from.values.withUnsafeBufferPointer { z in
            to.values.withUnsafeBufferPointer { a in
                for i in 0..<from.count {
                    let zi = i * m
                    var best = Double.infinity
                    for j in 0..<to.count {
                        let aj = j * m
                        var sum = 0.0
                        var k = 0
                        while k < m {
                            var d = a[aj + k] - z[zi + k]
                            if modified && d < 0 { d = 0 }
                            sum += d * d
                            if sum >= best { break }
                            k += 1
                        }
                        if sum < best { best = sum }
                    }
                    total += best.squareRoot()
                }
            }
        }
        return total / Double(from.count)
    }

    /// GD+: mean over a ∈ `front` of min over z ∈ `reference` of d⁺(z, a).
    static func meanNearestPlusFromFront(_ front: ObjectiveMatrix, _ reference: ObjectiveMatrix) -> Double {
        if front.count == 0 { return .nan }
        if reference.count == 0 { return .infinity }
        let m = front.dimension
        var total = 0.0
        front.values.withUnsafeBufferPointer { a in
            reference.values.withUnsafeBufferPointer { z in
                for i in 0..<front.count {
                    var best = Double.infinity
                    for j in 0..<reference.count {
                        var sum = 0.0
                        for k in 0..<m {
                            let d = max(a[i * m + k] - z[j * m + k], 0)
                            sum += d * d
                        }
                        if sum < best { best = sum }
                    }
                    total += best.squareRoot()
                }
            }
        }
        return total / Double(front.count)
    }
}
