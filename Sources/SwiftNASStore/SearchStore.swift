import Foundation
import SwiftNASCore

/// One real evaluation of a sub-network, as the store keeps it.
public struct EvaluationRecord: Sendable, Codable, Equatable {
    /// Whether the evaluation produced metrics.
    public enum Status: String, Sendable, Codable { case ok, failed }

    /// Position in the search's ask order (0, 1, 2, ...): the identity a resumed search replays by.
    public var sequence: Int
    /// The canonical configuration hash (`SearchSpace.hash(of:)`).
    public var configurationHash: String
    /// The configuration as compact JSON.
    public var configuration: String
    public var metrics: [String: Double]
    public var status: Status
    public var error: String?
    /// Seconds since 1970 when the evaluation started and finished.
    public var started: Double
    public var finished: Double
    /// Which evaluator measured it.
    public var evaluator: String

    public init(sequence: Int, configurationHash: String, configuration: String, metrics: [String: Double],
                status: Status, error: String? = nil, started: Double, finished: Double, evaluator: String) {
        self.sequence = sequence
        self.configurationHash = configurationHash
        self.configuration = configuration
        self.metrics = metrics
        self.status = status
        self.error = error
        self.started = started
        self.finished = finished
        self.evaluator = evaluator
    }
}

/// What identifies a search: the settings that determine its sequence of questions. A resumed search must
/// present the same manifest, or the store refuses it.
public struct SearchManifest: Sendable, Codable, Equatable {
    /// Canonical JSON of the settings that determine the search (space, objectives, tactic, seed, ...).
    public var fingerprint: String
    /// Human-readable summary for reports (`nsga2 on ofa_mbv3_d234_e346_k357_w1.0, 250 evaluations`).
    public var summary: String

    public init(fingerprint: String, summary: String) {
        self.fingerprint = fingerprint
        self.summary = summary
    }
}

/// Where a search stands, as the process running it records in its store: for dashboards and for telling a
/// running search from an interrupted one.
public struct SearchStatus: Sendable, Codable, Equatable {
    /// What the recording process said last.
    public enum State: String, Sendable, Codable { case running, finished, failed }

    public var state: State
    /// The evaluations the search was asked to spend.
    public var budget: Int
    /// The host and process id running it (`host:pid`).
    public var process: String
    /// Seconds since 1970 when this status was recorded.
    public var updated: Double

    public init(state: State, budget: Int, process: String, updated: Double) {
        self.state = state
        self.budget = budget
        self.process = process
        self.updated = updated
    }
}

/// What one iteration of a predictor-guided tactic (LINAS) did, for dashboards: the predictor fitted per metric,
/// and its predictions for the batch it chose against what was then measured.
public struct IterationRecord: Sendable, Codable, Equatable {
    /// One sub-network of the batch that was chosen by prediction.
    public struct Prediction: Sendable, Codable, Equatable {
        public var sequence: Int
        public var predicted: [String: Double]
        /// The measured metrics, nil when the evaluation failed.
        public var measured: [String: Double]?

        public init(sequence: Int, predicted: [String: Double], measured: [String: Double]?) {
            self.sequence = sequence
            self.predicted = predicted
            self.measured = measured
        }
    }

    /// 1 for the first predictor-guided batch.
    public var iteration: Int
    /// The sequence number of the batch's first evaluation (the record's key).
    public var firstSequence: Int
    /// The predictor fitted for each metric (for a selection: the candidate it chose).
    public var predictors: [String: String]
    public var predictions: [Prediction]
    /// Kendall's τ between predicted and measured values over the batch, per metric (with at least 2 pairs).
    public var kendall: [String: Double]

    public init(iteration: Int, firstSequence: Int, predictors: [String: String], predictions: [Prediction], kendall: [String: Double]) {
        self.iteration = iteration
        self.firstSequence = firstSequence
        self.predictors = predictors
        self.predictions = predictions
        self.kendall = kendall
    }
}

/// Where a search keeps every evaluation: the fourth stage of the data flow.
///
/// `append` returns only once the record is durable, so a search killed at any moment loses nothing it
/// has been told about. Adding a backend is one new conforming type.
public protocol SearchStore: Sendable {
    /// A name for messages (`results.db`).
    var location: String { get }
    /// The manifest of the search this store holds, or nil for a new store.
    func manifest() async throws -> SearchManifest?
    /// Marks a new store as holding the search `manifest`. Throws if it already holds one.
    func begin(_ manifest: SearchManifest) async throws
    /// Durably records one evaluation (replacing any record with the same sequence number).
    func append(_ record: EvaluationRecord) async throws
    /// Every record, in sequence order.
    func records() async throws -> [EvaluationRecord]
    /// Records where the search stands (replacing the previous status).
    func record(_ status: SearchStatus) async throws
    /// The last recorded status, or nil when none was recorded (a store written before statuses existed).
    func status() async throws -> SearchStatus?
    /// Durably records what an iteration of the tactic did (replacing any with the same first sequence).
    func record(_ iteration: IterationRecord) async throws
    /// Every recorded iteration, in order.
    func iterations() async throws -> [IterationRecord]
    /// Releases the store (its connection, its coordinator lock); called once when the search or reader is done.
    func close() async
    /// The store's queue when it hands evaluations to workers on other machines (PostgreSQL), else nil.
    var workQueue: (any WorkQueue)? { get }
}

extension SearchStore {
    /// Evaluates only in the searching process.
    public var workQueue: (any WorkQueue)? { nil }
}

/// A store in memory, for tests and throwaway runs.
public actor MemoryStore: SearchStore {
    public nonisolated let location = "memory"
    private var storedManifest: SearchManifest?
    private var stored: [Int: EvaluationRecord] = [:]
    private var storedStatus: SearchStatus?
    private var storedIterations: [Int: IterationRecord] = [:]

    public init() {}

    public func manifest() -> SearchManifest? { storedManifest }

    public func begin(_ manifest: SearchManifest) throws {
        if storedManifest != nil { throw InputError(source: location, "already holds a search") }
        storedManifest = manifest
    }

    public func append(_ record: EvaluationRecord) { stored[record.sequence] = record }

    public func records() -> [EvaluationRecord] { stored.keys.sorted().map { stored[$0]! } }

    public func record(_ status: SearchStatus) { storedStatus = status }

    public func status() -> SearchStatus? { storedStatus }

    public func record(_ iteration: IterationRecord) { storedIterations[iteration.firstSequence] = iteration }

    public func iterations() -> [IterationRecord] { storedIterations.keys.sorted().map { storedIterations[$0]! } }

    public func close() {}
}

extension SearchStatus {
    /// `host:pid` of this process.
    public static var thisProcess: String { "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)" }

    /// How a reader should describe the search: `running` only while the process that said so is alive (on
    /// this host: its pid exists; elsewhere: it recorded something within `staleAfter` seconds, `lastActivity`
    /// being the latest evaluation's time), `interrupted` when it died without saying it finished.
    public func observed(lastActivity: Double, now: Double = Date().timeIntervalSince1970, staleAfter: Double = 600) -> String {
        switch state {
        case .finished: return "finished"
        case .failed: return "failed"
        case .running:
            let parts = process.split(separator: ":")
            if parts.count == 2, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]) {
                return kill(pid, 0) == 0 || errno == EPERM ? "running" : "interrupted"
            }
            return now - max(lastActivity, updated) < staleAfter ? "running" : "interrupted"
        }
    }
}
