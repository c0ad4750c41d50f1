import Foundation
import SwiftNASAlgorithms
import SwiftNASEvaluation
import SwiftNASPredictors
import SwiftNASSpace
import SwiftNASStore

/// Everything a search can be made of, by name: super-networks, algorithms, tactics, predictors, evaluator
/// kinds and store backends. A search session, the command line's flags and their help texts all read it, so a
/// new extension is one new type plus one `register` line, with nothing else to change.
///
/// A registry is a value: a program starts from `Registry.standard` (SwiftNASBuiltins) or an empty one, adds
/// its own types, and passes it to `SearchSession`.
public struct Registry: Sendable {
    public var supernetworks: SupernetworkRegistry
    public var algorithms: [any RegisteredAlgorithm.Type]
    public var tactics: [any RegisteredTactic.Type]
    public var predictors: PredictorRegistry
    public var evaluators: EvaluatorRegistry
    public var stores: StoreRegistry

    /// A registry with the given super-networks and built-in evaluators, and the algorithms, tactics,
    /// predictors and stores this module and the ones below it ship unless told otherwise.
    public init(
        supernetworks: [any Supernetwork] = [], evaluators: [any BuiltinEvaluator.Type] = [],
        algorithms: [any RegisteredAlgorithm.Type] = AlgorithmRegistry.all, tactics: [any RegisteredTactic.Type] = SearchTactics.all,
        predictors: PredictorRegistry = .standard, stores: StoreRegistry = .standard
    ) {
        self.supernetworks = SupernetworkRegistry(supernetworks)
        self.evaluators = EvaluatorRegistry(evaluators)
        self.algorithms = algorithms
        self.tactics = tactics
        self.predictors = predictors
        self.stores = stores
    }

    /// Adds a super-network (listed last).
    public mutating func register(_ supernetwork: any Supernetwork) { supernetworks.all.append(supernetwork) }
    /// Adds an algorithm.
    public mutating func register(_ algorithm: any RegisteredAlgorithm.Type) { algorithms.append(algorithm) }
    /// Adds a search tactic.
    public mutating func register(_ tactic: any RegisteredTactic.Type) { tactics.append(tactic) }
    /// Adds a predictor: `--predictor NAME` and the `select` predictor use it at once.
    public mutating func register(_ predictor: any RegisteredPredictor.Type) { predictors.predictors.append(predictor) }
    /// Adds a built-in evaluator (`builtin:NAME`).
    public mutating func register(_ evaluator: any BuiltinEvaluator.Type) { evaluators.builtins.append(evaluator) }
    /// Adds a store backend, opened by its URL scheme.
    public mutating func register(_ store: any StoreBackend.Type) { stores.backends.append(store) }

    /// The registered algorithm names, comma-separated (for help texts).
    public var algorithmNames: String { algorithms.map { $0.name }.joined(separator: ", ") }
    /// The registered tactic names, comma-separated (for help texts).
    public var tacticNames: String { tactics.map { $0.name }.joined(separator: ", ") }

    /// Every registered extension with its one-line summary, by kind, in listing order (`swiftnas spaces --all`,
    /// `swiftnas search --help`).
    public var listing: [(kind: String, entries: [(name: String, summary: String)])] {
        [
            ("super-networks (--supernet)", supernetworks.all.map { ($0.name, $0.summary) }),
            ("tactics (--search-tactic)", tactics.map { ($0.name, $0.summary) }),
            ("algorithms (--search-algo)", algorithms.map { ($0.name, $0.summary) }),
            ("predictors (--predictor)", predictors.listing),
            ("evaluators (--evaluator)", evaluators.listing),
            ("stores (--store)", stores.backends.map { ("\($0.scheme)://", $0.summary) }),
        ]
    }

    /// `listing` as indented text.
    public var listingText: String {
        listing.map { kind, entries in
            let width = entries.map(\.name.count).max() ?? 0
            return kind + ":\n" + entries.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.summary }
                .joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// The evaluator `spec` names for `space` (nil: the default of the super-network owning the space, or exact
    /// costs), with the space's super-network when it is a registered one's.
    public func evaluator(_ spec: String?, for space: SearchSpace, process: ProcessEvaluatorSettings) async throws -> any Evaluator {
        let supernetwork = supernetworks.owning(space)
        return try await evaluators.make(spec ?? supernetwork?.defaultEvaluator ?? SearchSession.fallbackEvaluator, space: space,
                                         supernetwork: supernetwork, process: process)
    }
}
