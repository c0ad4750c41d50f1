import Foundation
import SwiftNASCore
import SwiftNASEngine
import SwiftNASPredictors
import SwiftNASSupernet

/// Times the parts of an elastic MobileNetV3 inside whole sub-networks or in isolation (building a
/// `BlockLatencyTable`) and whole extracted sub-networks (checking one), with inference forward passes on this machine.
///
/// Everything is built through the super-network's public API: the static blocks come from
/// `ElasticMBConv.materialize`, the fixed parts are the super-network's own layers, and each block's input is the
/// activation the largest sub-network feeds it — so shapes and memory layout are whatever the engine uses.
public struct BlockLatencyMeasurement: Sendable {
    /// The network timed (fresh weights from `settings.seed`).
    public let network: ElasticMobileNetV3
    /// How times are taken.
    public let settings: LatencyTableSettings
    /// A batch of random images of `settings.imageSize`, in the engine's input layout.
    public let input: Tensor
    /// Memory read between timed passes to evict the caches (`settings.cacheEvictionKiB`).
    private let evictionBuffer: [Float]

    /// A measurement of `plan`'s super-network with `settings`.
    public init(plan: SupernetPlan, settings: LatencyTableSettings) {
        precondition(plan.inputChannels == 1, "the measurement feeds single-channel images")
        self.settings = settings
        network = ElasticMobileNetV3(plan: plan, seed: settings.seed)
        var random = SeededRandom(seed: settings.seed &+ 1)
        let n = settings.batchSize, size = settings.imageSize
        let images = ImageDataset(height: size, width: size, pixels: (0..<(n * size * size)).map { _ in Float(random.nextUnit()) },
                                  labels: Array(repeating: 0, count: n), classes: plan.classes)
        input = images.batch(Array(0..<n), random: &random).images
        evictionBuffer = [Float](repeating: 1, count: settings.cacheEvictionKiB * 256)
    }

    /// One thing to time: `body` runs the part and returns a value of its result (so the work cannot be dropped);
    /// `before`, when given, runs untimed before every pass (to set up the cache state).
    public struct TimedPass {
        public var before: (() -> Float)?
        public var body: () -> Float

        public init(before: (() -> Float)? = nil, body: @escaping () -> Float) {
            self.before = before
            self.body = body
        }
    }

    /// The milliseconds of each part (`settings.statistic` of its timed passes), timed round-robin: `settings.rounds` rounds each visit every part in
    /// turn (`make` builds it afresh), run `settings.warmup` untimed passes and time `repeats / rounds` passes. Load
    /// from other processes then spreads over all parts instead of inflating whichever ran while it lasted.
    public func medianMilliseconds(of count: Int, progress: (Int, Int) -> Void = { _, _ in }, _ make: (Int) -> TimedPass) -> [Double] {
        var samples = [[Double]](repeating: [], count: count)
        var sink: Float = 0
        let clock = settings.clock.id
        let rounds = min(settings.rounds, settings.repeats)
        for round in 0..<rounds {
            let passes = settings.repeats / rounds + (round < settings.repeats % rounds ? 1 : 0)
            for part in 0..<count {
                let pass = make(part)
                for _ in 0..<settings.warmup { sink += (pass.before?() ?? 0) + pass.body() }
                for _ in 0..<passes {
                    if let before = pass.before { sink += before() }
                    let start = Self.now(clock)
                    sink += pass.body()
                    samples[part].append(Double(Self.now(clock) - start) / 1e6)
                }
            }
            progress(round + 1, rounds)
        }
        blackHole(sink)
        return samples.map { settings.statistic.of($0) }
    }

    /// Reads `settings.cacheEvictionKiB` of unrelated memory, one load per 64-byte line, then `input` (what the block
    /// before would just have written): the state a part finds inside a whole forward pass, where the other parts have
    /// pushed its weights out of the private caches, rather than the hot-cache state of timing it again and again.
    func evictingCaches(keeping input: Tensor) -> (() -> Float)? {
        guard settings.cacheEvictionKiB > 0 else { return nil }
        let buffer = evictionBuffer
        return {
            var sum: Float = 0
            buffer.withUnsafeBufferPointer { p in
                for j in stride(from: 0, to: p.count, by: 16) { sum += p[j] }
            }
            input.storage.withUnsafeBufferPointer { p in
                for j in stride(from: 0, to: p.count, by: 16) { sum += p[j] }
            }
            return sum
        }
    }

