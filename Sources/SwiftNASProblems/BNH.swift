import SwiftNASAlgorithms

/// Binh and Korn's constrained bi-objective problem as pymoo 0.6's `BNH` (`pymoo/problems/multi/bnh.py`):
/// two variables, x1 in [0, 5], x2 in [0, 3], two inequality constraints (normalised as pymoo does).
public struct BNH: Problem {
    public let domain = SearchDomain(
        variables: [Variable(lower: 0, upper: 5), Variable(lower: 0, upper: 3)], objectiveCount: 2, constraintCount: 2)

    public init() {}

    public var name: String { "bnh" }

    public func evaluate(_ x: [Double]) -> Evaluation {
        let f1 = 4 * x[0] * x[0] + 4 * x[1] * x[1]
        let f2 = (x[0] - 5) * (x[0] - 5) + (x[1] - 5) * (x[1] - 5)
        let g1 = ((x[0] - 5) * (x[0] - 5) + x[1] * x[1] - 25) / 25
        let g2 = -((x[0] - 8) * (x[0] - 8) + (x[1] + 3) * (x[1] + 3) - 7.7) / 7.7
        return Evaluation(objectives: [f1, f2], constraints: [g1, g2])
    }

    /// pymoo's 100-point front: x1 = linspace(0, 5), x2 = x1 capped at 3.
    public func paretoFront() -> [[Double]]? {
        linearSpace(0, 5, 100).map { evaluate([$0, min($0, 3)]).objectives }
    }
}
