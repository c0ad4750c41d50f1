import SwiftNASPareto
import SwiftNASStore

/// What a report shows of a search: its evaluations, the Pareto front, and the hypervolume as it grew.
public struct SearchSummary: Sendable {
    public var records: [EvaluationRecord]
    public var goal: SearchGoal
    /// The hypervolume reference point in the user's units (one value per objective).
    public var reference: [Double]
    /// The feasible non-dominated records.
    public var front: [EvaluationRecord]
    /// (evaluations so far, hypervolume of the front found by then).
    public var hypervolumeCurve: [(evaluations: Int, hypervolume: Double)]

    /// Summarises `records`. Without a `reference`, the nadir of all successful evaluations is used.
    /// `checkpoints` are the evaluation counts at which the hypervolume is reported (default: every tenth of
    /// the run, plus the end).
    public init(records: [EvaluationRecord], goal: SearchGoal, reference: [Double]? = nil, checkpoints: [Int]? = nil) {
        self.records = records
        self.goal = goal
        let successful = records.filter { $0.status == .ok }
        let minimized = successful.map { goal.minimized($0) }
        let nadir = minimized.isEmpty ? Array(repeating: 0, count: goal.objectives.count) : Objectives.nadir(minimized)
        self.reference = reference ?? zip(nadir, goal.senses).map { $1.fromMinimization($0) }
        front = goal.front(of: records)
        let referenceMinimized = zip(self.reference, goal.senses).map { $1.toMinimization($0) }
        let counts = checkpoints ?? Self.defaultCheckpoints(total: records.count)
        hypervolumeCurve = counts.filter { $0 <= records.count }.map { count in
            let prefixFront = goal.front(of: Array(records.prefix(count)))
            return (count, Hypervolume.compute(prefixFront.map { goal.minimized($0) }, reference: referenceMinimized))
        }
    }

    static func defaultCheckpoints(total: Int) -> [Int] {
        guard total > 0 else { return [] }
        var counts = Set((1...10).map { max(1, total * $0 / 10) })
        counts.insert(total)
        return counts.sorted()
    }

    /// The hypervolume of the whole run.
    public var hypervolume: Double { hypervolumeCurve.last?.hypervolume ?? 0 }
}
