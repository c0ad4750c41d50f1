import SwiftNASPareto

extension SearchGoal {
    /// The successful, feasible, non-dominated records (in the user's directions).
    public func front(of records: [EvaluationRecord]) -> [EvaluationRecord] {
        let feasible = records.filter { record in
            record.status == .ok && constraints.allSatisfy { $0.value(record.metrics[$0.metric] ?? .nan) <= 0 }
        }
        let points = feasible.map(minimized)
        return NonDominatedSorting.nonDominated(points).map { feasible[$0] }
    }

    /// A record's objectives, minimised.
    public func minimized(_ record: EvaluationRecord) -> [Double] {
        objectives.map { $0.sense.toMinimization(record.metrics[$0.metric] ?? .nan) }
    }

    /// The nadir of the successful records' minimised objectives, or nil when none succeeded.
    public func nadir(of records: [EvaluationRecord]) -> [Double]? {
        let points = records.filter { $0.status == .ok }.map(minimized)
        return points.isEmpty ? nil : Objectives.nadir(points)
    }
}
