import Testing
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore

// Living documentation of docs/extending.md: a super-network, a predictor and a store are each ONE new type,
// registered with ONE line, and a search runs through the library API with all three — no other file changed.

/// A toy super-network: a chain of six layers, each with a width and a kernel size. It is its own exact cost
/// model, so `builtin:counts` (its default evaluator) measures it.
struct ToyChain: Supernetwork, CostModel {
    let space = try! SearchSpace(name: "toy_chain", parameters: [
        Parameter(name: "width", count: 6, values: [8, 16, 24, 32].map { .int($0) }),
        Parameter(name: "kernel", count: 6, values: [3, 5, 7].map { .int($0) }),
    ])
    var name: String { space.name }
    var summary: String { "a six-layer toy chain: width and kernel per layer" }

    func costModel() throws -> (any CostModel)? { self }

    func costs(of configuration: Configuration) -> Costs {
        let widths = configuration.indices[0..<6].map { [8, 16, 24, 32][$0] }
        let kernels = configuration.indices[6..<12].map { [3, 5, 7][$0] }
        var costs = Costs()
        var input = 3
        for (width, kernel) in zip(widths, kernels) {
            let weights = input * width * kernel * kernel
            costs += Costs(parameters: weights, multiplyAccumulates: weights * 32 * 32, weightBytes: 4 * weights)
            input = width
        }
        return costs
    }
}

/// A toy predictor: the mean target of the k nearest measured sub-networks (Euclidean distance on features).
struct NearestNeighbours: RegisteredPredictor {
    static let name = "nearest"
    static let summary = "mean of the 3 nearest measured sub-networks"
    var name: String { Self.name }
    var rows: [[Double]] = []
    var targets: [Double] = []

    static func standard(seed: UInt64) -> NearestNeighbours { NearestNeighbours() }

    mutating func fit(features: Matrix, targets: [Double]) throws {
        guard features.rows == targets.count, features.rows > 0 else { throw PredictorError("nearest: no data") }
        rows = (0..<features.rows).map(features.row)
        self.targets = targets
    }

    func predict(_ features: Matrix) -> [Double] {
        (0..<features.rows).map { r in
            let query = features.row(r)
            let distances = rows.map { row in zip(row, query).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            let nearest = distances.indices.sorted { distances[$0] < distances[$1] }.prefix(3)
            return nearest.reduce(0) { $0 + targets[$1] } / Double(nearest.count)
        }
    }
}

/// A toy store kept in memory, opened as `toy://NAME` (each open is a new, empty store).
actor ToyMemoryStore: SearchStore, StoreBackend {
    static let scheme = "toy"
    static let summary = "in memory, gone when the process ends"
    nonisolated let location: String
    private var storedManifest: SearchManifest?
    private var stored: [Int: EvaluationRecord] = [:]
    private var storedStatus: SearchStatus?
    private var storedIterations: [IterationRecord] = []

    init(location: String) { self.location = location }

    static func open(_ location: String, study: String?, access: StoreAccess) async throws -> any SearchStore {
        ToyMemoryStore(location: "toy://" + location)
    }
    static func studies(at location: String) -> [String]? { nil }

    func manifest() -> SearchManifest? { storedManifest }
    func begin(_ manifest: SearchManifest) { storedManifest = manifest }
    func append(_ record: EvaluationRecord) { stored[record.sequence] = record }
    func records() -> [EvaluationRecord] { stored.keys.sorted().map { stored[$0]! } }
    func record(_ status: SearchStatus) { storedStatus = status }
    func status() -> SearchStatus? { storedStatus }
    func record(_ iteration: IterationRecord) { storedIterations.append(iteration) }
    func iterations() -> [IterationRecord] { storedIterations }
    func close() {}
}

@Suite struct ExtensionTests {
    /// The standard registry plus the three toy extensions: one line each.
    static var registry: Registry {
        var registry = Registry.standard
        registry.register(ToyChain())
        registry.register(NearestNeighbours.self)
        registry.register(ToyMemoryStore.self)
        return registry
    }

    static func settings(predictor: String) -> SearchSettings {
        let goal = SearchGoal(objectives: [.init(metric: "macs", sense: .minimize), .init(metric: "params", sense: .maximize)])
        var settings = SearchSettings(space: ToyChain().space, goal: goal, store: "toy://run")
        settings.predictor = predictor
        settings.evaluations = 30
        settings.population = 10
        settings.innerEvaluations = 200
        return settings
    }

    @Test func aSearchRunsWithAToySupernetworkPredictorAndStore() async throws {
        let session = SearchSession(settings: Self.settings(predictor: NearestNeighbours.name), registry: Self.registry)
        var started: SearchStart?
        var recorded = 0
        var outcome: SearchOutcome?
        for try await event in session.events() {
            switch event {
            case .started(let start): started = start
            case .evaluated(_, let replayed): recorded += replayed ? 0 : 1
            case .finished(let finished): outcome = finished
            case .note, .progress, .iteration: break
            }
        }
        let start = try #require(started)
        #expect(start.space == "toy_chain")
        #expect(start.evaluator == "builtin:counts")  // the super-network's default evaluator, on its own cost model
        #expect(start.store == "toy://run")
        let result = try #require(outcome)
        #expect(result.records.count == 30 && recorded == 30)
        #expect(result.records.allSatisfy { $0.status == .ok && $0.metrics["macs"]! > 0 })
        #expect(!result.front.isEmpty)
    }

    @Test func theRegisteredPredictorIsTheOneLINASFits() async throws {
        #expect(try Self.registry.predictors.make(NearestNeighbours.name, seed: 1) is NearestNeighbours)
        let toy = try await SearchSession(settings: Self.settings(predictor: NearestNeighbours.name), registry: Self.registry).run()
        let standard = try await SearchSession(settings: Self.settings(predictor: "auto"), registry: Self.registry).run()
        // The same first random population, then different predictor-guided choices.
        #expect(toy.records.prefix(10).map(\.configuration) == standard.records.prefix(10).map(\.configuration))
        #expect(toy.records.map(\.configuration) != standard.records.map(\.configuration))
    }

    @Test func theRegistryListsAndResolvesTheToys() async throws {
        let registry = Self.registry
        #expect(registry.supernetworks.named("toy_chain") != nil)
        #expect(registry.predictors.names.contains("nearest"))
        #expect(registry.stores.syntax.contains("toy://"))
        #expect(registry.listingText.contains("a six-layer toy chain"))
        // Unknown names are input errors that list what is registered.
        await #expect(throws: InputError.self) { _ = try await registry.stores.open("nosuch://x", access: .create) }
        #expect(throws: InputError.self) { _ = try registry.predictors.make("nosuch", seed: 1) }
    }
}
