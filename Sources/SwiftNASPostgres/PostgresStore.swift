import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import SwiftNASCore
import SwiftNASStore

/// A store on a PostgreSQL server (`postgresql://user:password@host:port/database`): one database holds many
/// studies, each one search, named by `--study`. Every evaluation is committed before it is reported.
///
/// It is also the study's work queue (`WorkQueue`): the searching process enqueues, `swiftnas worker` processes on
/// any machine claim, evaluate and complete.
///
/// One process searches a study at a time: opening one to search takes a PostgreSQL advisory lock, held by the
/// store's connection, so a second coordinator gets an error naming the live one; the lock goes away with the
/// connection, whether the process closes the store, exits or is killed. Readers (report, dashboard) and workers
/// need no lock. A lost connection is re-established with backoff (`ReconnectingConnection`); the coordinator
/// re-takes its lock on the new one.
/// The password is kept only to connect: `location` and every message leave it out.
public actor PostgresStore: SearchStore, StoreBackend {
    public static let scheme = "postgresql"
    public static let summary = "a PostgreSQL database, many studies (--study): postgresql://user:password@host:port/database[?sslmode=require]"
    /// The study a search uses when none is named.
    public static let defaultStudy = "default"
    /// Workers anywhere evaluate its studies (`swiftnas worker`).
    public static let distributes = true

    public nonisolated let location: String
    let study: String
    let connection: ReconnectingConnection
    /// This process's claim to coordinate the study (used when it searches).
    let coordinator: CoordinatorClaim

    init(location: String, study: String, connection: ReconnectingConnection, coordinator: CoordinatorClaim) {
        self.location = location
        self.study = study
        self.connection = connection
        self.coordinator = coordinator
    }

    public static func open(_ rest: String, study: String?, access: StoreAccess) async throws -> any SearchStore {
        let url = try PostgresURL(parsing: rest, source: "--store")
        let study = study ?? defaultStudy
        guard !study.isEmpty, study.count <= 200 else { throw InputError(source: "--study", "must be 1 to 200 characters") }
        let location = "\(url) study \(study)"
        let coordinator = CoordinatorClaim(study: study, location: location)
        let searches = [StoreAccess.create, .resume, .overwrite].contains(access)
        let connection = ReconnectingConnection(url: url, onConnect: { connection in
            try await prepare(connection)
            if searches { try await coordinator.take(on: connection) }
        })
        let store = PostgresStore(location: location, study: study, connection: connection, coordinator: coordinator)
        do {
            try await connection.start()
            try await store.prepare(for: access)
        } catch {
            await store.close()
            throw failure(error, url: location)
        }
        return store
    }

    public static func studies(at rest: String) async throws -> [String]? {
        let url = try PostgresURL(parsing: rest, source: "--store")
        let connection = ReconnectingConnection(url: url, onConnect: { try await prepare($0) })
        do {
            try await connection.start()
            let names = try await connection.run { connection in
                try await connection.send("SELECT name FROM swiftnas_studies ORDER BY name").collect(String.self)
            }
            await connection.close()
            return names
        } catch {
            await connection.close()
            throw failure(error, url: url)
        }
    }

    /// `error` as one line naming the store (without its password).
    static func failure(_ error: any Error, url: CustomStringConvertible) -> InputError {
        if let error = error as? InputError { return error }
        return InputError(source: "\(url)", reason(error))
    }

    /// What went wrong, in the server's words when it said something, else the innermost cause.
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return reason(underlying) }
            return "PostgreSQL error: \(error.code)"
        }
        if let error = error as? NIOConnectionError {
            return "cannot connect: " + (error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)")
        }
        return "\(error)"
    }

    /// The database's clock in seconds since 1970: leases are judged by one clock, whatever the workers' clocks say.
    static let now = "extract(epoch from clock_timestamp())::float8"

    /// Prepares a new connection: session settings, then the tables if the database lacks them.
    ///
    /// The server is told to end this session if it ever sits in an open transaction for a minute (a client cut off
    /// mid-transaction must not hold locks for everyone), and to probe an idle client's TCP connection every 15 s
    /// (so a coordinator on a vanished machine loses its study's lock in about a minute, not hours).
    static func prepare(_ connection: PostgresConnection) async throws {
        try await connection.send("SET idle_in_transaction_session_timeout = 60000")
        for setting in ["tcp_keepalives_idle = 15", "tcp_keepalives_interval = 5", "tcp_keepalives_count = 6"] {
            try await connection.send("SET \(unescaped: setting)")
        }
        let complete = try await connection.send("""
            SELECT to_regclass('swiftnas_workers') IS NOT NULL AND EXISTS (SELECT 1 FROM information_schema.columns
            WHERE table_name = 'swiftnas_studies' AND column_name = 'coordinator_token' AND table_schema = current_schema())
            """).collect(Bool.self).first ?? false
        if !complete { try await createSchema(connection) }
    }

    /// Creates the tables (serialised by a transaction-level advisory lock, so processes starting together do not
    /// race; a lock held too long by a stuck session is an error after 15 s rather than a wait forever).
    static func createSchema(_ connection: PostgresConnection) async throws {
        try await connection.send("BEGIN")
        do {
            try await connection.send("SET LOCAL lock_timeout = 15000")
            try await connection.send("SELECT pg_advisory_xact_lock(hashtext('swiftnas.schema'))")
            try await connection.send("""
                CREATE TABLE IF NOT EXISTS swiftnas_studies (
                    name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, summary TEXT NOT NULL, status TEXT,
                    coordinator TEXT, created DOUBLE PRECISION NOT NULL)
                """)
            try await connection.send("ALTER TABLE swiftnas_studies ADD COLUMN IF NOT EXISTS work TEXT")
            try await connection.send("ALTER TABLE swiftnas_studies ADD COLUMN IF NOT EXISTS coordinator_token TEXT")
            try await connection.send("""
                CREATE TABLE IF NOT EXISTS swiftnas_evaluations (
                    study TEXT NOT NULL REFERENCES swiftnas_studies(name) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL, configuration_hash TEXT NOT NULL, configuration TEXT NOT NULL,
                    metrics TEXT NOT NULL, status TEXT NOT NULL, error TEXT, started DOUBLE PRECISION NOT NULL,
                    finished DOUBLE PRECISION NOT NULL, evaluator TEXT NOT NULL, PRIMARY KEY (study, sequence))
                """)
            try await connection.send("""
                CREATE TABLE IF NOT EXISTS swiftnas_iterations (
                    study TEXT NOT NULL REFERENCES swiftnas_studies(name) ON DELETE CASCADE,
                    first_sequence INTEGER NOT NULL, report TEXT NOT NULL, PRIMARY KEY (study, first_sequence))
                """)
            try await connection.send("""
                CREATE TABLE IF NOT EXISTS swiftnas_queue (
                    study TEXT NOT NULL REFERENCES swiftnas_studies(name) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL, configuration_hash TEXT NOT NULL, configuration TEXT NOT NULL,
                    metrics TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, worker TEXT,
                    token TEXT, lease_expires DOUBLE PRECISION, enqueued DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (study, sequence))
                """)
            try await connection.send("CREATE INDEX IF NOT EXISTS swiftnas_queue_open ON swiftnas_queue (study, sequence) WHERE state <> 'done'")
            try await connection.send("""
                CREATE TABLE IF NOT EXISTS swiftnas_workers (
                    study TEXT NOT NULL REFERENCES swiftnas_studies(name) ON DELETE CASCADE,
                    worker TEXT NOT NULL, slots INTEGER NOT NULL, lease DOUBLE PRECISION NOT NULL,
                    seen DOUBLE PRECISION NOT NULL, PRIMARY KEY (study, worker))
                """)
            try await connection.send("COMMIT")
        } catch {
            _ = try? await connection.send("ROLLBACK")
            throw error
        }
    }

    /// Checks that the study can serve `access` (the coordinator lock, if searching, was taken on connecting).
    func prepare(for access: StoreAccess) async throws {
        let exists = try await manifest() != nil
        switch access {
        case .read:
            guard exists else { throw InputError(source: location, "no such study (see `swiftnas studies`)") }
        case .work:
            return
        case .create, .resume, .overwrite:
            if access == .create, exists {
                throw InputError(source: location, "already holds a search: add --resume to continue it, --overwrite to replace it, or choose another --study")
            }
            if access == .overwrite, exists {
                let study = self.study
                try await connection.run { connection in
                    try await connection.send("DELETE FROM swiftnas_studies WHERE name = \(study)")
                }
            }
        }
    }

    public func manifest() async throws -> SearchManifest? {
        let study = self.study
        return try await connection.run { connection in
            try await connection.send("SELECT fingerprint, summary FROM swiftnas_studies WHERE name = \(study)")
                .collect((String, String).self).first.map { SearchManifest(fingerprint: $0.0, summary: $0.1) }
        }
    }

    public func begin(_ manifest: SearchManifest) async throws {
        let study = self.study, process = SearchStatus.thisProcess, token = coordinator.token
        do {
            try await connection.run { connection in
                try await connection.send("""
                    INSERT INTO swiftnas_studies (name, fingerprint, summary, coordinator, coordinator_token, created)
                    VALUES (\(study), \(manifest.fingerprint), \(manifest.summary), \(process), \(token), \(unescaped: Self.now))
                    """)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw InputError(source: location, "already holds a search (use --resume to continue it, or another --study)")
        }
    }

    public func append(_ record: EvaluationRecord) async throws {
        let study = self.study
        let metrics = String(decoding: try JSONEncoder.sorted.encode(record.metrics), as: UTF8.self)
        let status = record.status.rawValue
        try await connection.run { connection in
            try await connection.send("""
                INSERT INTO swiftnas_evaluations
                (study, sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator)
                VALUES (\(study), \(record.sequence), \(record.configurationHash), \(record.configuration), \(metrics), \(status),
                        \(record.error), \(record.started), \(record.finished), \(record.evaluator))
                ON CONFLICT (study, sequence) DO UPDATE SET configuration_hash = EXCLUDED.configuration_hash,
                    configuration = EXCLUDED.configuration, metrics = EXCLUDED.metrics, status = EXCLUDED.status,
                    error = EXCLUDED.error, started = EXCLUDED.started, finished = EXCLUDED.finished, evaluator = EXCLUDED.evaluator
                """)
        }
    }

    public func records() async throws -> [EvaluationRecord] {
        try await records(where: nil)
    }

    /// The study's records, all or those with the sequence numbers `sequences`.
    func records(where sequences: [Int]?) async throws -> [EvaluationRecord] {
        let study = self.study, location = self.location
        typealias Row = (Int, String, String, String, String, String?, Double, Double, String)
        let rows = try await connection.run { connection -> [Row] in
            if let sequences {
                return try await connection.send("""
                    SELECT sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator
                    FROM swiftnas_evaluations WHERE study = \(study) AND sequence = ANY(\(sequences)) ORDER BY sequence
                    """).collect(Row.self)
            }
            return try await connection.send("""
                SELECT sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator
                FROM swiftnas_evaluations WHERE study = \(study) ORDER BY sequence
                """).collect(Row.self)
        }
        return try rows.map { sequence, hash, configuration, metricsText, statusText, error, started, finished, evaluator in
            guard let metrics = try? JSONDecoder().decode([String: Double].self, from: Data(metricsText.utf8)),
                  let status = EvaluationRecord.Status(rawValue: statusText) else {
                throw InputError(source: location, field: "evaluations[\(sequence)]", "corrupt record")
            }
            return EvaluationRecord(sequence: sequence, configurationHash: hash, configuration: configuration, metrics: metrics,
                                    status: status, error: error, started: started, finished: finished, evaluator: evaluator)
        }
    }

    public func record(_ status: SearchStatus) async throws {
        try await setStudyDocument("status", to: status)
    }

    /// Stores `document` as JSON in column `column` of the study's row.
    func setStudyDocument(_ column: String, to document: some Encodable) async throws {
        let study = self.study
        let text = String(decoding: try JSONEncoder.sorted.encode(document), as: UTF8.self)
        try await connection.run { connection in
            try await connection.send("UPDATE swiftnas_studies SET \(unescaped: column) = \(text) WHERE name = \(study)")
        }
    }

    public func status() async throws -> SearchStatus? {
        try await studyDocument("status", as: SearchStatus.self)
    }

    /// The JSON document in column `column` of the study's row, decoded; nil when the study or the document is absent.
    func studyDocument<Document: Decodable>(_ column: String, as type: Document.Type) async throws -> Document? {
        let study = self.study
        let texts = try await connection.run { connection in
            try await connection.send("SELECT \(unescaped: column) FROM swiftnas_studies WHERE name = \(study)").collect(String?.self)
        }
        guard let text = texts.first ?? nil else { return nil }
        guard let document = try? JSONDecoder().decode(Document.self, from: Data(text.utf8)) else {
            throw InputError(source: location, field: column, "corrupt \(column) document")
        }
        return document
    }

    public func record(_ iteration: IterationRecord) async throws {
        let study = self.study
        let text = String(decoding: try JSONEncoder.sorted.encode(iteration), as: UTF8.self)
        try await connection.run { connection in
            try await connection.send("""
                INSERT INTO swiftnas_iterations (study, first_sequence, report) VALUES (\(study), \(iteration.firstSequence), \(text))
                ON CONFLICT (study, first_sequence) DO UPDATE SET report = EXCLUDED.report
                """)
        }
    }

    public func iterations() async throws -> [IterationRecord] {
        let study = self.study
        let texts = try await connection.run { connection in
            try await connection.send("SELECT report FROM swiftnas_iterations WHERE study = \(study) ORDER BY first_sequence")
                .collect(String.self)
        }
        return try texts.enumerated().map { index, text in
            guard let iteration = try? JSONDecoder().decode(IterationRecord.self, from: Data(text.utf8)) else {
                throw InputError(source: location, field: "iterations[\(index)]", "corrupt record")
            }
            return iteration
        }
    }

    public func close() async {
        await connection.close()
    }
}

extension PostgresQueryResult {
    /// Every row's one column, decoded.
    func collect<Column: PostgresDecodable>(_ type: Column.Type) throws -> [Column] {
        try rows.map { try $0.decode(Column.self) }
    }

    /// Every row, decoded.
    func collect<each Column: PostgresDecodable>(_ type: (repeat each Column).Type) throws -> [(repeat each Column)] {
        try rows.map { try $0.decode(type) }
    }
}
