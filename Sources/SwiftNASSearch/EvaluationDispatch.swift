import Foundation
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASStore

/// How a search gets the evaluations it asks for measured and durably recorded: in this process
/// (`LocalDispatch`), or by workers anywhere through the store's work queue (`QueueDispatch`).
public protocol EvaluationDispatch: Sendable {
    /// What measures, for logs and the start line (`builtin:counts`, `workers of postgresql://… study s`).
    var identity: String { get }
    /// Measures `jobs` (configurations alongside), calling `completed` for each record as soon as it is durable in
    /// the store, and returns the records in the order of `jobs`.
    func measure(_ jobs: [QueuedEvaluation], _ configurations: [Configuration],
                 completed: @escaping @Sendable (EvaluationRecord) -> Void) async throws -> [EvaluationRecord]
}

/// Evaluates in this process, up to `workers` at a time, appending each record to the store as it completes.
public struct LocalDispatch: EvaluationDispatch {
    public var evaluator: any Evaluator
    public var store: any SearchStore
    public var workers: Int

    public init(evaluator: any Evaluator, store: any SearchStore, workers: Int) {
        self.evaluator = evaluator
        self.store = store
        self.workers = workers
    }

    public var identity: String { evaluator.identity }

    public func measure(_ jobs: [QueuedEvaluation], _ configurations: [Configuration],
                        completed: @escaping @Sendable (EvaluationRecord) -> Void) async throws -> [EvaluationRecord] {
        let evaluator = self.evaluator, store = self.store
        return try await Array(zip(jobs, configurations)).concurrentMap(limit: workers) { job, configuration in
            let record = await evaluator.record(job, configuration)
            try await store.append(record)
            completed(record)
            return record
        }
    }
}

extension Evaluator {
    /// Measures `job` and says how it went as a record (failed, with the reason, when its configuration cannot be
    /// read, the evaluator threw, or a metric came back missing or not finite).
    public func record(_ job: QueuedEvaluation, _ configuration: @autoclosure () throws -> Configuration) async -> EvaluationRecord {
        let started = Date().timeIntervalSince1970
        var values: [String: Double] = [:]
        var failure: String?
        do {
            values = try await evaluate(try configuration(), metrics: job.metrics)
            if let missing = job.metrics.first(where: { !(values[$0]?.isFinite ?? false) }) {
                failure = "no finite value for metric '\(missing)'"
                values = [:]
            }
        } catch {
            failure = "\(error)"
        }
        return EvaluationRecord(sequence: job.sequence, configurationHash: job.configurationHash, configuration: job.configuration,
                                metrics: values, status: failure == nil ? .ok : .failed, error: failure,
                                started: started, finished: Date().timeIntervalSince1970, evaluator: identity)
    }
}

/// Hands evaluations to workers through a store's work queue and waits for their records: the coordinator's side of
/// a distributed search. Workers (`swiftnas worker`, or `QueueWorker`s in this process) write each record in the same
/// transaction that completes their claim; this polls for them, quickly while results arrive and more slowly while
/// they do not.
public struct QueueDispatch: EvaluationDispatch {
    public var queue: any WorkQueue
    public var store: any SearchStore
    /// The longest pause between two looks at the queue.
    public var maximumPoll: Duration

    public init(queue: any WorkQueue, store: any SearchStore, maximumPoll: Duration = .milliseconds(500)) {
        self.queue = queue
        self.store = store
        self.maximumPoll = maximumPoll
    }

    public var identity: String { "the workers of \(store.location)" }

    public func measure(_ jobs: [QueuedEvaluation], _ configurations: [Configuration],
                        completed: @escaping @Sendable (EvaluationRecord) -> Void) async throws -> [EvaluationRecord] {
        try await queue.enqueue(jobs)
        var results: [Int: EvaluationRecord] = [:]
        var pause = Duration.milliseconds(10)
        while results.count < jobs.count {
            let waiting = jobs.map(\.sequence).filter { results[$0] == nil }
            let arrived = try await queue.completed(waiting).filter { results[$0.sequence] == nil }
            for record in arrived {
                results[record.sequence] = record
                completed(record)
            }
            if results.count == jobs.count { break }
            pause = arrived.isEmpty ? min(pause * 2, maximumPoll) : .milliseconds(10)
            try await Task.sleep(for: pause)
        }
        return jobs.map { results[$0.sequence]! }
    }
}
