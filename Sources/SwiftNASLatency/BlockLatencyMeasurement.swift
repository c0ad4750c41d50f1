import Foundation
import SwiftNASCore
import SwiftNASEngine
import SwiftNASPredictors
import SwiftNASSupernet

/// Times the parts of an elastic MobileNetV3 in isolation (building a `BlockLatencyTable`) and whole extracted
/// sub-networks (checking one), with inference forward passes on this machine.
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
    }

    /// Median milliseconds of `body` over `settings.repeats` calls after `settings.warmup` untimed ones. `body`
    /// returns a value of its result so that the work cannot be dropped.
    public func medianMilliseconds(_ body: () -> Float) -> Double {
        var sink: Float = 0
        for _ in 0..<settings.warmup { sink += body() }
        var samples: [Double] = []
        samples.reserveCapacity(settings.repeats)
        let clock = ContinuousClock()
        for _ in 0..<settings.repeats {
            let start = clock.now
            sink += body()
            let elapsed = start.duration(to: clock.now)
            samples.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
        }
        blackHole(sink)
        samples.sort()
        let m = samples.count / 2
        return samples.count % 2 == 1 ? samples[m] : (samples[m - 1] + samples[m]) / 2
    }

    /// Times every block variant and the fixed parts; `progress` is told each part's name and time as it is done.
    public func buildTable(space: String, progress: (String, Double) -> Void = { _, _ in }) -> BlockLatencyTable {
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

        var fixed = BlockLatencyTable.FixedParts(stem: 0, firstBlock: 0, finalExpand: 0, pool: 0, head: 0)
        fixed.stem = medianMilliseconds { stemForward().storage[0] }
        progress("stem", fixed.stem)
        fixed.firstBlock = medianMilliseconds { firstBlock.forward(stemOutput, mode: mode).storage[0] }
        progress("first block", fixed.firstBlock)

        /// What fixes a block's computation besides its kernel and expand ratio.
        struct Shape: Hashable {
            var inChannels, outChannels, stride: Int
            var squeezeExcitation: Bool
            var activation: ActivationKind
            var inputShape: [Int]
        }
        var timedSlot: [Shape: Int] = [:]
        var times: [Int: [Int: [Int: Double]]] = [:]   // slot → kernel → expand ratio → ms
        var blocks: [BlockLatencyTable.BlockTime] = []
        for (index, slot) in plan.slots.enumerated() {
            let shape = Shape(inChannels: slot.inChannels, outChannels: slot.outChannels, stride: slot.stride,
                              squeezeExcitation: slot.squeezeExcitation, activation: slot.activation, inputShape: slotInputs[index].shape)
            let measuredAt = timedSlot[shape] ?? index
            timedSlot[shape] = measuredAt
            for expandRatio in plan.expandRatios {
                for kernel in plan.kernelSizes {
                    let milliseconds: Double
                    if measuredAt != index, let earlier = times[measuredAt]?[kernel]?[expandRatio] {
                        milliseconds = earlier
                    } else {
                        var block = network.blocks[index].materialize(kernel: kernel, expandRatio: expandRatio)
                        block.setThreads(threads)
                        let blockInput = slotInputs[index]
                        milliseconds = medianMilliseconds { block.forward(blockInput, mode: mode).storage[0] }
                        progress("stage \(slot.stage) position \(slot.position) k\(kernel) e\(expandRatio)", milliseconds)
                    }
                    times[index, default: [:]][kernel, default: [:]][expandRatio] = milliseconds
                    blocks.append(.init(slot: index, stage: slot.stage, position: slot.position, kernel: kernel, expandRatio: expandRatio,
                                        milliseconds: milliseconds, measuredAt: measuredAt))
                }
            }
        }

        fixed.finalExpand = medianMilliseconds { finalForward().storage[0] }
        progress("final expand", fixed.finalExpand)
        fixed.pool = medianMilliseconds { pool.forward(finalOutput, mode: mode).storage[0] }
        progress("pool", fixed.pool)
        fixed.head = medianMilliseconds { headForward().storage[0] }
        progress("head", fixed.head)

        return BlockLatencyTable(format: BlockLatencyTable.formatName, formatVersion: BlockLatencyTable.currentFormatVersion, space: space,
                                 planSignature: plan.signature, stages: plan.stages, maxDepth: plan.maxDepth, kernelSizes: plan.kernelSizes,
                                 expandRatios: plan.expandRatios, settings: settings, machine: .current, fixed: fixed, blocks: blocks)
    }

    /// Median milliseconds of one inference forward pass of `config`'s extracted static network.
    public func measure(_ config: SubnetConfig) -> Double {
        var subnet = network.extract(config)
        subnet.setThreads(settings.threads)
        return medianMilliseconds { subnet.forward(input, mode: .inference).storage[0] }
    }

    /// Predicted against measured latency of `count` random sub-networks drawn with `seed` (each measured with
    /// this measurement's settings); `progress` is told each sub-network's index, prediction and measurement.
    public func check(_ table: BlockLatencyTable, lookup: BlockLatencyTable.Lookup, count: Int, seed: UInt64,
                      progress: (Int, Double, Double) -> Void = { _, _, _ in }) -> LatencyTableCheck {
        var random = SeededRandom(seed: seed)
        var rows: [LatencyTableCheck.Row] = []
        for i in 0..<count {
            let config = SubnetConfig.random(network.plan, using: &random)
            let predicted = table.predict(config, lookup: lookup)
            let measured = measure(config)
            progress(i, predicted, measured)
            rows.append(.init(config: config, predicted: predicted, measured: measured))
        }
        return LatencyTableCheck(rows: rows)
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
