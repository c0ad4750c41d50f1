import Foundation
import Testing
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASPareto
import SwiftNASSpace
import SwiftNASStore
@testable import SwiftNASSearch

/// `SyntheticEvaluator`'s formulas as a built-in evaluator, so a registry can name it (`builtin:synthetic`).
struct SyntheticBuiltin: BuiltinEvaluator {
    static let name = "synthetic"
    static let summary = "smooth accuracy and macs from the genes, for tests"
    let inner: SyntheticEvaluator
    var identity: String { "builtin:synthetic" }
    var supportedMetrics: Set<String>? { inner.supportedMetrics }

    init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {
        inner = SyntheticEvaluator(space: space)
    }

    func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        try await inner.evaluate(configuration, metrics: metrics)
    }
}

/// A search run through the library: settings, a registry, a store URL, events; resumed by replay.
@Suite struct SearchSessionTests {
    static let space = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!
    static let registry = Registry(evaluators: [SyntheticBuiltin.self])

    static func settings(store: String, evaluations: Int, access: StoreAccess) -> SearchSettings {
        var settings = SearchSettings(
            space: space,
            goal: SearchGoal(objectives: [.init(metric: "accuracy_top1", sense: .maximize), .init(metric: "macs", sense: .minimize)]),
            store: store)
        settings.evaluator = "builtin:synthetic"
        settings.evaluations = evaluations
        settings.population = 10
        settings.innerEvaluations = 300
        settings.access = access
        return settings
    }

    /// Every event of a session, in order.
    static func events(_ settings: SearchSettings) async throws -> [SearchEvent] {
        var events: [SearchEvent] = []
        for try await event in SearchSession(settings: settings, registry: registry).events() { events.append(event) }
        return events
    }

    @Test func resumingReplaysTheStoreAndContinues() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-session-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = "sqlite://" + folder.appendingPathComponent("s.db").path

        let first = try await Self.events(Self.settings(store: url, evaluations: 20, access: .create))
        guard case .started(let start)? = first.first else { Issue.record("no .started first"); return }
        #expect(start.evaluator == "builtin:synthetic" && start.budget == 20)
        let measured = first.compactMap { if case .evaluated(let record, false) = $0 { return record } else { return nil } }
        #expect(measured.count == 20)
        guard case .finished(let outcome)? = first.last else { Issue.record("no .finished last"); return }
        #expect(outcome.records.map(\.sequence) == Array(0..<20))
        // LINAS recorded each predictor-guided batch: 10 random, then 5 batches of 2 with their predictions.
        let iterations = try await SQLiteStore(path: folder.appendingPathComponent("s.db").path, readOnly: true).iterations()
        #expect(iterations.map(\.iteration) == [1, 2, 3, 4, 5])
        #expect(iterations.map(\.firstSequence) == [10, 12, 14, 16, 18])
        #expect(iterations.allSatisfy { Set($0.predictors.keys) == ["accuracy_top1", "macs"] && $0.predictions.count == 2 })
        #expect(iterations.allSatisfy { $0.predictions.allSatisfy { $0.measured?["macs"] != nil && $0.predicted["macs"] != nil } })
        #expect(iterations.contains { $0.kendall["macs"] != nil })

        // A new search may not reuse the store; the same search resumes: 20 replayed, 10 new, same first 20.
        await #expect(throws: InputError.self) { _ = try await Self.events(Self.settings(store: url, evaluations: 30, access: .create)) }
        let second = try await Self.events(Self.settings(store: url, evaluations: 30, access: .resume))
        let replayed = second.filter { if case .evaluated(_, true) = $0 { return true } else { return false } }.count
        let fresh = second.filter { if case .evaluated(_, false) = $0 { return true } else { return false } }.count
        #expect(replayed == 20 && fresh == 10)
        guard case .finished(let resumed)? = second.last else { Issue.record("no .finished last"); return }
        #expect(Array(resumed.records.prefix(20)) == outcome.records)
        let resumedIterations = try await SQLiteStore(path: folder.appendingPathComponent("s.db").path, readOnly: true).iterations()
        #expect(resumedIterations.map(\.iteration) == Array(1...10))
        let uninterrupted = try await SearchSession(settings: Self.settings(store: "sqlite://" + folder.appendingPathComponent("u.db").path,
                                                                            evaluations: 30, access: .create),
                                                    registry: Self.registry).run()
        #expect(resumed.records.map(\.configuration) == uninterrupted.records.map(\.configuration))
    }

    @Test func badNamesAreInputErrorsBeforeTheStoreIsTouched() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-untouched-\(UUID().uuidString).db").path
        for change in [{ (s: inout SearchSettings) in s.tactic = "grid" }, { $0.algorithm = "annealing" }, { $0.predictor = "oracle" },
                       { $0.evaluator = "builtin:nosuch" }, { $0.goal.objectives.append(.init(metric: "latency", sense: .minimize)) }] {
            var settings = Self.settings(store: path, evaluations: 5, access: .create)
            change(&settings)
            await #expect(throws: InputError.self) { try await SearchSession(settings: settings, registry: Self.registry).run() }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }
}
