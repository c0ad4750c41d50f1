import Foundation
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASStore

/// Evaluates a study's queued work: `slots` evaluations at a time, each claimed under a lease that a heartbeat renews,
/// each result written in the transaction that completes its claim. `swiftnas worker` runs one; a coordinator with
/// `--workers N` runs one in its own process.
///
/// A result whose claim is no longer current (the lease expired, the work went to another worker) is discarded and
/// logged. When the worker stops (it is cancelled, or `finished` says the study is over), what it holds goes back to
/// the queue at once.
public struct QueueWorker: Sendable {
    public var queue: any WorkQueue
    public var evaluator: any Evaluator
    public var space: SearchSpace
    /// How the worker names itself in the queue (`host:pid`).
    public var name: String
    public var slots: Int
    /// Seconds a claim stays valid without a heartbeat; heartbeats come every third of it.
    public var lease: Double
    /// Checked while idle: true ends the worker (the study finished). Nil: run until cancelled.
    public var finished: (@Sendable () async throws -> Bool)?
    /// Where notes go (discarded results; each completed evaluation when `logsEvaluations`).
    public var log: @Sendable (String) -> Void
    /// Whether each completed evaluation gets a line in the log (a worker process's log; a coordinator shows progress instead).
    public var logsEvaluations = false

    /// What a worker did.
    public struct Tally: Sendable, Equatable {
        public var completed = 0
        public var failed = 0
        /// Results refused because their claim was no longer current.
        public var discarded = 0
    }

    public init(queue: any WorkQueue, evaluator: any Evaluator, space: SearchSpace, name: String, slots: Int = 1, lease: Double = 30,
                finished: (@Sendable () async throws -> Bool)? = nil, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.queue = queue
        self.evaluator = evaluator
        self.space = space
        self.name = name
        self.slots = slots
        self.lease = lease
        self.finished = finished
        self.log = log
    }

    /// Works until `finished` says so or the task is cancelled; returns what it did.
    @discardableResult
    public func run() async throws -> Tally {
        let ledger = Ledger()
        var stopped: (any Error)?
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await heartbeats() }
                for _ in 0..<max(1, slots) { group.addTask { try await slot(ledger) } }
                for _ in 0..<max(1, slots) { try await group.next() }
                group.cancelAll()
            }
        } catch {
            stopped = error
        }
        // Whatever ended the worker, what it holds goes back to the queue and it leaves the worker list.
        try? await queue.release(await ledger.held)
        try? await queue.leave(worker: name)
        if let stopped, !(stopped is CancellationError) { throw stopped }
        return await ledger.tally
    }

    private func heartbeats() async throws {
        while true {
            try await queue.heartbeat(worker: name, slots: slots, lease: lease)
            try await Task.sleep(for: .seconds(lease / 3))
        }
    }

    /// One evaluation slot: claim, evaluate, complete, again; pausing longer and longer while there is nothing to claim.
    private func slot(_ ledger: Ledger) async throws {
        var pause = Duration.milliseconds(10)
        while !Task.isCancelled {
            guard let claim = try await queue.claim(worker: name, limit: 1, lease: lease).first else {
                if let finished, try await finished() { return }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(250))
                continue
            }
            pause = .milliseconds(10)
            await ledger.hold(claim)
            var record = await evaluator.record(
                claim.job, try space.configuration(fromText: claim.job.configuration, source: "queue[\(claim.job.sequence)]"))
            // An evaluation cut short because the worker is stopping is given back, not recorded as failed.
            if Task.isCancelled { return }
            record.evaluator = "\(evaluator.identity) @ \(name)"
            if try await queue.complete(claim, with: record) {
                await ledger.completed(record.status == .ok)
                if logsEvaluations {
                    log("evaluation \(claim.job.sequence): " + (record.status == .ok ? "done" : "failed: \(record.error ?? "")")
                        + String(format: " in %.1f s", record.finished - record.started))
                }
            } else {
                await ledger.discarded()
                log("discarded the result of evaluation \(claim.job.sequence) (claim \(claim.attempt)): its lease expired and the work went back to the queue")
            }
            await ledger.release(claim)
        }
    }

    /// The claims a worker holds and what it did, shared by its slots.
    private actor Ledger {
        var held: [ClaimedEvaluation] = []
        var tally = Tally()

        func hold(_ claim: ClaimedEvaluation) { held.append(claim) }
        func release(_ claim: ClaimedEvaluation) { held.removeAll { $0.token == claim.token } }
        func completed(_ ok: Bool) {
            tally.completed += 1
            if !ok { tally.failed += 1 }
        }
        func discarded() { tally.discarded += 1 }
    }
}
