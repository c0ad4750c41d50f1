import Foundation
import SwiftNASCore
import SwiftNASCosts
import SwiftNASEngine
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet

/// `builtin:fashion_mbv3`: measures sub-networks of SwiftNAS's native Fashion-MNIST super-network, with no
/// Python: `accuracy_top1` (percent, on the search-validation split after batch-norm re-calibration),
/// `macs` and `params` (exact counts), `model_size` (bytes of fp32 weights) and `latency` (milliseconds on
/// this machine: median of timed inference passes after warm-up).
///
/// Options (`builtin:fashion_mbv3?batch=1&threads=2`): `checkpoint` (default: the embedded one),
/// `images` (validation images used for accuracy, default all 5 000), `calibration` (re-calibration
/// images, default 2 000), `batch` (latency batch size, default 1), `threads` (latency threads, default
/// all cores), `warmup` (default 3), `repeats` (default 15).
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
    let options: EvaluatorOptions
    /// Runs one measurement at a time: the engine already uses every core, and concurrent runs would
    /// distort each other's latency.
    let exclusive = ExclusiveRunner()

    public init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {
        let source = "builtin:\(Self.name)"
        guard space == FashionMBV3Supernetwork().space else {
            throw InputError(source: source, "measures only the '\(Self.name)' space, not '\(space.name)'")
        }
        let known: Set<String> = ["checkpoint", "images", "calibration", "batch", "threads", "warmup", "repeats"]
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
        costs = try MobileNetV3Costs(space: space, layout: .init(plan: .fashionMBV3))
        self.space = space
        self.options = options
    }

    public var identity: String {
        options.isEmpty ? "builtin:\(Self.name)" : "builtin:\(Self.name)?" + options.keys.sorted().map { "\($0)=\(options[$0]!)" }.joined(separator: "&")
    }

    public var supportedMetrics: Set<String>? { Self.metrics }

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
        let counted = costs.costs(of: configuration)
        var result: [String: Double] = [:]
        for metric in metrics where metric != "accuracy_top1" && metric != "latency" {
            guard let value = counted.value(of: metric) else { throw EvaluationFailure("\(identity) cannot measure '\(metric)'") }
            result[metric] = value
        }
        let wantsAccuracy = metrics.contains("accuracy_top1"), wantsLatency = metrics.contains("latency")
        guard wantsAccuracy || wantsLatency else { return result }
        let measured = await exclusive.run { [supernet, validation, calibration, latencySettings] in
            var network = supernet.extract(config)
            var values: [String: Double] = [:]
            if wantsAccuracy {
                values["accuracy_top1"] = 100 * SubnetMeasurement.accuracy(of: &network, calibration: calibration, test: validation)
            }
            if wantsLatency {
                var random = SeededRandom(seed: 0)  // batches without augmentation draw nothing
                let input = validation.batch((0..<latencySettings.batch).map { $0 % validation.count }, random: &random).images
                values["latency"] = SubnetMeasurement.latency(of: &network, input: input, warmup: latencySettings.warmup,
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
    func run<T: Sendable>(_ body: @Sendable () -> T) -> T { body() }
}
