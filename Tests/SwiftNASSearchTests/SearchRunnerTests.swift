import Foundation
import Testing
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASStore
import SwiftNASPareto
@testable import SwiftNASSearch

/// A deterministic in-process evaluator over the OFA-MobileNetV3 space: a smooth "accuracy" that grows with
/// capacity and a "macs" cost, plus failures for a chosen fraction of sub-networks.
actor SyntheticEvaluator: Evaluator {
    nonisolated let identity = "synthetic"
    nonisolated var supportedMetrics: Set<String>? { ["accuracy_top1", "macs"] }
    let space: SearchSpace
    let failEvery: Int?
    private(set) var calls: [String] = []

    init(space: SearchSpace, failEvery: Int? = nil) {
        self.space = space
        self.failEvery = failEvery
    }

    func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        let hash = space.hash(of: configuration)
        calls.append(hash)
        let features = space.ordinalFeatures(of: configuration)
        if let failEvery, Int(hash.suffix(4), radix: 16)! % failEvery == 0 { throw EvaluationFailure("synthetic failure") }
        let capacity = zip(features[0..<20], features[20..<40]).map { $0 * $0 * $1 }.reduce(0, +)
        let depth = features[40..<45].reduce(0, +)
        return ["accuracy_top1": 80 - 12 * exp(-capacity / 600) - 3 * exp(-depth / 8), "macs": capacity * 1e5 + depth * 1e6]
    }
}

@Suite struct SearchRunnerTests {
    let space = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!
    let goal = SearchGoal(objectives: [.init(metric: "accuracy_top1", sense: .maximize), .init(metric: "macs", sense: .minimize)])

    func run(tactic name: String, budget: Int, seed: UInt64 = 3, failEvery: Int? = nil, store: any SearchStore = MemoryStore(),
             evaluator: SyntheticEvaluator? = nil) async throws -> ([EvaluationRecord], SyntheticEvaluator) {
        let evaluator = evaluator ?? SyntheticEvaluator(space: space, failEvery: failEvery)
        let context = TacticContext(space: space, goal: goal, algorithm: "nsga2", populationSize: 12, seed: seed, innerEvaluations: 600)
        var tactic = try SearchTactics.make(name, context: context)
        let runner = SearchRunner(space: space, goal: goal, evaluator: evaluator, store: store, budget: budget, workers: 3)
        return (try await runner.run(&tactic), evaluator)
    }

    @Test(arguments: ["evolutionary", "random", "linas", "mobo"])
    func spendsTheBudgetWithoutRepeats(tactic: String) async throws {
        let (records, evaluator) = try await run(tactic: tactic, budget: 50)
        #expect(records.count == 50)
        #expect(records.map(\.sequence) == Array(0..<50))
        #expect(Set(records.map(\.configurationHash)).count == 50)
        #expect(await evaluator.calls.count == 50)
    }

    @Test(arguments: ["evolutionary", "linas", "mobo"])
    func sameSeedSameSearch(tactic: String) async throws {
        let (a, _) = try await run(tactic: tactic, budget: 40, seed: 9)
        let (b, _) = try await run(tactic: tactic, budget: 40, seed: 9)
        let (c, _) = try await run(tactic: tactic, budget: 40, seed: 10)
        #expect(a.map(\.configurationHash) == b.map(\.configurationHash))
        #expect(a.map(\.configurationHash) != c.map(\.configurationHash))
    }

    @Test func failuresAreRecordedAndTheSearchGoesOn() async throws {
        let (records, _) = try await run(tactic: "evolutionary", budget: 60, failEvery: 4)
        let failed = records.filter { $0.status == .failed }
        #expect(records.count == 60)
        #expect(!failed.isEmpty)
        #expect(failed.allSatisfy { $0.error == "synthetic failure" && $0.metrics.isEmpty })
        #expect(goal.front(of: records).allSatisfy { $0.status == .ok })
    }

    @Test(arguments: ["linas", "mobo"])
    func resumeReplaysStoredEvaluationsAndMeasuresOnlyTheRest(tactic: String) async throws {
        let (full, _) = try await run(tactic: tactic, budget: 36)
        // A store holding an arbitrary subset of the run, as a kill mid-batch leaves it.
        let store = MemoryStore()
        for record in full where record.sequence < 20 && record.sequence != 14 { await store.append(record) }
        let evaluator = SyntheticEvaluator(space: space)
        let (resumed, _) = try await run(tactic: tactic, budget: 36, store: store, evaluator: evaluator)
        #expect(resumed.map(\.configurationHash) == full.map(\.configurationHash))
        #expect(await evaluator.calls.count == 36 - 19)
        #expect(await store.records().count == 36)
    }

    @Test func storeFromAnotherSearchIsRefused() async throws {
        let (other, _) = try await run(tactic: "random", budget: 12, seed: 1)
        let store = MemoryStore()
        for record in other { await store.append(record) }
        await #expect(throws: InputError.self) { _ = try await run(tactic: "random", budget: 12, seed: 2, store: store) }
    }

    @Test(arguments: ["linas", "auto"])
    func beatsRandomOnTheSyntheticProblem(tactic: String) async throws {
        // Same budget: the tactic's front should dominate more hypervolume than random sampling's.
        let reference = [60.0, 4e8]
        func hypervolume(_ records: [EvaluationRecord]) -> Double {
            let front = goal.front(of: records).map { goal.minimized($0) }
            return SwiftNASPareto.Hypervolume.compute(front, reference: [-reference[0], reference[1]])
        }
        var searched = 0.0, random = 0.0
        for seed: UInt64 in 1...3 {
            searched += hypervolume(try await run(tactic: tactic, budget: 60, seed: seed).0)
            random += hypervolume(try await run(tactic: "random", budget: 60, seed: seed).0)
        }
        #expect(searched > random)
    }
}
