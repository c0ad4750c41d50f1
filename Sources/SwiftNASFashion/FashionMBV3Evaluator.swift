import Foundation
import SwiftNASCore
import SwiftNASCosts
import SwiftNASEngine
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet

/// `builtin:fashion_mbv3`: measures sub-networks of SwiftNAS's native Fashion-MNIST super-network, with no
/// Python: `accuracy_top1` (percent, on the search-validation split after batch-norm re-calibration),
/// `macs` and `params` (exact counts), `model_size` (bytes of the weights) and `latency` (milliseconds on
/// this machine: median of timed inference passes after warm-up).
///
/// It measures both `fashion_mbv3` and `fashion_mbv3_quant`. In the latter, blocks and the head marked `int8` are
/// quantized after re-calibration (post-training, `MixedPrecisionMobileNetV3`: per-channel int8 weights, per-tensor
/// uint8 activations calibrated on re-calibration images) and run on the int8 kernels for accuracy and latency;
/// `model_size` counts each part at its precision.
///
/// Options (`builtin:fashion_mbv3?batch=1&threads=2`): `checkpoint` (default: the embedded one),
/// `images` (validation images used for accuracy, default all 5 000), `calibration` (re-calibration
/// images, default 2 000), `batch` (latency batch size, default 1), `threads` (latency threads, default
/// all cores), `warmup` (default 3), `repeats` (default 15); for quantized sub-networks `quantization-images`
/// (the first re-calibration images that set the activation ranges, default 256) and `quantization` (`minmax`, the
/// default, or a percentile such as `99.99`).
public struct FashionMBV3Evaluator: BuiltinEvaluator {
    public static let name = "fashion_mbv3"
    public static let summary = "native Fashion-MNIST super-network: accuracy_top1, macs, params, model_size, latency (ms, this machine)"

    /// The metrics this evaluator measures.
    public static let metrics: Set<String> = ["accuracy_top1", "macs", "params", "model_size", "latency"]

    /// Latency settings.
    public struct LatencySettings: Sendable, Equatable {
        public var batch = 1, threads = Parallel.defaultThreads, warmup = 3, repeats = 15
    }

    let supernet: ElasticMobileNetV3
    let validation: ImageDataset
    let calibration: ImageDataset
    let costs: MobileNetV3Costs
    let latencySettings: LatencySettings
    let space: SearchSpace
    /// The parameters giving each block's precision and the head's (`fashion_mbv3_quant`), or nil.
    let precisionParameters: (blocks: Int, head: Int)?
    /// The images that set the activation ranges of quantized layers.
    let quantizationImages: Tensor
    /// How those ranges are chosen.
    let quantizationMethod: RangeObserver.Method
    let options: EvaluatorOptions
    /// Runs one measurement at a time: the engine already uses every core, and concurrent runs would
    /// distort each other's latency.
    let exclusive = ExclusiveRunner()

    public init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {
        let source = "builtin:\(Self.name)"
        let measurable = [FashionMBV3Supernetwork().space, FashionMBV3QuantSupernetwork().space]
        guard measurable.contains(space) else {
            throw InputError(source: source, "measures only the \(measurable.map { "'\($0.name)'" }.joined(separator: " and ")) spaces, not '\(space.name)'")
        }
        let known: Set<String> = ["checkpoint", "images", "calibration", "batch", "threads", "warmup", "repeats",
                                  "quantization-images", "quantization"]
        if let unknown = options.keys.sorted().first(where: { !known.contains($0) }) {
            throw InputError(source: source, field: unknown, "unknown option (options: \(known.sorted().joined(separator: ", ")))")
        }
        func count(_ key: String, default value: Int, minimum: Int = 1) throws -> Int {
            guard let text = options[key] else { return value }
            guard let number = Int(text), number >= minimum else { throw InputError(source: source, field: key, "'\(text)' is not an integer ≥ \(minimum)") }
            return number
        }
        EngineMemory.retainFreedBuffers()
        let checkpointPath = try options["checkpoint"] ?? EmbeddedSupernet.path(EmbeddedSupernet.checkpointFile)
        let checkpoint = try Checkpoint(contentsOf: checkpointPath)
        var network = ElasticMobileNetV3(plan: .fashionMBV3, seed: 0)
        try network.restore(from: checkpoint, ignoringPrefixes: ["optimizer."], source: checkpointPath)
        supernet = network
        let fullValidation = try EmbeddedSupernet.validation()
        let images = try count("images", default: fullValidation.count)
        validation = fullValidation.subset(Array(0..<min(images, fullValidation.count)))
        let fullCalibration = try EmbeddedSupernet.calibration()
        calibration = fullCalibration.subset(Array(0..<min(try count("calibration", default: fullCalibration.count), fullCalibration.count)))
        var latency = LatencySettings()
        latency.batch = try count("batch", default: latency.batch)
        latency.threads = try count("threads", default: latency.threads)
        latency.warmup = try count("warmup", default: latency.warmup, minimum: 0)
        latency.repeats = try count("repeats", default: latency.repeats)
        latencySettings = latency
        let quantizationCount = min(try count("quantization-images", default: 256), calibration.count)
        var random = SeededRandom(seed: 0)  // batches without augmentation draw nothing
        quantizationImages = calibration.batch(Array(0..<quantizationCount), random: &random).images
        quantizationMethod = try Self.rangeMethod(options["quantization"], source: source)
        precisionParameters = space.parameterIndex("q").flatMap { q in space.parameterIndex("q_head").map { (q, $0) } }
        costs = try MobileNetV3Costs(space: space, layout: .init(plan: .fashionMBV3))
        self.space = space
        self.options = options
    }

