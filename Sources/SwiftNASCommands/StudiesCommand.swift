import ArgumentParser
import Foundation
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASDashboard
import SwiftNASSearch
import SwiftNASStore

/// `swiftnas studies`: the studies of one or more stores with their state, one line each.
struct StudiesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "studies",
        abstract: "List the studies of stores (a PostgreSQL database's, a folder's .db files) with their state and counts.")

    @Option(name: .customLong("store"), help: "A store (\(Registry.standard.stores.syntax)) or a folder of .db stores; repeatable (default: the current folder).")
    var stores: [String] = []

    func run() async throws {
        let registry = Registry.standard
        let catalog = StudyCatalog(locations: stores.isEmpty ? [FileManager.default.currentDirectoryPath] : stores, stores: registry.stores)
        let entries = try await catalog.studies()
        var rows: [[String]] = [["study", "state", "coordinator", "done", "failed", "pending", "workers", "queue p/l/d", "front", "last activity", "search"]]
        for entry in entries {
            do {
                let study = try await StudySnapshot(name: entry.name, url: entry.url, study: entry.study, stores: registry.stores)
                let last = study.lastActivity.map { Date(timeIntervalSince1970: $0).formatted(.iso8601) } ?? "-"
                let coordinator = study.status.map { $0.process + (study.queue.map { $0.coordinatorAlive ? " (alive)" : " (gone)" } ?? "") } ?? "-"
                let queue = study.queue.map { "\($0.pending)/\($0.leased)/\($0.done)" } ?? "-"
                rows.append([entry.name, study.state, coordinator, "\(study.records.count)", "\(study.failed)", "\(study.pending)",
                             study.queue.map { "\($0.workers)" } ?? "-", queue, "\(study.summary.front.count)", last, study.summaryLine])
            } catch {
                rows.append([entry.name, "unreadable", "-", "-", "-", "-", "-", "-", "-", "-", "\(error)"])
            }
        }
        if entries.isEmpty { log("swiftnas: no studies in \(catalog.locations.map(StoreRegistry.redacted).joined(separator: ", "))") }
        let widths = rows[0].indices.dropLast().map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { column, cell in
                column < widths.count ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : cell
            }.joined(separator: "  "))
        }
    }
}
