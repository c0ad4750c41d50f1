import Foundation
import GRDB
import SwiftNASCore

/// The embedded default store: one SQLite file (through GRDB), written in WAL mode with full sync, so each
/// committed evaluation survives a `kill -9` or a power cut.
public final class SQLiteStore: SearchStore, StoreBackend {
    public static let scheme = "sqlite"
    public static let summary = "one SQLite file (WAL, full sync): sqlite:///absolute/path.db, sqlite://relative.db or a bare path"

    public let location: String
    private let database: DatabaseQueue
    /// Held while this process searches the store.
    private let coordinator: CoordinatorLock?

    /// Opens (creating if needed) the store at `path`. An existing file that is not a SwiftNAS store is an
    /// `InputError` and is left untouched.
    /// With `readOnly`, the file must exist and is only read: a reader (report, dashboard) never writes to a
    /// store a search may be writing.
    public convenience init(path: String, readOnly: Bool = false) throws {
        try self.init(path: path, readOnly: readOnly, coordinator: nil)
    }

    private init(path: String, readOnly: Bool, coordinator: CoordinatorLock?) throws {
        location = path
        self.coordinator = coordinator
        let exists = FileManager.default.fileExists(atPath: path)
        var configuration = Configuration()
        configuration.readonly = readOnly
        if !readOnly {
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            if exists {
                let isStore = try database.read { db in try db.tableExists("swiftnas_manifest") && db.tableExists("evaluations") }
                if !isStore { throw InputError(source: path, "not a SwiftNAS store (no swiftnas_manifest table)") }
            }
            if readOnly { return }
            _ = try database.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") }
            try database.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS swiftnas_manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS evaluations (
                        sequence INTEGER PRIMARY KEY,
                        configuration_hash TEXT NOT NULL,
                        configuration TEXT NOT NULL,
                        metrics TEXT NOT NULL,
                        status TEXT NOT NULL,
                        error TEXT,
                        started REAL NOT NULL,
                        finished REAL NOT NULL,
                        evaluator TEXT NOT NULL);
                    CREATE INDEX IF NOT EXISTS evaluations_by_hash ON evaluations(configuration_hash);
                    CREATE TABLE IF NOT EXISTS iterations (first_sequence INTEGER PRIMARY KEY, report TEXT NOT NULL);
                    """)
            }
        } catch let error as InputError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw InputError(source: path, "not a SwiftNAS store (not an SQLite database at all)")
        } catch {
            throw InputError(source: path, "cannot open the store: \(error)")
        }
    }

    /// Opens the file at `path` for `access`: `.create` refuses an existing file, `.overwrite` replaces a store
    /// (never another kind of file), `.read` needs the file to exist. Searching takes the store's coordinator
    /// lock (`path.lock`) first, so a second process searching, resuming or overwriting it is refused.
    public static func open(_ path: String, study: String?, access: StoreAccess) async throws -> any SearchStore {
        if let study {
            throw InputError(source: "--study", "'\(study)': a SQLite store holds one search; studies are for postgresql:// stores")
        }
        let exists = FileManager.default.fileExists(atPath: path)
        switch access {
        case .work:
            throw InputError(source: path, "a SQLite store is searched and evaluated by one process: workers on other machines need a postgresql:// store")
        case .read:
            guard exists else { throw InputError(source: path, "no such file") }
            return try SQLiteStore(path: path, readOnly: true)
        case .create where exists:
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            if size == 0 { throw InputError(source: path, "is an empty file, not a SwiftNAS store: delete it or choose another --store") }
            _ = try SQLiteStore(path: path, readOnly: true)  // a file that is not a store says so
            throw InputError(source: path, "already holds a search: add --resume to continue it, --overwrite to replace it, or choose another --store")
        case .create, .resume, .overwrite:
            let lock = try CoordinatorLock(store: path)
            if access == .overwrite, exists {
                _ = try SQLiteStore(path: path, readOnly: true)  // refuses a file that is not a SwiftNAS store
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            return try SQLiteStore(path: path, readOnly: false, coordinator: lock)
        }
    }

    /// One search per file.
    public static func studies(at location: String) async throws -> [String]? { nil }

    public func close() async { coordinator?.release() }

    public func manifest() async throws -> SearchManifest? {
        try await database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT key, value FROM swiftnas_manifest")
            var values: [String: String] = [:]
            for row in rows { values[row["key"]] = row["value"] }
            guard let fingerprint = values["fingerprint"] else { return nil }
            return SearchManifest(fingerprint: fingerprint, summary: values["summary"] ?? "")
        }
    }

    public func begin(_ manifest: SearchManifest) async throws {
        let location = self.location
        try await database.write { db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM swiftnas_manifest") ?? 0 > 0 {
                throw InputError(source: location, "already holds a search (use --resume to continue it, or another --store)")
            }
            try db.execute(sql: "INSERT INTO swiftnas_manifest (key, value) VALUES ('fingerprint', ?), ('summary', ?), ('format', '1')",
                           arguments: [manifest.fingerprint, manifest.summary])
        }
    }

    public func record(_ status: SearchStatus) async throws {
        let text = String(decoding: try JSONEncoder.sorted.encode(status), as: UTF8.self)
        try await database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO swiftnas_manifest (key, value) VALUES ('status', ?)", arguments: [text])
        }
    }

    public func status() async throws -> SearchStatus? {
        let location = self.location
        return try await database.read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT value FROM swiftnas_manifest WHERE key = 'status'") else { return nil }
            guard let status = try? JSONDecoder().decode(SearchStatus.self, from: Data(text.utf8)) else {
                throw InputError(source: location, field: "swiftnas_manifest.status", "corrupt status")
            }
            return status
        }
    }

    public func record(_ iteration: IterationRecord) async throws {
        let text = String(decoding: try JSONEncoder.sorted.encode(iteration), as: UTF8.self)
        try await database.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO iterations (first_sequence, report) VALUES (?, ?)", arguments: [iteration.firstSequence, text])
        }
    }

    public func iterations() async throws -> [IterationRecord] {
        let location = self.location
        return try await database.read { db in
            // Stores written before iterations were recorded have no such table.
            guard try db.tableExists("iterations") else { return [] }
            return try String.fetchAll(db, sql: "SELECT report FROM iterations ORDER BY first_sequence").enumerated().map { index, text in
                guard let iteration = try? JSONDecoder().decode(IterationRecord.self, from: Data(text.utf8)) else {
                    throw InputError(source: location, field: "iterations[\(index)]", "corrupt record")
                }
                return iteration
            }
        }
    }

    public func append(_ record: EvaluationRecord) async throws {
        let metrics = String(decoding: try JSONEncoder.sorted.encode(record.metrics), as: UTF8.self)
        try await database.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO evaluations
                (sequence, configuration_hash, configuration, metrics, status, error, started, finished, evaluator)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.sequence, record.configurationHash, record.configuration, metrics,
                                 record.status.rawValue, record.error, record.started, record.finished, record.evaluator])
        }
    }

    public func records() async throws -> [EvaluationRecord] {
        let location = self.location
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM evaluations ORDER BY sequence").map { row in
                let metricsText: String = row["metrics"]
                let statusText: String = row["status"]
                guard let metrics = try? JSONDecoder().decode([String: Double].self, from: Data(metricsText.utf8)),
                      let status = EvaluationRecord.Status(rawValue: statusText) else {
                    throw InputError(source: location, field: "evaluations[\(row["sequence"] as Int)]", "corrupt record")
                }
                return EvaluationRecord(
                    sequence: row["sequence"], configurationHash: row["configuration_hash"], configuration: row["configuration"],
                    metrics: metrics, status: status, error: row["error"], started: row["started"], finished: row["finished"],
                    evaluator: row["evaluator"])
            }
        }
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys, so stored JSON is byte-stable.
    public static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
