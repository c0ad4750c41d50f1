import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASBuiltins
import SwiftNASLatency
import SwiftNASSearch
import SwiftNASSupernet

/// `swiftnas latency lut`: an OFA-style per-block latency lookup table of a native (engine-built) super-network,
/// measured on this machine.
struct LatencyTableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lut",
        abstract: "Time a native super-network's block variants on this machine (build), and check the table against whole sub-networks (check).",
        subcommands: [LatencyTableBuildCommand.self, LatencyTableCheckCommand.self])

    /// The registered super-networks whose blocks can be timed.
    static let elastic = Registry.standard.supernetworks.all.compactMap { $0 as? any ElasticSupernetwork }

    /// The elastic super-network called `name` (default: the first registered), an `InputError` naming `source`
    /// otherwise.
    static func supernetwork(_ name: String?, source: String) throws -> any ElasticSupernetwork {
        guard let found = name.map({ name in elastic.first { $0.name == name } }) ?? elastic.first else {
            throw InputError(source: source, "'\(name ?? "")' is not a native super-network whose blocks can be timed (choose from \(elastic.map(\.name).joined(separator: ", ")))")
        }
        return found
    }
}

/// `swiftnas latency lut build`: times every block variant and the fixed parts, writes the table.
struct LatencyTableBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Time every block variant of fashion_mbv3 (inference, median of repeats) and write the lookup table.",
        discussion: """
            --method context (the default) times each part inside whole inference passes of sampled sub-networks: \
            --subnets random sub-networks, then more chosen so that each of the 20 block slots × 3 kernel sizes × 3 \
            expand ratios ran in at least --min-samples of them; --rounds round-robin rounds each run every \
            sub-network --warmup untimed passes and a share of its --repeats timed passes, reading the clock as the \
            stem, each block, the final expansion, the pooling and the head end. A variant's time is the --statistic \
            of all its passes. --method isolated times each part alone, again and again, on the activation the \
            largest sub-network feeds it (--repeats passes per part; slots of equal shape timed once). Times depend \
            on the machine, the engine build and the load on the machine: rebuild the table after any of them \
            changes (use a release build).
            """)

    @Option(help: "The table file to write (JSON).") var out: String
    @Option(help: "The native super-network to time (\(LatencyTableCommand.elastic.map(\.name).joined(separator: ", ")); default the first).")
    var supernet: String?
    @Option(help: "context (time parts inside whole sub-networks) or isolated (time each part alone).")
    var method = LatencyTableSettings().method.rawValue
    @Option(name: .customLong("batch-size"), help: "Images per forward pass.") var batchSize = LatencyTableSettings().batchSize
    @Option(help: "Worker threads of every layer.") var threads = LatencyTableSettings().threads
    @Option(help: "Timed passes per sub-network (context; default 10) or per part (isolated; default 50).") var repeats: Int?
    @Option(help: "Untimed passes before timing, each round (default 2 context, 5 isolated).") var warmup: Int?
    @Option(help: "Seed of the (untrained) weights, the input images and the sub-networks timed.") var seed: UInt64 = LatencyTableSettings().seed
    @Option(help: "context: random sub-networks to time (more are added until every variant has --min-samples).")
    var subnets = LatencyTableSettings().subnets
    @Option(name: .customLong("min-samples"), help: "context: sub-networks each block variant must run in.")
    var minSamples = LatencyTableSettings().minSamples
    @Option(help: "cpu (the timing thread's CPU time, 1 thread only: less disturbed by other processes) or wall (elapsed time); default cpu with 1 thread, wall with more.")
    var clock: String?
    @Option(name: .customLong("cache-eviction-kib"), help: "isolated: KiB of other memory read before each timed pass of a part, so it starts with colder caches (0: hot caches).")
    var cacheEvictionKiB = LatencyTableSettings().cacheEvictionKiB
    @Option(help: "Round-robin rounds that --repeats is split over (spreads other processes' load evenly; default 5 context, 25 isolated).")
    var rounds: Int?
    @Option(help: "median or minimum of each part's timed passes.") var statistic = LatencyTableSettings().statistic.rawValue

    func run() async throws {
        guard let clock = clock.map({ LatencyTableSettings.Clock(rawValue: $0) }) ?? (threads == 1 ? .cpu : .wall) else {
            throw InputError(source: "--clock", "must be one of \(LatencyTableSettings.Clock.allCases.map(\.rawValue).joined(separator: ", ")), got '\(self.clock ?? "")'")
        }
        guard let statistic = LatencyTableSettings.Statistic(rawValue: statistic) else {
            throw InputError(source: "--statistic", "must be one of \(LatencyTableSettings.Statistic.allCases.map(\.rawValue).joined(separator: ", ")), got '\(self.statistic)'")
        }
        guard let method = LatencyTableSettings.Method(rawValue: method) else {
            throw InputError(source: "--method", "must be one of \(LatencyTableSettings.Method.allCases.map(\.rawValue).joined(separator: ", ")), got '\(self.method)'")
        }
        let settings = LatencyTableSettings(method: method, batchSize: batchSize, threads: threads, repeats: repeats, warmup: warmup, seed: seed,
                                            clock: clock, cacheEvictionKiB: cacheEvictionKiB, rounds: rounds, statistic: statistic,
                                            subnets: subnets, minSamples: minSamples)
        try settings.validate()
        let supernetwork = try LatencyTableCommand.supernetwork(supernet, source: "--supernet")
        let plan = supernetwork.plan
        let measurement = BlockLatencyMeasurement(plan: plan, settings: settings)
        let start = ContinuousClock.now
        let table = measurement.buildTable(space: supernetwork.name) { round, rounds in log("swiftnas: round \(round) of \(rounds)") }
        try table.write(to: out)
        let largest = try table.lookup(source: out)
        print("fixed parts \(String(format: "%.4f", table.fixed.total)) ms; largest sub-network \(String(format: "%.4f", table.predict(.largest(plan), lookup: largest))) ms, smallest \(String(format: "%.4f", table.predict(.smallest(plan), lookup: largest))) ms predicted")
        let how = method == .context
            ? "in context of \(measurement.contextSubnetworks().count) sub-networks (each variant in ≥ \(table.blocks.map(\.subnetworks).min() ?? 0)), \(statistic) of \(settings.repeats) passes each"
            : "isolated, \(statistic) of \(settings.repeats)"
        print("wrote \(out): \(table.blocks.count) block variants, batch \(batchSize), \(threads) thread\(threads == 1 ? "" : "s"), \(clock) clock, \(how), in \(start.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))")
    }
}

