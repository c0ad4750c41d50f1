import Foundation
import SwiftNASCore
import SwiftNASEngine
import SwiftNASPredictors
import SwiftNASSupernet

/// How a latency lookup table is measured: the batch and thread count it is valid for, the method (each part timed
/// inside whole forward passes of sampled sub-networks, or alone), and how each time is taken.
public struct LatencyTableSettings: Codable, Sendable, Hashable {
    /// How block times are taken.
    public var method: Method
    /// `.context`: random sub-networks timed (more are added until every variant ran in `minSamples` of them).
    public var subnets: Int
    /// `.context`: the fewest sub-networks each block variant must have been timed in.
    public var minSamples: Int
    /// Images per forward pass.
    public var batchSize: Int
    /// Worker threads of every layer.
    public var threads: Int
    /// Timed forward passes per part (`.isolated`) or per sub-network (`.context`).
    public var repeats: Int
    /// Untimed forward passes before timing.
    public var warmup: Int
    /// Height and width of the input images.
    public var imageSize: Int
    /// Seeds the (untrained) weights and the input images; latency does not depend on them.
    public var seed: UInt64
    /// What is timed: wall-clock time, or the CPU time of the timing thread (with one thread: the latency an idle
    /// machine would show, unaffected by other processes taking the cores).
    public var clock: Clock
    /// KiB of unrelated memory read before each timed pass of a part (0: time parts with hot caches). A part runs
    /// slower inside a whole network than when repeated alone, because the other parts evict its weights.
    public var cacheEvictionKiB: Int
    /// What summarises a part's timed passes.
    public var statistic: Statistic
    /// Round-robin passes over all parts that the timed passes are split over (1: each part timed in one go).
    public var rounds: Int

    /// How block times are taken.
    public enum Method: String, Codable, Sendable, Hashable, CaseIterable {
        /// Each part timed inside whole inference passes of sampled sub-networks (`MobileNetV3.forwardTimingParts`):
        /// a part's time is the statistic of every timed pass of every sub-network it ran in, so it carries the
        /// cold weights and caches the rest of the network leaves it — what the sum must add up to.
        case context
        /// Each part run alone, again and again, on the largest sub-network's activation (OFA's method): with the
        /// NHWC engine its weights stay hot in the caches and the sum comes out about a fifth low.
        case isolated
    }

    /// How timed passes are summarised.
    public enum Statistic: String, Codable, Sendable, Hashable, CaseIterable {
        /// The median pass.
        case median
        /// The fastest pass: the time without interference, steadier than the median on a loaded machine.
        case minimum
        /// The mean pass: additive — the means of a pass's parts add up to the mean of the whole pass — so it keeps
        /// the occasional slow pass (a preemption that cools the caches) that a whole pass, many times longer than a
        /// part, nearly always contains and a part's median leaves out.
        case mean

        /// The statistic of `values` (not empty).
        func of(_ values: [Double]) -> Double {
            let sorted = values.sorted(), m = sorted.count / 2
            switch self {
            case .minimum: return sorted[0]
            case .mean: return values.reduce(0, +) / Double(values.count)
            case .median: return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
            }
        }
    }

    /// The clocks a table can be measured with.
    public enum Clock: String, Codable, Sendable, Hashable, CaseIterable {
        /// `CLOCK_MONOTONIC`: elapsed time, whatever else the machine runs.
        case wall
        /// `CLOCK_THREAD_CPUTIME_ID`: CPU time of the calling thread; single-threaded only.
        case cpu

        var id: clockid_t { self == .wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID }
    }

    /// Defaults: one image, one thread, CPU clock; `.context`: 60 random sub-networks and more until every variant
    /// ran in 8, 10 timed passes of each in 5 rounds, each round after 2 warm-up passes; `.isolated`: median of 50
    /// passes per part in 25 rounds, each after 5 warm-up passes.
    public init(method: Method = .context, batchSize: Int = 1, threads: Int = 1, repeats: Int? = nil, warmup: Int? = nil, imageSize: Int = 28,
                seed: UInt64 = 0, clock: Clock = .cpu, cacheEvictionKiB: Int = 0, rounds: Int? = nil, statistic: Statistic = .median,
                subnets: Int = 60, minSamples: Int = 8) {
        self.method = method
        self.subnets = subnets
        self.minSamples = minSamples
        let repeats = repeats ?? (method == .context ? 10 : 50)
        let warmup = warmup ?? (method == .context ? 2 : 5)
        let rounds = rounds ?? (method == .context ? 5 : 25)
        self.batchSize = batchSize
        self.threads = threads
        self.repeats = repeats
        self.warmup = warmup
        self.imageSize = imageSize
        self.seed = seed
        self.clock = clock
        self.cacheEvictionKiB = cacheEvictionKiB
        self.rounds = rounds
        self.statistic = statistic
    }

