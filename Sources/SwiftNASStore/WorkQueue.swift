import Foundation

/// One evaluation a coordinator hands out: which sub-network, which metrics, under which sequence number.
public struct QueuedEvaluation: Sendable, Equatable {
    /// The evaluation's place in the search's ask order (the record it becomes has this sequence number).
    public var sequence: Int
    /// The canonical configuration hash (`SearchSpace.hash(of:)`).
    public var configurationHash: String
    /// The configuration as compact JSON.
    public var configuration: String
    /// The metrics to measure.
    public var metrics: [String]

    public init(sequence: Int, configurationHash: String, configuration: String, metrics: [String]) {
        self.sequence = sequence
        self.configurationHash = configurationHash
        self.configuration = configuration
        self.metrics = metrics
    }
}

/// A queued evaluation one worker holds: valid while its lease is renewed; `token` fences a late result.
public struct ClaimedEvaluation: Sendable, Equatable {
    public var job: QueuedEvaluation
    /// Identifies this claim; completing with an older claim's token (the lease expired and the work went to
    /// another worker) is refused.
    public var token: String
    /// 1 for the first claim of this evaluation, 2 after one lease expired, ...
    public var attempt: Int

    public init(job: QueuedEvaluation, token: String, attempt: Int) {
        self.job = job
        self.token = token
        self.attempt = attempt
    }
}

/// What a study's queue holds and who serves it, for `swiftnas studies` and the dashboard.
public struct QueueCounts: Sendable, Equatable, Codable {
    /// Waiting for a worker (including work whose lease expired).
    public var pending: Int
    /// Held by a worker under a live lease.
    public var leased: Int
    /// Completed (measured or failed).
    public var done: Int
    /// Workers that reported within their lease.
    public var workers: Int
    /// Whether a coordinator holds the study now.
    public var coordinatorAlive: Bool

    public init(pending: Int, leased: Int, done: Int, workers: Int, coordinatorAlive: Bool) {
        self.pending = pending
        self.leased = leased
        self.done = done
        self.workers = workers
        self.coordinatorAlive = coordinatorAlive
    }
}

/// What workers need to evaluate a study's queue: the space its configurations come from. The coordinator
/// publishes it before enqueueing anything.
public struct StudyWork: Sendable, Codable, Equatable {
    /// The search space as JSON (`SearchSpace`'s `Codable` form).
    public var space: String

    public init(space: String) { self.space = space }
}

/// A store that hands evaluations to workers on any machine (`swiftnas worker`): the coordinator enqueues, workers
/// claim under leases and complete, and a result becomes an `EvaluationRecord` of the store in the same
/// transaction that completes its claim.
///
/// Exactly once: a claim is completed at most once; a lease that is not renewed in time returns the work to the
/// queue (after `maxAttempts` claims that all expired the evaluation is recorded as failed instead, so one
/// sub-network that kills every worker cannot stall a search); a result for a claim that is no longer current is
/// refused.
public protocol WorkQueue: Sendable {
    /// Publishes what workers need (before the first `enqueue`).
    func publish(_ work: StudyWork) async throws
    /// What the coordinator published, nil before it did.
    func work() async throws -> StudyWork?
    /// Queues evaluations; a sequence already queued with the same configuration is left as it is (so a resumed
    /// coordinator re-enqueues safely), with another configuration is an error.
    func enqueue(_ jobs: [QueuedEvaluation]) async throws
    /// The records among `sequences` that are complete.
    func completed(_ sequences: [Int]) async throws -> [EvaluationRecord]
    /// Claims up to `limit` queued evaluations for `worker`, leased for `lease` seconds.
    func claim(worker: String, limit: Int, lease: Double) async throws -> [ClaimedEvaluation]
    /// Renews every lease `worker` holds and records that it is alive with `slots` evaluation slots.
    func heartbeat(worker: String, slots: Int, lease: Double) async throws
    /// Completes `claim` with `record` (its sequence and configuration are the claim's). Returns false, writing
    /// nothing, when the claim is no longer current (its lease expired and another worker has or had the work).
    func complete(_ claim: ClaimedEvaluation, with record: EvaluationRecord) async throws -> Bool
    /// Gives the claims back to the queue at once (a worker stopping with work in hand).
    func release(_ claims: [ClaimedEvaluation]) async throws
    /// Says `worker` stopped cleanly, so `counts` no longer shows it.
    func leave(worker: String) async throws
    /// The queue's counts.
    func counts() async throws -> QueueCounts
}

/// The most claims of one evaluation whose leases all expired before it is recorded as failed.
public let workQueueMaxAttempts = 3
