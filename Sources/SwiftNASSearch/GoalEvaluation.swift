import SwiftNASAlgorithms
import SwiftNASPareto

extension SearchGoal {
    /// The algorithm's view of a measurement: minimised objectives and constraint values.
    public func evaluation(from metrics: [String: Double]) -> Evaluation {
        Evaluation(
            objectives: objectives.map { $0.sense.toMinimization(metrics[$0.metric] ?? .nan) },
            constraints: constraints.map { $0.value(metrics[$0.metric] ?? .nan) } + [0])
    }

    /// The algorithm's view of a failed measurement: infeasible, and worse than anything real.
    public var failedEvaluation: Evaluation {
        Evaluation(objectives: Array(repeating: 1e300, count: objectives.count),
                   constraints: Array(repeating: 0, count: constraints.count) + [1e12])
    }
}
