import SwiftNASCore
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSpace
import SwiftNASStore

/// Everything one search needs to know: what to search, for what, how, with which evaluator and where to keep
/// it. The command line builds one from its flags and config file; a Swift program builds one directly.
public struct SearchSettings: Sendable {
    /// The space searched (a registered super-network's, or one read from a space file).
    public var space: SearchSpace
    /// Objectives, constraints and extra measurements.
    public var goal: SearchGoal
    /// The tactic's registered name (`auto`, `mobo`, `linas`).
    public var tactic = "auto"
    /// The algorithm's registered name (`nsga2`; `ga` suits one objective).
    public var algorithm: String
    /// Options of the algorithm by name (`reference_directions`), checked against what it declares.
    public var algorithmOptions: [String: String] = [:]
    /// The predictor a predictor-guided tactic fits (`auto`: DyNAS-T's LINAS predictor).
    public var predictor = PredictorRegistry.automatic
    /// Real evaluations to spend.
    public var evaluations = 250
    public var population = 50
    public var seed: UInt64 = 1
    /// Predicted evaluations per LINAS inner search.
    public var innerEvaluations = 20_000
    /// Sub-networks LINAS measures per iteration after the first population (nil: a fifth of a population).
    public var measuredPerIteration: Int?
    /// Sub-networks measured first, before the tactic's own choices (`TacticContext.initialConfigurations`).
    public var initialConfigurations: [Configuration] = []
    /// The evaluator (`builtin:NAME?options` or a command); nil: the super-network's default.
    public var evaluator: String?
    /// Evaluations in parallel in this process; on a store that workers share (PostgreSQL) they evaluate beside
    /// `swiftnas worker` processes, and 0 leaves the evaluating to those.
    public var workers = 1
    /// Seconds to wait for one evaluation of a process evaluator.
    public var timeout = SearchSettings.defaultTimeout
    /// The default `timeout`: an hour, for evaluations that train or fine-tune on a GPU.
    public static let defaultTimeout = 3600.0
    /// The store: a path or a URL whose scheme names a registered backend.
    public var store: String
    /// The study within the store (PostgreSQL stores hold many; nil: the backend's default).
    public var study: String?
    /// Whether the store starts, continues or replaces a search.
    public var access = StoreAccess.create
    /// The hypervolume reference point in objective units (nil: the nadir of the first batch).
    public var reference: [Double]?

    /// Settings with the defaults DyNAS-T uses (LINAS, 250 evaluations, population 50, seed 1), the algorithm
    /// chosen by the number of objectives.
    public init(space: SearchSpace, goal: SearchGoal, store: String) {
        self.space = space
        self.goal = goal
        self.store = store
        algorithm = goal.objectives.count == 1 ? "ga" : "nsga2"
    }

    /// Checks the counts, naming the flag at fault.
    public func validate() throws {
        if goal.objectives.isEmpty { throw InputError(source: "--optimization-metrics", "name at least one objective") }
        for (value, name) in [(evaluations, "--num-evals"), (population, "--population"), (max(workers, 1), "--workers"),
                              (innerEvaluations, "--inner-evals"), (measuredPerIteration ?? 1, "--measured-per-iteration")] where value < 1 {
            throw InputError(source: name, "must be at least 1, got \(value)")
        }
        if workers < 0 {
            throw InputError(source: "--workers", "must be at least 0 (0: only `swiftnas worker` processes evaluate, on a postgresql:// store), got \(workers)")
        }
        if let reference, reference.count != goal.objectives.count {
            throw InputError(source: "--reference", "needs \(goal.objectives.count) comma-separated numbers, one per objective")
        }
    }

    /// The settings that determine the sequence of questions, as canonical JSON: a resumed search must match
    /// them. (The predictor and algorithm options appear only when not the defaults, so stores of earlier versions
    /// resume.)
    public var fingerprint: String {
        var fields: [(String, Literal)] = [
            ("space", .string(space.name)),
            ("genes", .array(space.parameters.map { .string("\($0.name)×\($0.count):\($0.values.map(\.description).joined(separator: "/"))") })),
            ("objectives", .array(goal.objectives.map { .string($0.description) })),
            ("constraints", .array(goal.constraints.map { .string($0.description) })),
            ("measurements", .array(goal.metrics.map { .string($0) })),
            ("tactic", .string(tactic)), ("algorithm", .string(algorithm)),
            ("population", .int(population)), ("seed", .int(Int(seed))), ("inner_evaluations", .int(innerEvaluations)),
        ]
        if let measuredPerIteration { fields.append(("measured_per_iteration", .int(measuredPerIteration))) }
        if !initialConfigurations.isEmpty {
            fields.append(("initial_configurations", .array(initialConfigurations.map { .string(space.json(of: $0)) })))
        }
        if predictor != PredictorRegistry.automatic { fields.append(("predictor", .string(predictor))) }
        if !algorithmOptions.isEmpty {
            fields.append(("algorithm_options", .object(algorithmOptions.keys.sorted().map { ($0, .string(algorithmOptions[$0]!)) })))
        }
        return Literal.object(fields).json
    }

    /// A one-line description for the store and reports (`linas nsga2 on fashion_mbv3: accuracy_top1:max, macs:min`).
    public var summary: String {
        "\(tactic) \(algorithm) on \(space.name): \(goal.objectives.map(\.description).joined(separator: ", "))"
    }

    /// The objectives and constraints of the search a store's manifest describes; an `InputError` naming
    /// `source` when the manifest is not one this version wrote.
    public static func goal(of manifest: SearchManifest, source: String) throws -> SearchGoal {
        try StoredSearch(manifest, source: source).goal
    }
}

/// What a store's manifest says about its search: the fields of `SearchSettings.fingerprint` a reader shows.
public struct StoredSearch: Sendable {
    public var space: String
    public var tactic: String
    public var algorithm: String
    public var goal: SearchGoal

    /// Reads `manifest`; an `InputError` naming `source` when it is not one this version wrote.
    public init(_ manifest: SearchManifest, source: String) throws {
        let settings: Literal
        do { settings = try Literal.parse(manifest.fingerprint) } catch {
            throw InputError(source: source, field: "fingerprint", "not a search manifest: \(error)")
        }
        func list(_ key: String) -> [String] {
            guard case .array(let items)? = settings[key] else { return [] }
            return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        }
        func text(_ key: String) -> String {
            if case .string(let value)? = settings[key] { return value }
            return ""
        }
        space = text("space")
        tactic = text("tactic")
        algorithm = text("algorithm")
        goal = SearchGoal(objectives: try list("objectives").map { try SearchObjective(parsing: $0, source: source) },
                          constraints: try list("constraints").map { try SearchConstraint(parsing: $0, source: source) },
                          extraMeasurements: list("measurements"))
        if goal.objectives.isEmpty { throw InputError(source: source, field: "fingerprint.objectives", "the manifest names no objective") }
    }
}