    /// `InputError` naming the option (`source` prefix + name) of the first setting out of range.
    public func validate(source: (String) -> String = { "--" + $0 }) throws {
        if batchSize < 1 { throw InputError(source: source("batch-size"), "must be at least 1, got \(batchSize)") }
        if threads < 1 { throw InputError(source: source("threads"), "must be at least 1, got \(threads)") }
        if repeats < 1 { throw InputError(source: source("repeats"), "must be at least 1, got \(repeats)") }
        if warmup < 0 { throw InputError(source: source("warmup"), "must be at least 0, got \(warmup)") }
        if clock == .cpu && threads != 1 { throw InputError(source: source("clock"), "cpu times the calling thread only; use it with 1 thread") }
        if rounds < 1 { throw InputError(source: source("rounds"), "must be at least 1, got \(rounds)") }
        if cacheEvictionKiB < 0 { throw InputError(source: source("cache-eviction-kib"), "must be at least 0, got \(cacheEvictionKiB)") }
        if method == .context && cacheEvictionKiB != 0 {
            throw InputError(source: source("cache-eviction-kib"), "applies to --method isolated only (in context, the network itself sets the caches)")
        }
        if method == .context && subnets < 0 { throw InputError(source: source("subnets"), "must be at least 0, got \(subnets)") }
        if method == .context && minSamples < 1 { throw InputError(source: source("min-samples"), "must be at least 1, got \(minSamples)") }
        if imageSize < 8 { throw InputError(source: source("image-size"), "must be at least 8, got \(imageSize)") }
    }
}

/// An OFA-style per-block latency lookup table of an elastic MobileNetV3 super-network on this machine: the median
/// inference time of every block variant (each slot × kernel size × expand ratio) and of the fixed parts (stem,
/// first block, final expansion, pooling, classifier head), at one batch size and thread count. A sub-network's
/// latency is predicted as the sum of its active blocks and the fixed parts.
///
/// By default (`LatencyTableSettings.Method.context`) every part is timed inside whole forward passes of sampled
/// sub-networks, each slot on its own. With `.isolated`, slots of equal shape (positions 1… of a stage: same
/// channels, stride 1) run the same computation, so one of them is timed and the time is recorded for each
/// (`measuredAt` names the slot timed).
public struct BlockLatencyTable: Codable, Sendable {
    /// The value of `format` in every table file.
    public static let formatName = "swiftnas-latency-lut"
    /// The version of this layout (2: `settings.method`, `subnets`, `minSamples` and each variant's `samples`;
    /// version 1 tables timed blocks in isolation only).
    public static let currentFormatVersion = 2
    /// The most block slots (stages × maxDepth) a table may describe: far beyond any MobileNetV3 (20).
    public static let maximumSlots = 100_000

    /// Always `formatName`.
    public var format: String
    /// The layout version.
    public var formatVersion: Int
    /// The search space whose configurations the table prices (`fashion_mbv3`).
    public var space: String
    /// `SupernetPlan.signature` of the network timed.
    public var planSignature: String
    /// Stages, and block slots per stage, of the plan (what decides which slots a configuration runs).
    public var stages: Int
    public var maxDepth: Int
    /// The elastic choices timed.
    public var kernelSizes: [Int]
    public var expandRatios: [Int]
    /// How the times were taken.
    public var settings: LatencyTableSettings
    /// Where and when.
    public var machine: MachineDescription
    /// Median milliseconds of the fixed parts.
    public var fixed: FixedParts
    /// Median milliseconds of every block variant, slot-major.
    public var blocks: [BlockTime]

    /// The parts every sub-network runs.
    public struct FixedParts: Codable, Sendable, Hashable {
        /// 3 × 3 stem convolution, batch norm, h-swish.
        public var stem: Double
        /// The fixed first block (depthwise 3 × 3, projection, residual).
        public var firstBlock: Double
        /// Final 1 × 1 expansion, batch norm, h-swish.
        public var finalExpand: Double
        /// Global average pooling.
        public var pool: Double
        /// Feature mix, h-swish and classifier.
        public var head: Double

        /// Their sum.
        public var total: Double { stem + firstBlock + finalExpand + pool + head }
    }

