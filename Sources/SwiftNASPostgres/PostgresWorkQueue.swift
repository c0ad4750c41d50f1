import Foundation
import Logging
import PostgresNIO
import SwiftNASCore
import SwiftNASStore

/// A process's claim to coordinate one study: the study's session-level advisory lock, taken on every
/// (re)connection. After a network cut the server may still hold the old connection's lock for a while; the
/// claim recognises its own token on the study and ends that stale session, so a coordinator reconnects to its
/// own study instead of being locked out by itself.
actor CoordinatorClaim {
    let study: String
    let location: String
    /// Distinguishes this claim from other coordinators, even in the same process.
    nonisolated let token = UUID().uuidString
    private var held = false

    init(study: String, location: String) {
        self.study = study
        self.location = location
    }

    func take(on connection: PostgresConnection) async throws {
        let key = "swiftnas.study:" + study, study = self.study
        for attempt in 0..<20 {
            let locked = try await connection.send("SELECT pg_try_advisory_lock(hashtext(\(key)))").collect(Bool.self).first ?? false
            if locked {
                held = true
                let process = SearchStatus.thisProcess, token = self.token
                try await connection.send(
                    "UPDATE swiftnas_studies SET coordinator = \(process), coordinator_token = \(token) WHERE name = \(study)")
                return
            }
            let owner = try await connection.send("SELECT coordinator, coordinator_token FROM swiftnas_studies WHERE name = \(study)")
                .collect((String?, String?).self).first
            guard held, owner?.1 == token else {
                throw InputError(source: location, "is being searched by \(owner?.0 ?? "another process"): one process searches a study at a time (wait for it, or choose another --study)")
            }
            // Our own previous connection still holds the lock (the server has not noticed it is gone): end it.
            if attempt == 0 {
                try await connection.send("""
                    SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                    AND ((classid::bigint << 32) | objid::bigint) = hashtext(\(key))::bigint AND pid <> pg_backend_pid()
                    """)
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw InputError(source: location, "cannot re-take the study's coordinator lock after reconnecting")
    }
}

extension PostgresStore: WorkQueue {
    public nonisolated var workQueue: (any WorkQueue)? { self }

    public func publish(_ work: StudyWork) async throws {
        try await setStudyDocument("work", to: work)
    }

    public func work() async throws -> StudyWork? {
        try await studyDocument("work", as: StudyWork.self)
    }

    public func enqueue(_ jobs: [QueuedEvaluation]) async throws {
        guard !jobs.isEmpty else { return }
        let study = self.study
        let sequences = jobs.map(\.sequence), hashes = jobs.map(\.configurationHash), configurations = jobs.map(\.configuration)
        let metrics = try jobs.map { String(decoding: try JSONEncoder.sorted.encode($0.metrics), as: UTF8.self) }
        let queued = try await connection.run { connection in
            try await connection.send("""
                INSERT INTO swiftnas_queue (study, sequence, configuration_hash, configuration, metrics, state, enqueued)
                SELECT \(study), s, h, c, m, 'pending', \(unescaped: Self.now)
                FROM unnest(\(sequences)::int[], \(hashes)::text[], \(configurations)::text[], \(metrics)::text[]) AS t(s, h, c, m)
                ON CONFLICT (study, sequence) DO NOTHING
                """)
            return try await connection.send(
                "SELECT sequence, configuration_hash FROM swiftnas_queue WHERE study = \(study) AND sequence = ANY(\(sequences))")
                .collect((Int, String).self)
        }
        let expected = Dictionary(uniqueKeysWithValues: zip(sequences, hashes))
        if let clash = queued.first(where: { expected[$0.0] != $0.1 }) {
            throw InputError(source: location, field: "queue[\(clash.0)]",
                             "holds a different sub-network than this search asks for: the study is from another search or settings")
        }
    }

    public func completed(_ sequences: [Int]) async throws -> [EvaluationRecord] {
        try await records(where: sequences)
    }

    public func claim(worker: String, limit: Int, lease: Double) async throws -> [ClaimedEvaluation] {
        let study = self.study, token = UUID().uuidString, maxAttempts = workQueueMaxAttempts
        let rows = try await connection.run { connection in
            // Work whose every claim expired is recorded as failed rather than handed out forever.
            try await connection.send("""
                WITH dead AS (
                    UPDATE swiftnas_queue SET state = 'done' WHERE study = \(study) AND state = 'leased'
                    AND lease_expires < \(unescaped: Self.now) AND attempts >= \(maxAttempts)
                    RETURNING sequence, configuration_hash, configuration, worker, attempts)
                INSERT INTO swiftnas_evaluations
                (study, sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator)
                SELECT \(study), sequence, configuration_hash, configuration, '{}', 'failed',
                    'its worker vanished ' || attempts || ' times (each lease expired unrenewed): the sub-network may crash or hang the evaluator',
                    \(unescaped: Self.now), \(unescaped: Self.now), 'worker ' || worker FROM dead
                ON CONFLICT (study, sequence) DO NOTHING
                """)
            return try await connection.send("""
                WITH picked AS (
                    SELECT sequence FROM swiftnas_queue WHERE study = \(study)
                    AND (state = 'pending' OR (state = 'leased' AND lease_expires < \(unescaped: Self.now)))
                    ORDER BY sequence LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                UPDATE swiftnas_queue q SET state = 'leased', worker = \(worker), token = \(token) || ':' || q.sequence,
                    attempts = q.attempts + 1, lease_expires = \(unescaped: Self.now) + \(lease)
                FROM picked WHERE q.study = \(study) AND q.sequence = picked.sequence
                RETURNING q.sequence, q.configuration_hash, q.configuration, q.metrics, q.token, q.attempts
                """).collect((Int, String, String, String, String, Int).self)
        }
        return try rows.map { sequence, hash, configuration, metricsText, token, attempt in
            guard let metrics = try? JSONDecoder().decode([String].self, from: Data(metricsText.utf8)) else {
                throw InputError(source: location, field: "queue[\(sequence)].metrics", "corrupt work item")
            }
            return ClaimedEvaluation(job: QueuedEvaluation(sequence: sequence, configurationHash: hash, configuration: configuration, metrics: metrics),
                                     token: token, attempt: attempt)
        }.sorted { $0.job.sequence < $1.job.sequence }
    }

    public func heartbeat(worker: String, slots: Int, lease: Double) async throws {
        let study = self.study
        try await connection.run { connection in
            try await connection.send("""
                UPDATE swiftnas_queue SET lease_expires = \(unescaped: Self.now) + \(lease)
                WHERE study = \(study) AND worker = \(worker) AND state = 'leased'
                """)
            try await connection.send("""
                INSERT INTO swiftnas_workers (study, worker, slots, lease, seen) VALUES (\(study), \(worker), \(slots), \(lease), \(unescaped: Self.now))
                ON CONFLICT (study, worker) DO UPDATE SET slots = EXCLUDED.slots, lease = EXCLUDED.lease, seen = EXCLUDED.seen
                """)
        }
    }

    public func complete(_ claim: ClaimedEvaluation, with record: EvaluationRecord) async throws -> Bool {
        let study = self.study, token = claim.token, sequence = claim.job.sequence
        let metrics = String(decoding: try JSONEncoder.sorted.encode(record.metrics), as: UTF8.self)
        let status = record.status.rawValue
        return try await connection.run { connection in
            // One statement, so one transaction: the claim is completed if and only if the record is written.
            let completed = try await connection.send("""
                WITH done AS (
                    UPDATE swiftnas_queue SET state = 'done' WHERE study = \(study) AND sequence = \(sequence)
                    AND token = \(token) AND state = 'leased' RETURNING sequence, configuration_hash, configuration),
                written AS (
                    INSERT INTO swiftnas_evaluations
                    (study, sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator)
                    SELECT \(study), sequence, configuration_hash, configuration, \(metrics), \(status), \(record.error),
                        \(record.started), \(record.finished), \(record.evaluator) FROM done
                    ON CONFLICT (study, sequence) DO NOTHING)
                SELECT sequence FROM done
                """).collect(Int.self)
            if !completed.isEmpty { return true }
            // A retry after the reply to a committed completion was lost finds its own claim done.
            return try await !connection.send(
                "SELECT 1 FROM swiftnas_queue WHERE study = \(study) AND sequence = \(sequence) AND token = \(token) AND state = 'done'").collect(Int32.self).isEmpty
        }
    }

    public func release(_ claims: [ClaimedEvaluation]) async throws {
        guard !claims.isEmpty else { return }
        let study = self.study, tokens = claims.map(\.token)
        try await connection.run { connection in
            try await connection.send("""
                UPDATE swiftnas_queue SET state = 'pending', worker = NULL, token = NULL, lease_expires = NULL,
                    attempts = greatest(attempts - 1, 0)
                WHERE study = \(study) AND state = 'leased' AND token = ANY(\(tokens))
                """)
        }
    }

    /// Says the worker is gone (it stopped cleanly), so `counts` no longer shows it.
    public func leave(worker: String) async throws {
        let study = self.study
        try await connection.run { connection in
            try await connection.send("DELETE FROM swiftnas_workers WHERE study = \(study) AND worker = \(worker)")
        }
    }

    public func counts() async throws -> QueueCounts {
        let study = self.study, key = "swiftnas.study:" + study
        return try await connection.run { connection in
            let queue = try await connection.send("""
                SELECT count(*) FILTER (WHERE state = 'pending' OR (state = 'leased' AND lease_expires < \(unescaped: Self.now))),
                       count(*) FILTER (WHERE state = 'leased' AND lease_expires >= \(unescaped: Self.now)),
                       count(*) FILTER (WHERE state = 'done')
                FROM swiftnas_queue WHERE study = \(study)
                """).collect((Int, Int, Int).self).first ?? (0, 0, 0)
            let workers = try await connection.send(
                "SELECT count(*) FROM swiftnas_workers WHERE study = \(study) AND seen + lease >= \(unescaped: Self.now)")
                .collect(Int.self).first ?? 0
            let coordinator = try await connection.send("""
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
                AND ((classid::bigint << 32) | objid::bigint) = hashtext(\(key))::bigint
                """).collect(Int.self).first ?? 0
            return QueueCounts(pending: queue.0, leased: queue.1, done: queue.2, workers: workers, coordinatorAlive: coordinator > 0)
        }
    }
}
