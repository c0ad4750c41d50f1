import SwiftNASAlgorithms
import SwiftNASCore
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSpace

/// The outcome of one real evaluation as a tactic sees it.
public struct Measurement: Sendable, Hashable {
    public var configuration: Configuration
    /// The measured metrics, or nil when the evaluation failed.
    public var metrics: [String: Double]?

    public init(configuration: Configuration, metrics: [String: Double]?) {
        self.configuration = configuration
        self.metrics = metrics
    }
}

/// A way of spending real evaluations: which sub-networks to measure next, given all measured so far.
///
/// Like algorithms, tactics are ask/tell value types that are deterministic given their seed and answers,
/// so a search resumes by replaying its store. `ask` never returns a sub-network asked before.
public protocol SearchTactic: Sendable {
    /// The next sub-networks to measure; empty when the tactic has nothing left to ask.
    mutating func ask() -> [Configuration]
    /// The measurements of the last `ask`, in the same order (possibly a prefix when the budget ends).
    mutating func tell(_ measurements: [Measurement])
    /// How the last `ask` chose its batch, for predictor-guided tactics (nil otherwise).
    var lastIteration: TacticIteration? { get }
}

/// What a predictor-guided tactic did to choose its last batch: the predictor fitted per metric and its
/// predictions for the sub-networks it chose (by offset in the batch; random top-ups have none).
public struct TacticIteration: Sendable {
    public var iteration: Int
    public var predictors: [String: String]
    public var predicted: [Int: [String: Double]]

    public init(iteration: Int, predictors: [String: String], predicted: [Int: [String: Double]]) {
        self.iteration = iteration
        self.predictors = predictors
        self.predicted = predicted
    }
}

extension SearchTactic {
    /// No predictions: the tactic measures what it asks without predicting it.
    public var lastIteration: TacticIteration? { nil }
}

/// Everything a tactic is built from.
public struct TacticContext: Sendable {
    public var space: SearchSpace
    public var goal: SearchGoal
    /// The algorithm name (`nsga2`), used directly (evolutionary) or on predictors (linas).
    public var algorithm: String
    public var populationSize: Int
    public var seed: UInt64
    /// Predicted evaluations per LINAS inner search (DyNAS-T: 20 000 for OFA-MobileNetV3).
    public var innerEvaluations: Int
    /// Sub-networks LINAS measures per iteration after the first population (nil: a fifth of a population, so
    /// the predictors are refitted five times as often as DyNAS-T does).
    public var measuredPerIteration: Int?
    /// Options of the algorithm (`AlgorithmSettings.options`).
    public var algorithmOptions: [String: String] = [:]
    /// Sub-networks to measure first, before anything the tactic chooses (`--initial-configs`: a baseline, a
    /// production model, the largest sub-network), as Optuna's `enqueue_trial` does. The tactics that keep a
    /// measurement ledger (`random`, `linas`, `mobo`, `auto`) put them in their first batch and fill it up to a
    /// population with random ones; `evolutionary` refuses them.
    public var initialConfigurations: [Configuration] = []
    /// The algorithms `algorithm` is looked up among.
    public var algorithms: [any RegisteredAlgorithm.Type]
    /// Makes the unfitted predictor of each metric a predictor-guided tactic fits (DyNAS-T's LINAS selection by
    /// default).
    public var makePredictor: @Sendable () -> any Predictor

    public init(space: SearchSpace, goal: SearchGoal, algorithm: String = "nsga2", populationSize: Int = 50,
                seed: UInt64 = 1, innerEvaluations: Int = 20_000, measuredPerIteration: Int? = nil,
                algorithms: [any RegisteredAlgorithm.Type] = AlgorithmRegistry.all,
                makePredictor: @escaping @Sendable () -> any Predictor = { PredictorSelection.dynast }) {
        self.space = space
        self.goal = goal
        self.algorithm = algorithm
        self.populationSize = populationSize
        self.seed = seed
        self.innerEvaluations = innerEvaluations
        self.measuredPerIteration = measuredPerIteration
        self.algorithms = algorithms
        self.makePredictor = makePredictor
    }

    /// The algorithm's domain for this space and goal.
    public var domain: SearchDomain {
        space.domain(objectiveCount: goal.objectives.count, constraintCount: goal.constraintCount)
    }