/// `swiftnas latency lut check`: the table's prediction error on seeded random sub-networks, each timed whole.
struct LatencyTableCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compare a lookup table's predictions with measured whole-network latency of random sub-networks.",
        discussion: """
            Draws --subnets sub-networks with --seed, times each extracted static network's inference forward pass \
            (median of --repeats, at the table's batch size and thread count) and prints, as the last line, \
            `mape=<percent> kendall=<tau>`.
            """)

    @Option(help: "A table written by `swiftnas latency lut build`.") var lut: String
    @Option(help: "Random sub-networks to measure.") var subnets = 50
    @Option(help: "Seed of the sub-networks drawn.") var seed: UInt64 = 0
    @Option(help: "Timed passes per sub-network.") var repeats = 50
    @Option(help: "Untimed passes before timing, each round.") var warmup = 5
    @Option(help: "Round-robin rounds over the sub-networks.") var rounds = 25
    @Option(help: "A CSV file to write each sub-network's configuration, prediction and measurement to.") var csv: String?

    func run() async throws {
        guard subnets >= 2 else { throw InputError(source: "--subnets", "must be at least 2 (Kendall's τ needs pairs), got \(subnets)") }
        let (table, lookup) = try BlockLatencyTable.load(path: lut)
        let plan = try LatencyTableCommand.supernetwork(table.space, source: lut).plan
        guard table.planSignature == plan.signature else {
            throw InputError(source: lut, field: "planSignature", "the table is for another super-network ('\(table.space)', \(table.planSignature)); rebuild it")
        }
        var settings = table.settings
        settings.repeats = repeats
        settings.warmup = warmup
        settings.rounds = rounds
        try settings.validate()
        let measurement = BlockLatencyMeasurement(plan: plan, settings: settings)
        let check = measurement.check(table, lookup: lookup, count: subnets, seed: seed) { round, rounds in log("swiftnas: round \(round) of \(rounds)") }
        if let csv {
            var lines = ["config,predicted_ms,measured_ms"]
            for row in check.rows {
                let genes = "\"{\"\"ks\"\": \(row.config.kernelSizes), \"\"e\"\": \(row.config.expandRatios), \"\"d\"\": \(row.config.depths)}\""
                lines.append("\(genes),\(row.predicted),\(row.measured)")
            }
            try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: csv)
        }
        let measured = check.rows.map(\.measured)
        print("\(subnets) sub-networks, batch \(settings.batchSize), \(settings.threads) thread\(settings.threads == 1 ? "" : "s"), \(settings.clock) clock, \(settings.statistic) of \(settings.repeats): measured \(String(format: "%.3f", measured.min() ?? 0))–\(String(format: "%.3f", measured.max() ?? 0)) ms, predicted/measured \(String(format: "%.3f", check.meanRatio)) on average, spearman=\(String(format: "%.4f", check.spearman))")
        print("mape=\(String(format: "%.4f", check.mape)) kendall=\(String(format: "%.4f", check.kendall))")
    }
}
