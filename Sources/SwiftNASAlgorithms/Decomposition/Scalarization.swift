/// Scalarizing functions that turn an objective vector into one value for a weight (reference direction),
/// relative to an ideal point; smaller is better. Formulas as pymoo 0.6.2's `pymoo/decomposition/`.
enum Scalarization: Sendable, Equatable {
    /// Weighted Tchebycheff: max_k w_k |f_k − z_k| (Zhang & Li 2007).
    case tchebycheff
    /// Penalty-based boundary intersection: d₁ + θ d₂, with d₁ the distance along the weight and d₂ the
    /// distance from it (Zhang & Li 2007).
    case penaltyBoundaryIntersection(theta: Double)
    /// Achievement scalarizing function: max_k (f_k − z_k) / w_k, zero weights replaced by `zeroWeight`.
    case achievement(zeroWeight: Double)

    /// pymoo's MOEA/D default (`default_decomp` in `pymoo/algorithms/moo/moead.py`): Tchebycheff for two
    /// objectives, PBI with θ = 5 (pymoo `PBI(theta=5)`) for more.
    static func moeadDefault(objectiveCount: Int) -> Scalarization {
        objectiveCount <= 2 ? .tchebycheff : .penaltyBoundaryIntersection(theta: 5)
    }

    /// The scalarized value of `objectives` for `weight`, relative to `ideal`.
    func value(_ objectives: [Double], weight: [Double], ideal: [Double]) -> Double {
        switch self {
        case .tchebycheff:
            var largest = -Double.infinity
            for k in objectives.indices { largest = max(largest, abs(objectives[k] - ideal[k]) * weight[k]) }
            return largest
        case .penaltyBoundaryIntersection(let theta):
            let (along, across) = Scalarization.distances(objectives, direction: weight, origin: ideal)
            return along + theta * across
        case .achievement(let zeroWeight):
            var largest = -Double.infinity
            for k in objectives.indices {
                largest = max(largest, (objectives[k] - ideal[k]) / (weight[k] == 0 ? zeroWeight : weight[k]))
            }
            return largest
        }
    }

    /// The signed length of the projection of `point − origin` onto `direction` and the distance of
    /// `point − origin` from the line through the origin along `direction`.
    static func distances(_ point: [Double], direction: [Double], origin: [Double]) -> (along: Double, across: Double) {
        var dot = 0.0, squaredNorm = 0.0
        for k in point.indices {
            dot += (point[k] - origin[k]) * direction[k]
            squaredNorm += direction[k] * direction[k]
        }
        let norm = squaredNorm.squareRoot()
        guard norm > 0 else { return (0, 0) }
        let along = dot / norm
        var across = 0.0
        for k in point.indices {
            let residual = (point[k] - origin[k]) - along * direction[k] / norm
            across += residual * residual
        }
        return (along, across.squareRoot())
    }

    /// The distance of `point` from the line through zero along `direction` (pymoo
    /// `calc_perpendicular_distance`).
    static func perpendicularDistance(_ point: [Double], direction: [Double]) -> Double {
        var dot = 0.0, squaredNorm = 0.0
        for k in point.indices {
            dot += point[k] * direction[k]
            squaredNorm += direction[k] * direction[k]
        }
        guard squaredNorm > 0 else { return (point.reduce(0) { $0 + $1 * $1 }).squareRoot() }
        let scale = dot / squaredNorm
        var across = 0.0
        for k in point.indices {
            let residual = scale * direction[k] - point[k]
            across += residual * residual
        }
        return across.squareRoot()
    }

    /// For each point, the nearest direction (perpendicular distance; first on ties) and that distance.
    static func associate(_ points: [[Double]], to directions: [[Double]]) -> (niche: [Int], distance: [Double]) {
        var niche = [Int](repeating: 0, count: points.count)
        var distance = [Double](repeating: .infinity, count: points.count)
        for i in points.indices {
            for j in directions.indices {
                let d = perpendicularDistance(points[i], direction: directions[j])
                if d < distance[i] { distance[i] = d; niche[i] = j }
            }
        }
        return (niche, distance)
    }
}