    /// Creates the named algorithm on `domain`, checking it can take this many objectives.
    public func makeAlgorithm(seed: UInt64, source: String = "--search-algo") throws -> any Algorithm {
        try AlgorithmRegistry.make(algorithm, domain: domain,
                                   settings: AlgorithmSettings(populationSize: populationSize, seed: seed, options: algorithmOptions),
                                   among: algorithms, source: source)
    }
}

/// A tactic selectable by name (`--search-tactic`). Adding one is a conforming type plus its line in the
/// registry's `tactics` list (`SearchTactics.all` for the built-in ones).
public protocol RegisteredTactic: SearchTactic {
    static var name: String { get }
    static var summary: String { get }
    init(context: TacticContext) throws
}

/// `evolutionary`: the algorithm runs directly on real evaluations.
public struct EvolutionaryTactic: RegisteredTactic {
    public static let name = "evolutionary"
    public static let summary = "the algorithm runs directly on real evaluations"

    var algorithm: any Algorithm
    let space: SearchSpace
    let goal: SearchGoal

    public init(context: TacticContext) throws {
        guard context.initialConfigurations.isEmpty else {
            throw InputError(source: "--initial-configs", "the evolutionary tactic starts from its algorithm's own population; use random, linas, mobo or auto")
        }
        algorithm = try context.makeAlgorithm(seed: context.seed)
        space = context.space
        goal = context.goal
    }

    public mutating func ask() -> [Configuration] {
        algorithm.ask().map { space.configuration(genes: $0) }
    }

    public mutating func tell(_ measurements: [Measurement]) {
        algorithm.tell(measurements.map { m in m.metrics.map(goal.evaluation(from:)) ?? goal.failedEvaluation })
    }
}

/// `random`: uniformly random distinct sub-networks, a population at a time.
public struct RandomTactic: RegisteredTactic {
    public static let name = "random"
    public static let summary = "uniformly random distinct sub-networks"

    let initial: [Configuration]
    let batchSize: Int
    var rng: SeededRandom
    var ledger: MeasurementLedger
    var asked = false

    public init(context: TacticContext) throws {
        initial = context.initialConfigurations
        batchSize = context.populationSize
        rng = SeededRandom(seed: context.seed)
        ledger = MeasurementLedger(space: context.space)
    }

    public mutating func ask() -> [Configuration] {
        defer { asked = true }
        var batch = asked ? [] : ledger.claim(initial)
        ledger.topUp(&batch, to: batchSize, using: &rng)
        return batch
    }

    public mutating func tell(_ measurements: [Measurement]) {}
}

/// Every tactic selectable by name.
public enum SearchTactics {
    public static let all: [any RegisteredTactic.Type] = [
        AutoTactic.self,
        BayesianTactic.self,
        LINASTactic.self,
        EvolutionaryTactic.self,
        RandomTactic.self,
    ]

    /// Creates the tactic called `name`, one of `types`.
    public static func make(
        _ name: String, context: TacticContext, among types: [any RegisteredTactic.Type] = all, source: String = "--search-tactic"
    ) throws -> any SearchTactic {
        var names: [String] = []
        for type in types {
            if type.name == name.lowercased() { return try type.init(context: context) }
            names.append(type.name)
        }
        throw InputError(source: source, "unknown search tactic '\(name)' (choose from \(names.joined(separator: ", ")))")
    }
}

/// `auto`, the default: `mobo` on spaces small enough to score whole (at most
/// `BayesianTactic.enumerationLimit` configurations: NAS-Bench-201 and other tabular benchmarks), `linas` on
/// super-networks' huge spaces, where LINAS's predictors and inner search find more of the front per evaluation
/// than `mobo`'s inner search on optimistic predictions (docs/benchmarks/search-quality.md). Optuna's AutoSampler
/// makes the same kind of choice from the problem's shape.
public struct AutoTactic: RegisteredTactic {
    public static let name = "auto"
    public static let summary = "mobo on spaces of at most 100 000 configurations, linas on larger ones"

    var chosen: any SearchTactic

    public init(context: TacticContext) throws {
        chosen = BayesianTactic.scoresWhole(context.space)
            ? try BayesianTactic(context: context) : try LINASTactic(context: context)
    }

    public mutating func ask() -> [Configuration] { chosen.ask() }
    public mutating func tell(_ measurements: [Measurement]) { chosen.tell(measurements) }
    public var lastIteration: TacticIteration? { chosen.lastIteration }
}