    /// Nanoseconds on `clock`.
    static func now(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Times every block variant and the fixed parts with `settings.method`; `progress` is told each finished round
    /// and the number of rounds.
    public func buildTable(space: String, progress: (Int, Int) -> Void = { _, _ in }) -> BlockLatencyTable {
        switch settings.method {
        case .context: return buildContextTable(space: space, progress: progress)
        case .isolated: return buildIsolatedTable(space: space, progress: progress)
        }
    }

    /// The sub-networks `.context` times: `settings.subnets` random ones, then, while some variant ran in fewer than
    /// `settings.minSamples` of them, random ones whose active slots take the least-sampled variants (and whose
    /// stages are deep enough to reach them). Drawn from `settings.seed` (offset, so they are not the sub-networks
    /// `check --seed` draws).
    public func contextSubnetworks() -> [SubnetConfig] {
        let plan = network.plan
        let kernels = plan.kernelSizes, ratios = plan.expandRatios
        var random = SeededRandom(seed: settings.seed &+ 0x6c75_7463_7478) // "lutctx"
        var counts = [[Int]](repeating: Array(repeating: 0, count: kernels.count * ratios.count), count: plan.blockSlots)
        var configs: [SubnetConfig] = []
        func add(_ config: SubnetConfig) {
            configs.append(config)
            for slot in 0..<plan.blockSlots where config.isActive(slot: slot, plan: plan) {
                counts[slot][ratios.firstIndex(of: config.expandRatios[slot])! * kernels.count + kernels.firstIndex(of: config.kernelSizes[slot])!] += 1
            }
        }
        for _ in 0..<settings.subnets { add(SubnetConfig.random(plan, using: &random)) }
        let depths = plan.depths.sorted()
        while counts.contains(where: { $0.min()! < settings.minSamples }) {
            var config = SubnetConfig.random(plan, using: &random)
            for stage in 0..<plan.stages {
                let slots = (stage * plan.maxDepth)..<((stage + 1) * plan.maxDepth)
                if let deepest = slots.last(where: { counts[$0].min()! < settings.minSamples }) {
                    let needed = deepest - slots.lowerBound + 1
                    config.depths[stage] = max(config.depths[stage], depths.first { $0 >= needed }!)
                }
                for slot in slots where config.isActive(slot: slot, plan: plan) && counts[slot].min()! < settings.minSamples {
                    let fewest = counts[slot].min()!
                    let candidates = counts[slot].indices.filter { counts[slot][$0] == fewest }
                    let variant = candidates[random.nextIndex(candidates.count)]
                    config.expandRatios[slot] = ratios[variant / kernels.count]
                    config.kernelSizes[slot] = kernels[variant % kernels.count]
                }
            }
            add(config)
        }
        return configs
    }

    /// Times every part inside whole inference passes of `contextSubnetworks()`: `settings.rounds` round-robin
    /// rounds each extract every sub-network, run `settings.warmup` untimed passes and time `repeats / rounds` passes
    /// with `MobileNetV3.forwardTimingParts`, reading the clock as each part ends. Each sub-network contributes the
    /// part times of its `settings.statistic` whole pass (the median pass; the fastest; the mean of all); a variant's
    /// time is the median of those over the sub-networks it ran in (the mean for `.mean`), and so is each fixed part's.
    func buildContextTable(space: String, progress: (Int, Int) -> Void) -> BlockLatencyTable {
        let plan = network.plan
        let configs = contextSubnetworks()
        let kernels = plan.kernelSizes, ratios = plan.expandRatios
        func variantIndex(slot: Int, kernel: Int, expandRatio: Int) -> Int {
            (slot * ratios.count + ratios.firstIndex(of: expandRatio)!) * kernels.count + kernels.firstIndex(of: kernel)!
        }
        /// Each sub-network's blocks after the first: their variants (indices into `blockSamples`).
        let activeVariants: [[Int]] = configs.map { config in
            (0..<plan.blockSlots).filter { config.isActive(slot: $0, plan: plan) }
                .map { variantIndex(slot: $0, kernel: config.kernelSizes[$0], expandRatio: config.expandRatios[$0]) }
        }
        /// Each sub-network's timed passes, each pass the milliseconds of its parts (`forwardTimingParts` order).
        var passTimes = [[[Double]]](repeating: [], count: configs.count)
        var sink: Float = 0
        let clock = settings.clock.id
        let rounds = min(settings.rounds, settings.repeats)
        var ends = [UInt64](repeating: 0, count: plan.blockSlots + 5)
        for round in 0..<rounds {
            let passes = settings.repeats / rounds + (round < settings.repeats % rounds ? 1 : 0)
            for (c, config) in configs.enumerated() {
                var subnet = network.extract(config)
                subnet.setThreads(settings.threads)
                for _ in 0..<settings.warmup { sink += subnet.forward(input, mode: .inference).storage[0] }
                let parts = subnet.timingPartCount
                for _ in 0..<passes {
                    let start = Self.now(clock)
                    sink += subnet.forwardTimingParts(input) { ends[$0] = Self.now(clock) }.storage[0]
                    passTimes[c].append((0..<parts).map { Double(ends[$0] - ($0 == 0 ? start : ends[$0 - 1])) / 1e6 })
                }
            }
            progress(round + 1, rounds)
        }
        blackHole(sink)
        // Each sub-network's representative pass: the parts of its median (fastest, mean) whole pass, so its parts
        // add up to the statistic of its whole passes — a median of each part alone would leave out the slow
        // stretches (preemptions, cache refills) that most whole passes contain but most short parts do not.
        let statistic = settings.statistic
        var fixedSamples = [[Double]](repeating: [], count: 5) // stem, first block, final expand, pool, head
        var blockSamples = [[Double]](repeating: [], count: plan.blockSlots * kernels.count * ratios.count)
        for (c, passes) in passTimes.enumerated() {
            let parts = passes[0].count
            let chosen: [[Double]]
            switch statistic {
            case .mean: chosen = passes
            case .minimum: chosen = [passes.min { $0.reduce(0, +) < $1.reduce(0, +) }!]
            case .median:
                let sorted = passes.sorted { $0.reduce(0, +) < $1.reduce(0, +) }, m = sorted.count / 2
                chosen = sorted.count % 2 == 1 ? [sorted[m]] : [sorted[m - 1], sorted[m]]
            }
            let representative = (0..<parts).map { part in chosen.map { $0[part] }.reduce(0, +) / Double(chosen.count) }
            fixedSamples[0].append(representative[0])
            fixedSamples[1].append(representative[1])
            for (i, variant) in activeVariants[c].enumerated() { blockSamples[variant].append(representative[i + 2]) }
            for k in 0..<3 { fixedSamples[2 + k].append(representative[parts - 3 + k]) }
        }
        // Across the sub-networks a part ran in: the median (the mean for `.mean`, which stays additive).
        let across: LatencyTableSettings.Statistic = statistic == .mean ? .mean : .median
        let fixed = BlockLatencyTable.FixedParts(stem: across.of(fixedSamples[0]), firstBlock: across.of(fixedSamples[1]),
                                                 finalExpand: across.of(fixedSamples[2]), pool: across.of(fixedSamples[3]),
                                                 head: across.of(fixedSamples[4]))
        var blocks: [BlockLatencyTable.BlockTime] = []
        for (index, slot) in plan.slots.enumerated() {
            for expandRatio in ratios {
                for kernel in kernels {
                    let v = variantIndex(slot: index, kernel: kernel, expandRatio: expandRatio)
                    blocks.append(.init(slot: index, stage: slot.stage, position: slot.position, kernel: kernel, expandRatio: expandRatio,
                                        milliseconds: across.of(blockSamples[v]), measuredAt: index,
                                        samples: blockSamples[v].count * settings.repeats, subnetworks: blockSamples[v].count))
                }
            }
        }
        return BlockLatencyTable(format: BlockLatencyTable.formatName, formatVersion: BlockLatencyTable.currentFormatVersion, space: space,
                                 planSignature: plan.signature, stages: plan.stages, maxDepth: plan.maxDepth, kernelSizes: kernels,
                                 expandRatios: ratios, settings: settings, machine: .current, fixed: fixed, blocks: blocks)
    }

    /// Times every block variant and the fixed parts alone, each on the activation the largest sub-network feeds it.
    func buildIsolatedTable(space: String, progress: (Int, Int) -> Void) -> BlockLatencyTable {
        let plan = network.plan
        let threads = settings.threads
        let mode = ForwardMode.inference
        var stemActivation = Activation(.hardSwish), finalActivation = Activation(.hardSwish), mixActivation = Activation(.hardSwish)
        var pool = GlobalAveragePool()
        var stem = network.stem, stemNorm = network.stemNorm
        stem.threads = threads
        stemNorm.threads = threads
        var firstBlock = network.firstBlock
        firstBlock.setThreads(threads)
        var finalExpand = network.finalExpand, finalNorm = network.finalNorm
        finalExpand.threads = threads
        finalNorm.threads = threads
        var featureMix = network.featureMix, classifier = network.classifier
        featureMix.threads = threads
        classifier.threads = threads

        // The activations flowing through the largest sub-network: each part's input.
        func stemForward() -> Tensor { stemActivation.forward(stemNorm.forward(stem.forward(input, mode: mode), mode: mode), mode: mode) }
        let stemOutput = stemForward()
        let firstOutput = firstBlock.forward(stemOutput, mode: mode)
        var slotInputs: [Tensor] = []
        var x = firstOutput
        for slot in plan.slots.indices {
            slotInputs.append(x)
            var block = network.blocks[slot].materialize(kernel: plan.kernelSizes.max()!, expandRatio: plan.expandRatios.max()!)
            block.setThreads(threads)
            x = block.forward(x, mode: mode)
        }
        let lastOutput = x
        func finalForward() -> Tensor { finalActivation.forward(finalNorm.forward(finalExpand.forward(lastOutput, mode: mode), mode: mode), mode: mode) }
        let finalOutput = finalForward()
        let pooled = pool.forward(finalOutput, mode: mode)
        func headForward() -> Tensor { classifier.forward(mixActivation.forward(featureMix.forward(pooled, mode: mode), mode: mode), mode: mode) }

        /// What fixes a block's computation besides its kernel and expand ratio.
        struct Shape: Hashable {
            var inChannels, outChannels, stride: Int
            var squeezeExcitation: Bool
            var activation: ActivationKind
            var inputShape: [Int]
        }
        var timedSlot: [Shape: Int] = [:]
        var measuredAt: [Int] = []
        /// The block variants timed: slot, kernel, expand ratio.
        var variants: [(slot: Int, kernel: Int, expandRatio: Int)] = []
        for (index, slot) in plan.slots.enumerated() {
            let shape = Shape(inChannels: slot.inChannels, outChannels: slot.outChannels, stride: slot.stride,
                              squeezeExcitation: slot.squeezeExcitation, activation: slot.activation, inputShape: slotInputs[index].shape)
            let at = timedSlot[shape] ?? index
            timedSlot[shape] = at
            measuredAt.append(at)
            if at == index {
                for expandRatio in plan.expandRatios {
                    for kernel in plan.kernelSizes { variants.append((index, kernel, expandRatio)) }
                }
            }
        }
        let fixedNames = ["stem", "first block", "final expand", "pool", "head"]
        let times = medianMilliseconds(of: fixedNames.count + variants.count, progress: progress) { part -> TimedPass in
            switch part {
            case 0: return TimedPass(before: evictingCaches(keeping: input)) { stemForward().storage[0] }
            case 1:
                var block = firstBlock
                return TimedPass(before: evictingCaches(keeping: stemOutput)) { block.forward(stemOutput, mode: mode).storage[0] }
            case 2: return TimedPass(before: evictingCaches(keeping: lastOutput)) { finalForward().storage[0] }
            case 3: return TimedPass(before: evictingCaches(keeping: finalOutput)) { pool.forward(finalOutput, mode: mode).storage[0] }
            case 4: return TimedPass(before: evictingCaches(keeping: pooled)) { headForward().storage[0] }
            default:
                let variant = variants[part - fixedNames.count]
                var block = network.blocks[variant.slot].materialize(kernel: variant.kernel, expandRatio: variant.expandRatio)
                block.setThreads(threads)
                let blockInput = slotInputs[variant.slot]
                return TimedPass(before: evictingCaches(keeping: blockInput)) { block.forward(blockInput, mode: mode).storage[0] }
            }
        }
        let fixed = BlockLatencyTable.FixedParts(stem: times[0], firstBlock: times[1], finalExpand: times[2], pool: times[3], head: times[4])
        var timeOf: [[Int]: Double] = [:]
        for (i, variant) in variants.enumerated() { timeOf[[variant.slot, variant.kernel, variant.expandRatio]] = times[fixedNames.count + i] }
        var blocks: [BlockLatencyTable.BlockTime] = []
        for (index, slot) in plan.slots.enumerated() {
            for expandRatio in plan.expandRatios {
                for kernel in plan.kernelSizes {
                    blocks.append(.init(slot: index, stage: slot.stage, position: slot.position, kernel: kernel, expandRatio: expandRatio,
                                        milliseconds: timeOf[[measuredAt[index], kernel, expandRatio]]!, measuredAt: measuredAt[index],
                                        samples: settings.repeats, subnetworks: 0))
                }
            }
        }

        return BlockLatencyTable(format: BlockLatencyTable.formatName, formatVersion: BlockLatencyTable.currentFormatVersion, space: space,
                                 planSignature: plan.signature, stages: plan.stages, maxDepth: plan.maxDepth, kernelSizes: plan.kernelSizes,
                                 expandRatios: plan.expandRatios, settings: settings, machine: .current, fixed: fixed, blocks: blocks)
    }

    /// Median milliseconds of one inference forward pass of each configuration's extracted static network, timed
    /// round-robin.
    public func measure(_ configs: [SubnetConfig], progress: (Int, Int) -> Void = { _, _ in }) -> [Double] {
        medianMilliseconds(of: configs.count, progress: progress) { i in
            var subnet = network.extract(configs[i])
            subnet.setThreads(settings.threads)
            let input = self.input
            return TimedPass { subnet.forward(input, mode: .inference).storage[0] }
        }
    }

    /// Predicted against measured latency of `count` random sub-networks drawn with `seed` (measured with this
    /// measurement's settings).
    public func check(_ table: BlockLatencyTable, lookup: BlockLatencyTable.Lookup, count: Int, seed: UInt64,
                      progress: (Int, Int) -> Void = { _, _ in }) -> LatencyTableCheck {
        var random = SeededRandom(seed: seed)
        let configs = (0..<count).map { _ in SubnetConfig.random(network.plan, using: &random) }
        let measured = measure(configs, progress: progress)
        return LatencyTableCheck(rows: configs.indices.map { .init(config: configs[$0], predicted: table.predict(configs[$0], lookup: lookup), measured: measured[$0]) })
    }
}

/// A lookup table's predictions against measured whole-network latencies.
public struct LatencyTableCheck: Sendable {
    public struct Row: Sendable {
        public var config: SubnetConfig
        public var predicted: Double
        public var measured: Double
    }

