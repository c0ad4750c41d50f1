import ArgumentParser
import Foundation
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASDashboard
import SwiftNASSearch

/// `swiftnas dashboard`: a read-only, live web dashboard of the searches in one or more stores.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live, read-only dashboard of searches: studies, Pareto views, hypervolume, evaluations (docs/dashboard.md).")

    @Option(name: .customLong("store"),
            help: "A store (\(Registry.standard.stores.syntax)) or a folder of .db stores; repeatable (default: the current folder).")
    var stores: [String] = []
    @Option(help: "The address to listen on (127.0.0.1: this machine only).") var host = "127.0.0.1"
    @Option(help: "The port (0: any free port; the URL is printed).") var port = 8080

    func run() async throws {
        guard (0...65_535).contains(port) else { throw InputError(source: "--port", "must be between 0 and 65535, got \(port)") }
        guard !host.isEmpty else { throw InputError(source: "--host", "must not be empty") }
        let registry = Registry.standard
        let locations = stores.isEmpty ? [FileManager.default.currentDirectoryPath] : stores
        for location in locations {
            let (scheme, path) = registry.stores.parse(location)
            guard registry.stores.backends.contains(where: { $0.scheme == scheme }) else {
                throw InputError(source: "--store", field: scheme, "unknown store scheme (choose from \(registry.stores.backends.map { $0.scheme }.joined(separator: ", ")))")
            }
            if scheme == registry.stores.defaultScheme, !FileManager.default.fileExists(atPath: path) {
                throw InputError(source: location, "no such store file or folder")
            }
        }
        let site = DashboardSite(catalog: StudyCatalog(locations: locations, stores: registry.stores))
        try await DashboardServer(site: site, host: host, port: port).run { url in
            FileHandle.standardOutput.write(Data("swiftnas: dashboard on \(url) (read-only; Ctrl-C stops it)\n".utf8))
        }
    }
}
