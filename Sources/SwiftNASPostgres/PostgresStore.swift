import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SwiftNASCore
import SwiftNASStore

/// A store on a PostgreSQL server (`postgresql://user:password@host:port/database`): one database holds many
/// studies, each one search, named by `--study`. Every evaluation is committed before `append` returns.
///
/// One process searches a study at a time: opening one to search takes a PostgreSQL advisory lock, held by the
/// store's connection, so a second coordinator gets an error naming the live one; the lock goes away with the
/// connection, whether the process closes the store, exits or is killed. Readers (report, dashboard) need no lock.
/// The password is kept only to connect: `location` and every message leave it out.
public actor PostgresStore: SearchStore, StoreBackend {
    public static let scheme = "postgresql"
    public static let summary = "a PostgreSQL database, many studies (--study): postgresql://user:password@host:port/database[?sslmode=require]"
    /// The study a search uses when none is named.
    public static let defaultStudy = "default"

    public nonisolated let location: String
    let study: String
    let connection: PostgresConnection
    let logger: Logger

    init(url: PostgresURL, study: String, connection: PostgresConnection, logger: Logger) {
        location = "\(url) study \(study)"
        self.study = study
        self.connection = connection
        self.logger = logger
    }

    public static func open(_ rest: String, study: String?, access: StoreAccess) async throws -> any SearchStore {
        let url = try PostgresURL(parsing: rest, source: "--store")
        let study = study ?? defaultStudy
        guard !study.isEmpty, study.count <= 200 else { throw InputError(source: "--study", "must be 1 to 200 characters") }
        let connection = try await connect(url)
        let store = PostgresStore(url: url, study: study, connection: connection, logger: logger)
        do {
            try await store.prepare(for: access)
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    public static func studies(at rest: String) async throws -> [String]? {
        let url = try PostgresURL(parsing: rest, source: "--store")
        let connection = try await connect(url)
        do {
            try await createSchema(connection)
            var names: [String] = []
            for try await name in try await connection.query("SELECT name FROM swiftnas_studies ORDER BY name", logger: logger).decode(String.self) {
                names.append(name)
            }
            try? await connection.close()
            return names
        } catch {
            try? await connection.close()
            throw failure(error, url: url)
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "swiftnas.postgres")
        logger.logLevel = .critical
        return logger
    }

    static func connect(_ url: PostgresURL) async throws -> PostgresConnection {
        var tls = PostgresConnection.Configuration.TLS.disable
        if url.tls != .disable {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if url.tls == .require { configuration.certificateVerification = .none }
            tls = .require(try NIOSSLContext(configuration: configuration))
        }
        let configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: tls)
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw failure(error, url: url)
        }
    }

    /// `error` as one line naming the store (without its password).
    static func failure(_ error: any Error, url: CustomStringConvertible) -> InputError {
        if let error = error as? InputError { return error }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return InputError(source: "\(url)", message) }
            if let underlying = error.underlying { return InputError(source: "\(url)", "cannot connect: \(underlying)") }
            return InputError(source: "\(url)", "PostgreSQL error: \(error.code)")
        }
        return InputError(source: "\(url)", "\(error)")
    }

    /// Creates the tables when the database has none (serialised by a transaction-level advisory lock, so
    /// processes starting together do not race).
    static func createSchema(_ connection: PostgresConnection) async throws {
        try await connection.query("BEGIN", logger: logger)
        do {
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('swiftnas.schema'))", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS swiftnas_studies (
                    name TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, summary TEXT NOT NULL, status TEXT,
                    coordinator TEXT, created DOUBLE PRECISION NOT NULL)
                """, logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS swiftnas_evaluations (
                    study TEXT NOT NULL REFERENCES swiftnas_studies(name) ON DELETE CASCADE,
                    sequence INTEGER NOT NULL, configuration_hash TEXT NOT NULL, configuration TEXT NOT NULL,
                    metrics TEXT NOT NULL, status TEXT NOT NULL, error TEXT, started DOUBLE PRECISION NOT NULL,
                    finished DOUBLE PRECISION NOT NULL, evaluator TEXT NOT NULL, PRIMARY KEY (study, sequence))
                """, logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS swiftnas_iterations (
                    study TEXT NOT NULL REFERENCES swiftnas_studies(name) ON DELETE CASCADE,
                    first_sequence INTEGER NOT NULL, report TEXT NOT NULL, PRIMARY KEY (study, first_sequence))
                """, logger: logger)
            try await connection.query("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }

    /// Checks that the study can serve `access`, taking the coordinator lock to search it.
    func prepare(for access: StoreAccess) async throws {
        do {
            try await Self.createSchema(connection)
            let exists = try await manifest() != nil
            switch access {
            case .read:
                guard exists else { throw InputError(source: location, "no such study (see `swiftnas studies`)") }
                return
            case .create, .resume, .overwrite:
                try await lockCoordinator()
                if access == .create, exists {
                    throw InputError(source: location, "already holds a search: add --resume to continue it, --overwrite to replace it, or choose another --study")
                }
                if access == .overwrite, exists {
                    try await connection.query("DELETE FROM swiftnas_studies WHERE name = \(study)", logger: logger)
                }
            }
        } catch {
            throw Self.failure(error, url: location)
        }
    }

    /// Takes the study's advisory lock for this connection, or names the process that holds it.
    func lockCoordinator() async throws {
        let key = "swiftnas.study:" + study
        var locked = false
        for try await value in try await connection.query("SELECT pg_try_advisory_lock(hashtext(\(key)))", logger: logger).decode(Bool.self) {
            locked = value
        }
        guard locked else {
            var holder = "another process"
            for try await coordinator in try await connection.query(
                "SELECT coordinator FROM swiftnas_studies WHERE name = \(study)", logger: logger).decode(String?.self) {
                if let coordinator { holder = coordinator }
            }
            throw InputError(source: location, "is being searched by \(holder): one process searches a study at a time (wait for it, or choose another --study)")
        }
        let process = SearchStatus.thisProcess
        try await connection.query("UPDATE swiftnas_studies SET coordinator = \(process) WHERE name = \(study)", logger: logger)
    }

    public func manifest() async throws -> SearchManifest? {
        for try await (fingerprint, summary) in try await connection.query(
            "SELECT fingerprint, summary FROM swiftnas_studies WHERE name = \(study)", logger: logger).decode((String, String).self) {
            return SearchManifest(fingerprint: fingerprint, summary: summary)
        }
        return nil
    }

    public func begin(_ manifest: SearchManifest) async throws {
        let now = Date().timeIntervalSince1970, process = SearchStatus.thisProcess
        do {
            try await connection.query("""
                INSERT INTO swiftnas_studies (name, fingerprint, summary, coordinator, created)
                VALUES (\(study), \(manifest.fingerprint), \(manifest.summary), \(process), \(now))
                """, logger: logger)
        } catch {
            throw InputError(source: location, "already holds a search (use --resume to continue it, or another --study)")
        }
    }

    public func append(_ record: EvaluationRecord) async throws {
        let metrics = String(decoding: try JSONEncoder.sorted.encode(record.metrics), as: UTF8.self)
        let status = record.status.rawValue
        try await connection.query("""
            INSERT INTO swiftnas_evaluations
            (study, sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator)
            VALUES (\(study), \(record.sequence), \(record.configurationHash), \(record.configuration), \(metrics), \(status),
                    \(record.error), \(record.started), \(record.finished), \(record.evaluator))
            ON CONFLICT (study, sequence) DO UPDATE SET configuration_hash = EXCLUDED.configuration_hash,
                configuration = EXCLUDED.configuration, metrics = EXCLUDED.metrics, status = EXCLUDED.status,
                error = EXCLUDED.error, started = EXCLUDED.started, finished = EXCLUDED.finished, evaluator = EXCLUDED.evaluator
            """, logger: logger)
    }

    public func records() async throws -> [EvaluationRecord] {
        var records: [EvaluationRecord] = []
        let rows = try await connection.query("""
            SELECT sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator
            FROM swiftnas_evaluations WHERE study = \(study) ORDER BY sequence
            """, logger: logger)
        for try await (sequence, hash, configuration, metricsText, statusText, error, started, finished, evaluator)
            in rows.decode((Int, String, String, String, String, String?, Double, Double, String).self) {
            guard let metrics = try? JSONDecoder().decode([String: Double].self, from: Data(metricsText.utf8)),
                  let status = EvaluationRecord.Status(rawValue: statusText) else {
                throw InputError(source: location, field: "evaluations[\(sequence)]", "corrupt record")
            }
            records.append(EvaluationRecord(sequence: sequence, configurationHash: hash, configuration: configuration, metrics: metrics,
                                            status: status, error: error, started: started, finished: finished, evaluator: evaluator))
        }
        return records
    }

    public func record(_ status: SearchStatus) async throws {
        let text = String(decoding: try JSONEncoder.sorted.encode(status), as: UTF8.self)
        try await connection.query("UPDATE swiftnas_studies SET status = \(text) WHERE name = \(study)", logger: logger)
    }

    public func status() async throws -> SearchStatus? {
        for try await text in try await connection.query("SELECT status FROM swiftnas_studies WHERE name = \(study)", logger: logger)
            .decode(String?.self) {
            guard let text else { return nil }
            guard let status = try? JSONDecoder().decode(SearchStatus.self, from: Data(text.utf8)) else {
                throw InputError(source: location, field: "status", "corrupt status")
            }
            return status
        }
        return nil
    }

    public func record(_ iteration: IterationRecord) async throws {
        let text = String(decoding: try JSONEncoder.sorted.encode(iteration), as: UTF8.self)
        try await connection.query("""
            INSERT INTO swiftnas_iterations (study, first_sequence, report) VALUES (\(study), \(iteration.firstSequence), \(text))
            ON CONFLICT (study, first_sequence) DO UPDATE SET report = EXCLUDED.report
            """, logger: logger)
    }

    public func iterations() async throws -> [IterationRecord] {
        var iterations: [IterationRecord] = []
        for try await text in try await connection.query(
            "SELECT report FROM swiftnas_iterations WHERE study = \(study) ORDER BY first_sequence", logger: logger).decode(String.self) {
            guard let iteration = try? JSONDecoder().decode(IterationRecord.self, from: Data(text.utf8)) else {
                throw InputError(source: location, field: "iterations[\(iterations.count)]", "corrupt record")
            }
            iterations.append(iteration)
        }
        return iterations
    }

    public func close() async {
        try? await connection.close()
    }
}
