import Foundation
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSpace
import SwiftNASStore

/// Where a running search stands, for progress bars and logs.
public struct SearchProgress: Sendable {
    public var evaluated: Int
    public var budget: Int
    public var failed: Int
    /// Evaluations taken from the store instead of measured again (on `--resume`).
    public var replayed: Int
    public var frontSize: Int
    public var hypervolume: Double?
    public var elapsed: Duration
}

/// Runs a search: asks the tactic, has each batch measured by its dispatch (in this process, up to `workers` at
/// once, or by workers through the store's queue), every evaluation durable in the store before the tactic hears of
/// it, and repeats until the budget is spent.
///
/// Resuming is replay: the tactic is rebuilt from the same settings and seed, and every question it asks
/// that the store already answered (same sequence number and configuration hash) is answered from the store.
/// So a search killed at any moment continues with no completed evaluation lost, none repeated, and the
/// same final budget.
public struct SearchRunner: Sendable {
    public var space: SearchSpace
    public var goal: SearchGoal
    public var dispatch: any EvaluationDispatch
    public var store: any SearchStore
    public var budget: Int
    /// The hypervolume reference point in the user's units, one per objective (nil: the nadir of the first
    /// batch's successful evaluations).
    public var reference: [Double]?

    public init(space: SearchSpace, goal: SearchGoal, dispatch: any EvaluationDispatch, store: any SearchStore,
                budget: Int, reference: [Double]? = nil) {
        self.space = space
        self.goal = goal
        self.dispatch = dispatch
        self.store = store
        self.budget = budget
        self.reference = reference
    }

    /// A search that evaluates in this process with `evaluator`, up to `workers` at once.
    public init(space: SearchSpace, goal: SearchGoal, evaluator: any Evaluator, store: any SearchStore,
                budget: Int, workers: Int = 1, reference: [Double]? = nil) {
        self.init(space: space, goal: goal, dispatch: LocalDispatch(evaluator: evaluator, store: store, workers: workers), store: store,
                  budget: budget, reference: reference)
    }

    /// Runs `tactic` to the end of the budget and returns every record in sequence order. `events` hears
    /// `.evaluated` for every record as soon as it is durable (replayed ones when their batch is asked), and
    /// `.progress` after each batch.
    public func run(
        _ tactic: inout some SearchTactic, events: @escaping @Sendable (SearchEvent) -> Void = { _ in }
    ) async throws -> [EvaluationRecord] {
        let clock = ContinuousClock()
        let start = clock.now
        let activity = GeneActivity(space: space)
        var stored: [Int: EvaluationRecord] = [:]
        for record in try await store.records() { stored[record.sequence] = record }
        var records: [EvaluationRecord] = []
        var replayed = 0
        var referencePoint = reference.map { zip($0, goal.senses).map { $1.toMinimization($0) } }
        while records.count < budget {
            var batch = tactic.ask()
            if batch.isEmpty { break }
            if batch.count > budget - records.count { batch.removeLast(batch.count - (budget - records.count)) }
            let iteration = tactic.lastIteration
            let first = records.count
            var results = [EvaluationRecord?](repeating: nil, count: batch.count)
            var pending: [Int] = []
            let hashes = batch.map { space.hash(of: $0, activity: activity) }
            for offset in batch.indices {
                if let old = stored[first + offset] {
                    guard old.configurationHash == hashes[offset] else {
                        throw InputError(source: store.location, field: "evaluations[\(first + offset)]",
                                         "holds a different sub-network than this search asks for: the store is from another search or settings")
                    }
                    results[offset] = old
                    replayed += 1
                    events(.evaluated(old, replayed: true))
                } else {
                    pending.append(offset)
                }
            }
            for (offset, record) in try await evaluate(batch, hashes: hashes, offsets: pending, firstSequence: first, events: events) {
                results[offset] = record
            }
            let batchRecords = results.map { $0! }
            records += batchRecords
            tactic.tell(zip(batch, batchRecords).map { configuration, record in
                Measurement(configuration: configuration, metrics: record.status == .ok ? record.metrics : nil)
            })
            if let iteration {
                let record = Self.iterationRecord(iteration, batch: batchRecords)
                try await store.record(record)
                events(.iteration(record))
            }
            if referencePoint == nil { referencePoint = goal.nadir(of: records) }
            let front = goal.front(of: records)
            events(.progress(SearchProgress(
                evaluated: records.count, budget: budget, failed: records.filter { $0.status == .failed }.count,
                replayed: replayed, frontSize: front.count,
                hypervolume: referencePoint.map { Hypervolume.compute(front.map(goal.minimized), reference: $0) },
                elapsed: start.duration(to: clock.now))))
        }
        return records
    }

    /// What an iteration predicted for its batch against what was measured, with Kendall's τ per metric.
    static func iterationRecord(_ iteration: TacticIteration, batch: [EvaluationRecord]) -> IterationRecord {
        let predictions = iteration.predicted.keys.sorted().filter { $0 < batch.count }.map { offset in
            let record = batch[offset]
            return IterationRecord.Prediction(sequence: record.sequence, predicted: iteration.predicted[offset]!,
                                              measured: record.status == .ok ? record.metrics : nil)
        }
        var kendall: [String: Double] = [:]
        for metric in Set(predictions.flatMap(\.predicted.keys)) {
            let pairs = predictions.compactMap { p in p.predicted[metric].flatMap { predicted in p.measured?[metric].map { (predicted, $0) } } }
            guard pairs.count >= 2 else { continue }
            let tau = RegressionMetrics.kendallTau(pairs.map(\.1), pairs.map(\.0))
            if tau.isFinite { kendall[metric] = tau }
        }
        return IterationRecord(iteration: iteration.iteration, firstSequence: batch.first?.sequence ?? 0,
                               predictors: iteration.predictors, predictions: predictions, kendall: kendall)
    }

    /// Measures the configurations at `offsets` through the dispatch.
    private func evaluate(
        _ batch: [Configuration], hashes: [String], offsets: [Int], firstSequence: Int, events: @escaping @Sendable (SearchEvent) -> Void
    ) async throws -> [(Int, EvaluationRecord)] {
        let jobs = offsets.map { offset in
            QueuedEvaluation(sequence: firstSequence + offset, configurationHash: hashes[offset],
                             configuration: space.json(of: batch[offset]), metrics: goal.metrics)
        }
        let records = try await dispatch.measure(jobs, offsets.map { batch[$0] }) { events(.evaluated($0, replayed: false)) }
        return Array(zip(offsets, records))
    }
}
