import Foundation
import Testing
import SwiftNASCore
import SwiftNASDashboard
import SwiftNASEvaluation
import SwiftNASPareto
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore
@testable import SwiftNASPostgres

/// The PostgreSQL store against a real server: the throwaway cluster `.ci/run` starts
/// (`scripts/throwaway-postgres.sh`), whose URL is in SWIFTNAS_TEST_POSTGRES_URL.
@Suite(.serialized) struct PostgresStoreTests {
    static let url = ProcessInfo.processInfo.environment["SWIFTNAS_TEST_POSTGRES_URL"]
    static let stores = StoreRegistry([SQLiteStore.self, PostgresStore.self])

    /// A study name no other test uses.
    let study = "test-\(UUID().uuidString.prefix(8))"

    func record(_ sequence: Int) -> EvaluationRecord {
        EvaluationRecord(sequence: sequence, configurationHash: "h\(sequence)", configuration: #"{"a":[\#(sequence)]}"#,
                         metrics: ["accuracy_top1": 70 + Double(sequence), "macs": 1e8], status: .ok, started: 1, finished: 2, evaluator: "test")
    }

    @Test(.enabled(if: url != nil, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh)"))
    func keepsEverythingAStudyRecords() async throws {
        let store = try await Self.stores.open(Self.url!, study: study, access: .create)
        #expect(try await store.manifest() == nil)
        try await store.begin(SearchManifest(fingerprint: #"{"seed":1}"#, summary: "test"))
        for sequence in [1, 0, 2] { try await store.append(record(sequence)) }
        try await store.append(record(2))  // the same sequence again replaces, never duplicates
        let status = SearchStatus(state: .running, budget: 10, process: SearchStatus.thisProcess, updated: 5)
        try await store.record(status)
        let iteration = IterationRecord(iteration: 1, firstSequence: 1, predictors: ["macs": "ridge"],
                                        predictions: [.init(sequence: 1, predicted: ["macs": 1], measured: ["macs": 2])], kendall: [:])
        try await store.record(iteration)
        await store.close()

        let reader = try await Self.stores.open(Self.url!, study: study, access: .read)
        #expect(try await reader.manifest() == SearchManifest(fingerprint: #"{"seed":1}"#, summary: "test"))
        #expect(try await reader.records() == [record(0), record(1), record(2)])
        #expect(try await reader.status() == status)
        #expect(try await reader.iterations() == [iteration])
        await reader.close()
        #expect(try await Self.stores.studies(at: Self.url!)?.contains(study) == true)
        await #expect(throws: InputError.self) { _ = try await Self.stores.open(Self.url!, study: study, access: .create) }
        await #expect(throws: InputError.self) { _ = try await Self.stores.open(Self.url!, study: "no-such-\(study)", access: .read) }
    }

    @Test(.enabled(if: url != nil, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh)"))
    func oneCoordinatorPerStudy() async throws {
        let first = try await Self.stores.open(Self.url!, study: study, access: .create)
        try await first.begin(SearchManifest(fingerprint: "{}", summary: "first"))
        for access in [StoreAccess.resume, .overwrite] {
            do {
                _ = try await Self.stores.open(Self.url!, study: study, access: access)
                Issue.record("a second coordinator was let in (\(access))")
            } catch let error as InputError {
                #expect("\(error)".contains("is being searched by \(SearchStatus.thisProcess)"), "\(error)")
            }
        }
        // Readers are welcome meanwhile; another study is independent.
        let reader = try await Self.stores.open(Self.url!, study: study, access: .read)
        #expect(try await reader.manifest()?.summary == "first")
        await reader.close()
        let other = try await Self.stores.open(Self.url!, study: study + "-other", access: .create)
        await other.close()
        // Once the coordinator is gone, the study can be resumed.
        await first.close()
        let second = try await Self.stores.open(Self.url!, study: study, access: .resume)
        #expect(try await second.manifest()?.summary == "first")
        await second.close()
    }

    @Test(.enabled(if: url != nil, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh)"))
    func thePasswordIsNeverShown() async throws {
        let url = Self.url!
        let password = try #require(URLComponents(string: url)?.password)
        let store = try await Self.stores.open(url, study: study, access: .create)
        #expect(!store.location.contains(password))
        await store.close()
        let wrong = url.replacingOccurrences(of: ":\(password)@", with: ":not-\(password)@")
        do {
            _ = try await Self.stores.open(wrong, study: study, access: .read)
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(!"\(error)".contains(password) && "\(error)".contains("password authentication failed"), "\(error)")
        }
        #expect(StoreRegistry.redacted(url) == url.replacingOccurrences(of: ":\(password)@", with: "@"))
        #expect(throws: InputError.self) { try PostgresURL(parsing: "host/db", source: "--store") }
        #expect(throws: InputError.self) { try PostgresURL(parsing: "u@host/db?sslmode=sometimes", source: "--store") }
    }

    @Test(.enabled(if: url != nil, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh)"))
    func aSearchResumesOnPostgreSQLAndTheDashboardListsIt() async throws {
        var registry = Registry()
        registry.stores = Self.stores
        registry.register(CountsLike.self)
        func settings(_ evaluations: Int, _ access: StoreAccess) -> SearchSettings {
            var settings = SearchSettings(space: BuiltinSpaces.named("ofa_resnet50")!,
                                          goal: SearchGoal(objectives: [.init(metric: "a", sense: .minimize), .init(metric: "b", sense: .maximize)]),
                                          store: Self.url!)
            settings.study = study
            settings.evaluator = "builtin:countslike"
            settings.evaluations = evaluations
            settings.population = 8
            settings.innerEvaluations = 200
            settings.access = access
            return settings
        }
        let first = try await SearchSession(settings: settings(16, .create), registry: registry).run()
        let resumed = try await SearchSession(settings: settings(24, .resume), registry: registry).run()
        #expect(Array(resumed.records.prefix(16)) == first.records && resumed.records.count == 24)
        let catalog = StudyCatalog(locations: [Self.url!], stores: Self.stores)
        let entry = try #require(try await catalog.studies().first { $0.name == study })
        #expect(!entry.url.isEmpty)
        let snapshot = try #require(try await catalog.snapshot(study))
        #expect(snapshot.records.count == 24 && snapshot.state == "finished")
        // The search went through the study's queue (its local worker evaluated); nobody holds the study now.
        #expect(snapshot.queue?.done == 24 && snapshot.queue?.pending == 0 && snapshot.queue?.coordinatorAlive == false)
    }
}

extension PostgresStoreTests {
    func job(_ sequence: Int) -> QueuedEvaluation {
        QueuedEvaluation(sequence: sequence, configurationHash: "h\(sequence)", configuration: #"{"a":[\#(sequence)]}"#, metrics: ["accuracy_top1", "macs"])
    }

    func result(of claim: ClaimedEvaluation) -> EvaluationRecord {
        var result = record(claim.job.sequence)
        result.evaluator = "test"
        return result
    }

    @Test(.enabled(if: url != nil, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh)"))
    func theQueueHandsEachEvaluationOutOnceAndRefusesLateResults() async throws {
        let coordinator = try await Self.stores.open(Self.url!, study: study, access: .create)
        try await coordinator.begin(SearchManifest(fingerprint: "{}", summary: "queue"))
        let queue = try #require(coordinator.workQueue)
        try await queue.enqueue((0..<4).map(job))
        try await queue.enqueue([job(1)])  // the same again (a resumed coordinator) is harmless
        var clash = job(2)
        clash.configurationHash = "other"
        await #expect(throws: InputError.self) { try await queue.enqueue([clash]) }

        let worker = try await Self.stores.open(Self.url!, study: study, access: .work)
        let workerQueue = try #require(worker.workQueue)
        // Two workers claiming at once never get the same evaluation.
        async let first = workerQueue.claim(worker: "a", limit: 2, lease: 1)
        async let second = queue.claim(worker: "b", limit: 2, lease: 60)
        let (a, b) = try await (first, second)
        #expect(Set(a.map(\.job.sequence)).isDisjoint(with: b.map(\.job.sequence)) && a.count + b.count == 4)
        #expect(try await workerQueue.claim(worker: "c", limit: 4, lease: 60).isEmpty)
        #expect(try await queue.counts() == QueueCounts(pending: 0, leased: 4, done: 0, workers: 0, coordinatorAlive: true))

        // b completes; a's lease (1 s) runs out unrenewed, c takes its work, and a's late results are refused.
        for claim in b { #expect(try await queue.complete(claim, with: result(of: claim))) }
        #expect(try await queue.complete(b[0], with: result(of: b[0])), "a retried completion of a done claim is not an error")
        try await Task.sleep(for: .milliseconds(1_300))
        let retaken = try await workerQueue.claim(worker: "c", limit: 4, lease: 60)
        #expect(retaken.map(\.job.sequence) == a.map(\.job.sequence).sorted() && retaken.allSatisfy { $0.attempt == 2 })
        for claim in a { #expect(try await !workerQueue.complete(claim, with: result(of: claim))) }
        // c gives one back (stopping) and completes the other; the given-back one is claimable at once.
        try await workerQueue.release([retaken[0]])
        #expect(try await workerQueue.complete(retaken[1], with: result(of: retaken[1])))
        let again = try await queue.claim(worker: "b", limit: 4, lease: 60)
        #expect(again.map(\.job.sequence) == [retaken[0].job.sequence] && again[0].attempt == 2)
        #expect(try await queue.complete(again[0], with: result(of: again[0])))
        #expect(try await queue.completed([0, 1, 2, 3]) == (0..<4).map { var r = record($0); r.evaluator = "test"; return r })
        #expect(try await queue.counts().done == 4)
        await worker.close()
        await coordinator.close()
    }

    @Test(.enabled(if: url != nil, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh)"))
    func anEvaluationThatLosesEveryWorkerIsRecordedAsFailed() async throws {
        let store = try await Self.stores.open(Self.url!, study: study, access: .create)
        try await store.begin(SearchManifest(fingerprint: "{}", summary: "poison"))
        let queue = try #require(store.workQueue)
        try await queue.enqueue([job(0)])
        for attempt in 1...workQueueMaxAttempts {
            let claims = try await queue.claim(worker: "w\(attempt)", limit: 1, lease: 0.2)
            #expect(claims.map(\.attempt) == [attempt])
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(try await queue.claim(worker: "last", limit: 1, lease: 60).isEmpty)
        let records = try await store.records()
        #expect(records.count == 1 && records[0].status == .failed && records[0].error?.contains("vanished 3 times") == true)
        await store.close()
    }
}

/// A cheap deterministic evaluator for the session test: two conflicting sums of the genes.
struct CountsLike: BuiltinEvaluator {
    static let name = "countslike"
    static let summary = "two sums of the genes"
    var identity: String { "builtin:countslike" }
    var supportedMetrics: Set<String>? { ["a", "b"] }
    init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {}
    func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        let genes = configuration.indices.map(Double.init)
        return ["a": genes.reduce(0, +), "b": zip(genes, genes.indices).reduce(0) { $0 + $1.0 * Double($1.1 % 3) }]
    }
}
