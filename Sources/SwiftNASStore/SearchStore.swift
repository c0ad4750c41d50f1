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
}

/// A store in memory, for tests and throwaway runs.
public actor MemoryStore: SearchStore {
    public nonisolated let location = "memory"
    private var storedManifest: SearchManifest?
    private var stored: [Int: EvaluationRecord] = [:]

    public init() {}

    public func manifest() -> SearchManifest? { storedManifest }

    public func begin(_ manifest: SearchManifest) throws {
        if storedManifest != nil { throw InputError(source: location, "already holds a search") }
        storedManifest = manifest
    }

    public func append(_ record: EvaluationRecord) { stored[record.sequence] = record }

    public func records() -> [EvaluationRecord] { stored.keys.sorted().map { stored[$0]! } }
}