    /// The time of one block variant.
    public struct BlockTime: Codable, Sendable, Hashable {
        /// The slot (stage-major, the index into `ks` and `e`).
        public var slot: Int
        public var stage: Int
        public var position: Int
        public var kernel: Int
        public var expandRatio: Int
        /// Median milliseconds of one inference forward pass of the block.
        public var milliseconds: Double
        /// The slot actually timed (an equal-shaped slot of the same stage, or `slot` itself).
        public var measuredAt: Int
        /// Timed passes summarised into `milliseconds`.
        public var samples: Int
        /// Sub-networks those passes ran (`.context`; 0 for `.isolated`).
        public var subnetworks: Int
    }

    /// The machine a table was measured on.
    public struct MachineDescription: Codable, Sendable, Hashable {
        public var host: String
        public var cpu: String
        public var processors: Int
        /// ISO 8601, UTC.
        public var measured: String

        /// This machine, now.
        public static var current: MachineDescription {
            let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
            return MachineDescription(host: ProcessInfo.processInfo.hostName, cpu: model,
                                      processors: ProcessInfo.processInfo.activeProcessorCount,
                                      measured: ISO8601DateFormatter().string(from: Date()))
        }
    }

    /// The predicted milliseconds of `config`'s sub-network: the fixed parts plus every active block. `config`
    /// must have been checked against the table (`check(_:source:)`).
    public func predict(_ config: SubnetConfig, lookup: Lookup) -> Double {
        var total = fixed.total
        for slot in 0..<config.kernelSizes.count where slot % maxDepth < config.depths[slot / maxDepth] {
            total += lookup.milliseconds(slot: slot, kernel: config.kernelSizes[slot], expandRatio: config.expandRatios[slot])
        }
        return total
    }

    /// Block times by slot, kernel and expand ratio.
    public struct Lookup: Sendable {
        private let times: [Int: Double]
        private let kernelCount: Int
        private let kernelIndex: [Int: Int]
        private let expandIndex: [Int: Int]

        init(_ table: BlockLatencyTable) {
            kernelIndex = Dictionary(uniqueKeysWithValues: table.kernelSizes.enumerated().map { ($1, $0) })
            expandIndex = Dictionary(uniqueKeysWithValues: table.expandRatios.enumerated().map { ($1, $0) })
            kernelCount = table.kernelSizes.count
            var times: [Int: Double] = [:]
            let perSlot = table.kernelSizes.count * table.expandRatios.count
            for block in table.blocks {
                times[block.slot * perSlot + expandIndex[block.expandRatio]! * kernelCount + kernelIndex[block.kernel]!] = block.milliseconds
            }
            self.times = times
        }

        /// The time of one variant (the table has them all).
        public func milliseconds(slot: Int, kernel: Int, expandRatio: Int) -> Double {
            let perSlot = kernelCount * expandIndex.count
            return times[slot * perSlot + expandIndex[expandRatio]! * kernelCount + kernelIndex[kernel]!]!
        }
    }

