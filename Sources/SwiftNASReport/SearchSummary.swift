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

    /// The best value of each objective among the successful evaluations, in the user's units (the reference
    /// point where none succeeded).
    public var ideal: [Double] {
        let minimized = records.filter { $0.status == .ok }.map { goal.minimized($0) }
        guard !minimized.isEmpty else { return reference }
        return goal.objectives.indices.map { k in goal.senses[k].fromMinimization(minimized.map { $0[k] }.min()!) }
    }

    /// The volume of the box from the ideal point to the reference point: the most hypervolume this set of
    /// evaluations could show (0 when the box is flat).
    public var referenceBoxVolume: Double {
        zip(ideal, reference).reduce(1) { $0 * abs($1.1 - $1.0) }
    }

    /// The hypervolume curve as fractions of the reference box (0 to 1), comparable across objectives' units.
    public var normalizedHypervolumeCurve: [(evaluations: Int, fraction: Double)] {
        let box = referenceBoxVolume
        return hypervolumeCurve.map { ($0.evaluations, box > 0 ? $0.hypervolume / box : 0) }
    }

    /// The hypervolume of the whole run as a fraction of the reference box.
    public var normalizedHypervolume: Double { normalizedHypervolumeCurve.last?.fraction ?? 0 }

    /// One sentence on the hypervolume with its reference point in the objectives' units, normalised.
    public var hypervolumeDescription: String {
        let point = { (values: [Double]) in zip(goal.objectives, values).map { "\($0.metric)=\(Canvas.label($1, precise: true))" }.joined(separator: ", ") }
        return "hypervolume \(String(format: "%.6g", hypervolume)) = \(String(format: "%.4f", normalizedHypervolume)) of the box from the ideal point (\(point(ideal))) to the reference point (\(point(reference)))"
    }
}
