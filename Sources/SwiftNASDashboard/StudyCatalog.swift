import Foundation
import SwiftNASCore
import SwiftNASPareto
import SwiftNASReport
import SwiftNASSearch
import SwiftNASStore

/// The studies a dashboard shows: every store named on its command line, every `.db` store in a folder named
/// there, and every study of a store that holds many (PostgreSQL) — looked up again on every request, so a search
/// started later appears by itself. A single-search store's study is named after it (`results.db` → `results`).
public struct StudyCatalog: Sendable {
    /// Store URLs, paths, or folders of SQLite stores.
    public var locations: [String]
    public var stores: StoreRegistry

    public init(locations: [String], stores: StoreRegistry) {
        self.locations = locations
        self.stores = stores
    }

    /// One study: its name in the dashboard, its store's URL and its name within that store (nil for a
    /// single-search store).
    public struct Entry: Sendable {
        public var name: String
        public var url: String
        public var study: String?
    }

    /// Every study, in the order named (a folder's stores and a store's studies by name).
    public func studies() async throws -> [Entry] {
        var found: [Entry] = []
        var names = Set<String>()
        func add(_ base: String, url: String, study: String?) {
            var name = base.isEmpty ? "study" : base
            var suffix = 2
            while names.contains(name) { name = "\(base)-\(suffix)"; suffix += 1 }
            names.insert(name)
            found.append(Entry(name: name, url: url, study: study))
        }
        for location in locations {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: location, isDirectory: &isDirectory), isDirectory.boolValue {
                let files = (try? FileManager.default.contentsOfDirectory(atPath: location)) ?? []
                for file in files.filter({ $0.hasSuffix(".db") }).sorted() {
                    add(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
                        url: (location as NSString).appendingPathComponent(file), study: nil)
                }
            } else if let studies = try await stores.studies(at: location, source: StoreRegistry.redacted(location)) {
                for study in studies { add(study, url: location, study: study) }
            } else {
                add(URL(fileURLWithPath: stores.parse(location).location).deletingPathExtension().lastPathComponent, url: location, study: nil)
            }
        }
        return found
    }

    /// What the study called `name` holds now, or nil when there is no such study.
    public func snapshot(_ name: String) async throws -> StudySnapshot? {
        guard let entry = try await studies().first(where: { $0.name == name }) else { return nil }
        return try await StudySnapshot(name: name, url: entry.url, study: entry.study, stores: stores)
    }
}

/// One study as read at one moment: its search's settings, status and every evaluation.
public struct StudySnapshot: Sendable {
    public var name: String
    public var search: StoredSearch
    public var summaryLine: String
    public var status: SearchStatus?
    public var records: [EvaluationRecord]
    /// What each predictor-guided iteration predicted and measured (LINAS; empty for other tactics).
    public var iterations: [IterationRecord]
    /// The work queue's counts, coordinator and workers (stores that workers share; nil for others).
    public var queue: QueueCounts?

    /// Reads study `study` (nil: the store's only search) of the store at `url`, read-only.
    public init(name: String, url: String, study: String?, stores: StoreRegistry) async throws {
        let store = try await stores.open(url, study: study, access: .read, source: StoreRegistry.redacted(url))
        do {
            guard let manifest = try await store.manifest() else { throw InputError(source: store.location, "the store holds no search yet") }
            self.name = name
            search = try StoredSearch(manifest, source: store.location)
            summaryLine = manifest.summary
            status = try await store.status()
            records = try await store.records()
            iterations = try await store.iterations()
            queue = try await store.workQueue?.counts()
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    }

    /// Evaluations finished per hour, from the first start to the last finish (nil before two evaluations).
    public var evaluationsPerHour: Double? {
        guard records.count >= 2, let first = records.map(\.started).min(), let last = records.map(\.finished).max(), last > first else { return nil }
        return Double(records.count) / (last - first) * 3600
    }

    /// The most evaluations that ran at the same time (the parallelism the store shows).
    public var maximumConcurrent: Int {
        let events = records.flatMap { [($0.started, 1), ($0.finished, -1)] }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        var running = 0, most = 0
        for (_, change) in events { running += change; most = max(most, running) }
        return most
    }

    /// When the latest evaluation finished (seconds since 1970), or nil before the first.
    public var lastActivity: Double? { records.map(\.finished).max() }

    /// `running`, `finished`, `failed`, `interrupted`, or `unknown` for a store that recorded no status.
    public var state: String {
        // A shared store knows whether its coordinator is alive, wherever it runs.
        if let queue, status?.state == .running { return queue.coordinatorAlive ? "running" : "interrupted" }
        return status?.observed(lastActivity: lastActivity ?? 0) ?? "unknown"
    }

    public var failed: Int { records.filter { $0.status == .failed }.count }

    /// Evaluations still to come while the search runs.
    public var pending: Int {
        guard let status, state == "running" else { return 0 }
        return max(0, status.budget - records.count)
    }

    /// The front, hypervolume curve (at every evaluation up to 500, then at 200 evenly spaced counts) and
    /// reference point of the evaluations so far.
    public var summary: SearchSummary {
        let count = records.count
        let checkpoints = count <= 500 ? Array(1...max(1, count)) : (1...200).map { count * $0 / 200 }
        return SearchSummary(records: records, goal: search.goal, checkpoints: count == 0 ? [] : checkpoints)
    }
}