    /// The lookup of a complete table; an `InputError` naming `source` and the field when a variant is missing,
    /// repeated or its time is not a positive number, or the table is not of this format.
    public func lookup(source: String) throws -> Lookup {
        guard format == Self.formatName else { throw InputError(source: source, field: "format", "is '\(format)', expected '\(Self.formatName)'") }
        guard formatVersion == Self.currentFormatVersion else {
            throw InputError(source: source, field: "formatVersion", "is \(formatVersion); this SwiftNAS reads version \(Self.currentFormatVersion) — rebuild the table")
        }
        guard stages >= 1, maxDepth >= 1 else { throw InputError(source: source, field: "stages", "stages and maxDepth must be at least 1") }
        // A table has a time per slot, so a slot count beyond any network is refused before it is multiplied out.
        let (slots, overflow) = stages.multipliedReportingOverflow(by: maxDepth)
        guard !overflow, slots <= Self.maximumSlots else {
            throw InputError(source: source, field: "stages", "\(stages) stages × \(maxDepth) blocks is more than \(Self.maximumSlots) block slots")
        }
        for (name, values) in [("kernelSizes", kernelSizes), ("expandRatios", expandRatios)] where values.isEmpty || Set(values).count != values.count {
            throw InputError(source: source, field: name, "must list distinct values")
        }
        for (name, value) in [("stem", fixed.stem), ("firstBlock", fixed.firstBlock), ("finalExpand", fixed.finalExpand), ("pool", fixed.pool), ("head", fixed.head)]
            where !(value.isFinite && value >= 0) {
            throw InputError(source: source, field: "fixed.\(name)", "must be a non-negative number of milliseconds")
        }
        var seen = Set<[Int]>()
        for (i, block) in blocks.enumerated() {
            guard (0..<slots).contains(block.slot) else {
                throw InputError(source: source, field: "blocks[\(i)].slot", "is \(block.slot), outside the \(slots) slots")
            }
            guard kernelSizes.contains(block.kernel) else { throw InputError(source: source, field: "blocks[\(i)].kernel", "\(block.kernel) is not one of \(kernelSizes)") }
            guard expandRatios.contains(block.expandRatio) else {
                throw InputError(source: source, field: "blocks[\(i)].expandRatio", "\(block.expandRatio) is not one of \(expandRatios)")
            }
            guard block.milliseconds.isFinite, block.milliseconds >= 0 else {
                throw InputError(source: source, field: "blocks[\(i)].milliseconds", "must be a non-negative number")
            }
            guard seen.insert([block.slot, block.kernel, block.expandRatio]).inserted else {
                throw InputError(source: source, field: "blocks[\(i)]", "repeats slot \(block.slot) kernel \(block.kernel) expand ratio \(block.expandRatio)")
            }
        }
        // Every variant is distinct and valid, so there are at most slots × kernels × expand ratios of them.
        let (perKernel, overflowK) = slots.multipliedReportingOverflow(by: kernelSizes.count)
        let (expected, overflowE) = perKernel.multipliedReportingOverflow(by: expandRatios.count)
        guard !overflowK, !overflowE, seen.count == expected else {
            throw InputError(source: source, field: "blocks", "holds \(seen.count) block variants, expected \(expected) (every slot × kernel × expand ratio)")
        }
        return Lookup(self)
    }

    /// Whether `config` fits the table's slots and choices; `InputError` naming `source` and the gene otherwise.
    public func check(_ config: SubnetConfig, source: String) throws {
        let slots = stages * maxDepth
        guard config.kernelSizes.count == slots, config.expandRatios.count == slots, config.depths.count == stages else {
            throw InputError(source: source, "the configuration has \(config.kernelSizes.count) blocks and \(config.depths.count) stages, the table \(slots) and \(stages)")
        }
        for (i, depth) in config.depths.enumerated() where !(1...maxDepth).contains(depth) {
            throw InputError(source: source, field: "d[\(i)]", "\(depth) is outside 1…\(maxDepth)")
        }
        for slot in 0..<slots where slot % maxDepth < config.depths[slot / maxDepth] {
            if !kernelSizes.contains(config.kernelSizes[slot]) {
                throw InputError(source: source, field: "ks[\(slot)]", "\(config.kernelSizes[slot]) is not one of the table's \(kernelSizes)")
            }
            if !expandRatios.contains(config.expandRatios[slot]) {
                throw InputError(source: source, field: "e[\(slot)]", "\(config.expandRatios[slot]) is not one of the table's \(expandRatios)")
            }
        }
    }

    /// Writes the table as JSON to `path`, atomically.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: path)
    }

    /// Reads and checks the table file at `path`: `InputError` naming the file and field when it is unreadable,
    /// truncated, of another format or incomplete.
    public static func load(path: String) throws -> (table: BlockLatencyTable, lookup: Lookup) {
        try decode(InputFile.data(path), source: path)
    }

    /// Decodes and checks table JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> (table: BlockLatencyTable, lookup: Lookup) {
        struct Header: Decodable { var format: String; var formatVersion: Int }
        let decoder = JSONDecoder()
        let header: Header
        do { header = try decoder.decode(Header.self, from: data) } catch {
            throw InputError(source: source, "not a SwiftNAS latency table, or truncated (\(InputError.reason(of: error)))")
        }
        guard header.format == formatName else { throw InputError(source: source, field: "format", "is '\(header.format)', expected '\(formatName)'") }
        guard header.formatVersion == currentFormatVersion else {
            let old = header.formatVersion == 1 ? " (version 1 tables timed blocks in isolation, about a fifth low with the NHWC engine)" : ""
            throw InputError(source: source, field: "formatVersion",
                             "is \(header.formatVersion); this SwiftNAS reads version \(currentFormatVersion)\(old) — rebuild the table with `swiftnas latency lut build`")
        }
        let table: BlockLatencyTable
        do { table = try decoder.decode(BlockLatencyTable.self, from: data) } catch {
            throw InputError(source: source, decoding: error, "not a valid latency table")
        }
        return (table, try table.lookup(source: source))
    }
}