    public var identity: String {
        options.isEmpty ? "builtin:\(Self.name)" : "builtin:\(Self.name)?" + options.keys.sorted().map { "\($0)=\(options[$0]!)" }.joined(separator: "&")
    }

    public var supportedMetrics: Set<String>? { Self.metrics }

    /// The `quantization` option: `minmax` (the default) or a percentile in (50, 100].
    static func rangeMethod(_ text: String?, source: String) throws -> RangeObserver.Method {
        guard let text, text != "minmax" else { return .minMax }
        guard let percentile = Double(text), percentile > 50, percentile <= 100 else {
            throw InputError(source: source, field: "quantization", "'\(text)' is neither 'minmax' nor a percentile in (50, 100]")
        }
        return .percentile(percentile)
    }

    /// The precision of each block of the extracted sub-network (the fixed first block is fp32) and of its head, or
    /// nil when everything runs in fp32.
    func precisions(_ configuration: Configuration, _ config: SubnetConfig) throws -> (blocks: [BlockPrecision], head: BlockPrecision)? {
        guard let parameters = precisionParameters else { return nil }
        func precision(_ parameter: Int, _ gene: Int) throws -> BlockPrecision {
            let values = space.parameters[parameter].values, index = configuration.indices[space.geneOffsets[parameter] + gene]
            guard values.indices.contains(index), let precision = BlockPrecision(rawValue: values[index].description) else {
                throw EvaluationFailure("\(space.parameters[parameter].name)[\(gene)] is not a precision of space '\(space.name)'")
            }
            return precision
        }
        var blocks: [BlockPrecision] = [.fp32]
        for slot in 0..<supernet.plan.blockSlots where config.isActive(slot: slot, plan: supernet.plan) {
            blocks.append(try precision(parameters.blocks, slot))
        }
        let head = try precision(parameters.head, 0)
        return blocks.contains(.int8) || head == .int8 ? (blocks, head) : nil
    }

    /// The super-network configuration `configuration` selects.
    func subnet(_ configuration: Configuration) throws -> SubnetConfig {
        do {
            return try SubnetConfig(configuration, in: space, plan: supernet.plan, source: "configuration")
        } catch {
            throw EvaluationFailure("\(error)")
        }
    }

    public func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        guard configuration.indices.count == space.geneCount else {
            throw EvaluationFailure("configuration does not fit space '\(space.name)'")
        }
        let config = try subnet(configuration)
        let precisions = try self.precisions(configuration, config)
        let counted = costs.costs(of: configuration)
        var result: [String: Double] = [:]
        for metric in metrics where metric != "accuracy_top1" && metric != "latency" {
            guard let value = counted.value(of: metric) else { throw EvaluationFailure("\(identity) cannot measure '\(metric)'") }
            result[metric] = value
        }
        let wantsAccuracy = metrics.contains("accuracy_top1"), wantsLatency = metrics.contains("latency")
        guard wantsAccuracy || wantsLatency else { return result }
        let measured = try await exclusive.run { [supernet, validation, calibration, latencySettings, quantizationImages, quantizationMethod] in
            var network = supernet.extract(config)
            SubnetMeasurement.recalibrate(&network, on: calibration)
            let classifier: any ImageClassifier = try precisions.map {
                try MixedPrecisionMobileNetV3(network, precisions: $0.blocks, head: $0.head, calibration: quantizationImages,
                                              method: quantizationMethod)
            } ?? network
            var values: [String: Double] = [:]
            if wantsAccuracy {
                values["accuracy_top1"] = 100 * SubnetMeasurement.accuracy(of: classifier, on: validation)
            }
            if wantsLatency {
                var random = SeededRandom(seed: 0)  // batches without augmentation draw nothing
                let input = validation.batch((0..<latencySettings.batch).map { $0 % validation.count }, random: &random).images
                values["latency"] = SubnetMeasurement.latency(of: classifier, input: input, warmup: latencySettings.warmup,
                                                              repeats: latencySettings.repeats, threads: latencySettings.threads)
            }
            return values
        }
        result.merge(measured) { _, new in new }
        return result
    }
}

/// Runs closures one at a time.
actor ExclusiveRunner {
    func run<T: Sendable>(_ body: @Sendable () throws -> T) throws -> T { try body() }
}