    /// One row per sub-network, in drawing order.
    public var rows: [Row]

    /// Mean absolute percentage error of the predictions, percent.
    public var mape: Double {
        RegressionMetrics.meanAbsolutePercentageError(actual: rows.map(\.measured), predicted: rows.map(\.predicted))
    }
    /// Kendall's τ-b between predicted and measured.
    public var kendall: Double { RegressionMetrics.kendallTau(rows.map(\.measured), rows.map(\.predicted)) }
    /// Spearman's ρ between predicted and measured.
    public var spearman: Double { RegressionMetrics.spearmanRho(rows.map(\.measured), rows.map(\.predicted)) }
    /// Mean of predicted / measured (below 1: the sum of blocks misses per-network overhead).
    public var meanRatio: Double { rows.map { $0.predicted / $0.measured }.reduce(0, +) / Double(max(rows.count, 1)) }
}

/// Keeps a value alive so the work producing it is not optimised away.
@inline(never) func blackHole(_ value: Float) { blackHoleSink = value }
nonisolated(unsafe) private var blackHoleSink: Float = 0

extension MBConvBlock {
    /// Sets the worker threads of every layer.
    mutating func setThreads(_ threads: Int) {
        expand?.threads = threads
        expandNorm?.threads = threads
        depthwise.threads = threads
        depthwiseNorm.threads = threads
        squeezeExcitation?.reduce.threads = threads
        squeezeExcitation?.expand.threads = threads
        project.threads = threads
        projectNorm.threads = threads
    }
}

extension MobileNetV3 {
    /// Sets the worker threads of every layer.
    mutating func setThreads(_ threads: Int) {
        stem.threads = threads
        stemNorm.threads = threads
        for i in blocks.indices { blocks[i].setThreads(threads) }
        finalExpand.threads = threads
        finalNorm.threads = threads
        featureMix.threads = threads
        classifier.threads = threads
    }
}
