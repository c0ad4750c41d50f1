import SwiftNASCore

/// One metric to optimise and its direction (`accuracy_top1:max`).
public struct SearchObjective: Sendable, Hashable, Codable {
    public var metric: String
    public var sense: ObjectiveSense

    public init(metric: String, sense: ObjectiveSense) {
        self.metric = metric
        self.sense = sense
    }

    /// Parses `name` or `name:max` / `name:min`. Without a direction it is inferred for known names
    /// (accuracy*, bleu: maximise; latency*, macs, params, model_size: minimise).
    public init(parsing text: String, source: String = "--optimization-metrics") throws {
        let parts = text.split(separator: ":", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard let name = parts.first, !name.isEmpty else { throw InputError(source: source, "empty metric name") }
        if parts.count == 2 {
            switch parts[1].lowercased() {
            case "max", "maximize", "maximise": sense = .maximize
            case "min", "minimize", "minimise": sense = .minimize
            default: throw InputError(source: source, field: text, "direction must be 'max' or 'min'")
            }
        } else if let inferred = SearchObjective.inferredSense(of: name) {
            sense = inferred
        } else {
            throw InputError(source: source, field: name, "unknown metric direction: write '\(name):max' or '\(name):min'")
        }
        metric = name
    }

    /// The direction of well-known metric names, DyNAS-T's conventions.
    public static func inferredSense(of name: String) -> ObjectiveSense? {
        let lower = name.lowercased()
        if lower.hasPrefix("accuracy") || lower.hasPrefix("bleu") || lower.hasPrefix("acc_") { return .maximize }
        if lower.hasPrefix("latency") || ["macs", "flops", "params", "model_size", "energy", "memory"].contains(lower) { return .minimize }
        return nil
    }

    /// `accuracy_top1:max`.
    public var description: String { "\(metric):\(sense == .maximize ? "max" : "min")" }
}

/// A bound a sub-network must satisfy (`latency<=20`, `accuracy_top1>=70`).
public struct SearchConstraint: Sendable, Hashable, Codable {
    public enum Relation: String, Sendable, Codable { case atMost = "<=", atLeast = ">=" }

    public var metric: String
    public var relation: Relation
    public var bound: Double

    public init(metric: String, relation: Relation, bound: Double) {
        self.metric = metric
        self.relation = relation
        self.bound = bound
    }

    /// Parses `metric<=bound` or `metric>=bound` (`<` and `>` are read as the non-strict forms).
    public init(parsing text: String, source: String = "--constraint") throws {
        let compact = text.replacingOccurrences(of: " ", with: "")
        for (token, relation) in [("<=", Relation.atMost), (">=", .atLeast), ("<", .atMost), (">", .atLeast)] {
            guard let range = compact.range(of: token) else { continue }
            let name = String(compact[..<range.lowerBound])
            let value = String(compact[range.upperBound...])
            guard !name.isEmpty else { throw InputError(source: source, field: text, "missing metric name") }
            guard let bound = Double(value), bound.isFinite else {
                throw InputError(source: source, field: text, "'\(value)' is not a number")
            }
            self.init(metric: name, relation: relation, bound: bound)
            return
        }
        throw InputError(source: source, field: text, "expected 'metric<=bound' or 'metric>=bound'")
    }

    /// The constraint value `g` (satisfied when `g <= 0`).
    public func value(_ measured: Double) -> Double {
        relation == .atMost ? measured - bound : bound - measured
    }

    public var description: String { "\(metric)\(relation.rawValue)\(bound)" }
}

/// What a search optimises: objectives, constraints and any extra metrics to record.
public struct SearchGoal: Sendable, Hashable, Codable {
    public var objectives: [SearchObjective]
    public var constraints: [SearchConstraint]
    /// Extra metrics measured and recorded, not optimised (DyNAS-T's `--measurements`).
    public var extraMeasurements: [String]

    public init(objectives: [SearchObjective], constraints: [SearchConstraint] = [], extraMeasurements: [String] = []) {
        self.objectives = objectives
        self.constraints = constraints
        self.extraMeasurements = extraMeasurements
    }

    /// Every metric to ask the evaluator for, objectives first, without repeats.
    public var metrics: [String] {
        var seen = Set<String>()
        return (objectives.map(\.metric) + constraints.map(\.metric) + extraMeasurements).filter { seen.insert($0).inserted }
    }

    public var senses: [ObjectiveSense] { objectives.map(\.sense) }

    /// Constraint count the algorithms see: the user's constraints plus one "the measurement succeeded".
    public var constraintCount: Int { constraints.count + 1 }
}
