import Foundation
import SwiftNASCore
import SwiftNASEngine
import SwiftNASSupernet

/// Inference (forward only, `.inference` mode) of three sub-networks extracted from the `fashion_mbv3`
/// super-network — smallest, a fixed median (k = 5, e = 4, d = 3 everywhere) and largest — at batch 1 and
/// batch 256, on `min(--threads, cores)` threads. Each case is the median of several timed passes after
/// warm-up passes. Weights are random (seeded): the time does not depend on their values.
///
/// `benchmarks/engine_infer.py` builds the same static networks in PyTorch; `benchmarks/engine_infer.sh`
/// runs both and prints the ratio.
struct InferenceBench: Benchmark {
    static let name = "engine-infer"
    static let timesItself = true

    /// The three configurations, by name.
    static let configurations: [(name: String, config: SubnetConfig)] = {
        let plan = SupernetPlan.fashionMBV3
        let median = SubnetConfig(kernelSizes: Array(repeating: 5, count: plan.blockSlots),
                                  expandRatios: Array(repeating: 4, count: plan.blockSlots),
                                  depths: Array(repeating: 3, count: plan.stages))
        return [("smallest", .smallest(plan)), ("median", median), ("largest", .largest(plan))]
    }()

    /// Batch sizes with their warm-up and timed pass counts.
    static let batches: [(size: Int, warmup: Int, repeats: Int)] = [(1, 20, 101), (256, 3, 7)]

    let networks: [(name: String, network: MobileNetV3)]
    let inputs: [Tensor]

    init() {
        let supernet = ElasticMobileNetV3(plan: .fashionMBV3, seed: 1)
        networks = Self.configurations.map { ($0.name, supernet.extract($0.config)) }
        var random = SeededRandom(seed: 7)
        inputs = Self.batches.map { Tensor.randomNormal(shape: [$0.size, 28, 28, 1], using: &random) }
    }

    func run() -> String {
        let threads = min(Parallel.threadLimit, Parallel.defaultThreads)
        var parts: [String] = []
        for (name, network) in networks {
            var counted = network, params = 0
            counted.visitParameters { params += $0.value.count }
            parts.append("\(name)/params=\(params)")
            for (b, batch) in Self.batches.enumerated() {
                var net = network
                let (wall, cpu) = Self.time(&net, input: inputs[b], warmup: batch.warmup, repeats: batch.repeats, threads: threads)
                parts.append(String(format: "%@/%d/%d=%.4f,%.4f", name, batch.size, threads, wall, cpu))
            }
        }
        return parts.joined(separator: " ")
    }

    /// Median wall-clock and median process-CPU milliseconds of `repeats` inference passes after `warmup`
    /// untimed ones, on at most `threads` threads. (The CPU figure is what the passes cost when other
    /// processes share the cores; `SubnetMeasurement.latency` times the wall clock the same way.)
    static func time(_ network: inout MobileNetV3, input: Tensor, warmup: Int, repeats: Int, threads: Int) -> (wall: Double, cpu: Double) {
        time(warmup: warmup, repeats: repeats, threads: threads) { _ = network.forward(input, mode: .inference) }
    }

    /// Median wall-clock and process-CPU milliseconds of `repeats` calls of `pass` after `warmup` untimed ones.
    static func time(warmup: Int, repeats: Int, threads: Int, _ pass: () -> Void) -> (wall: Double, cpu: Double) {
        Parallel.$threadLimit.withValue(threads) {
            for _ in 0..<warmup { pass() }
            var wall: [Double] = [], cpu: [Double] = []
            for _ in 0..<repeats {
                let c0 = processCPUSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
                pass()
                wall.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                cpu.append((processCPUSeconds() - c0) * 1e3)
            }
            return (median(wall), median(cpu))
        }
    }

    static func median(_ values: [Double]) -> Double {
        let v = values.sorted()
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }
}

/// The three `engine-infer` sub-networks with every block and the head in int8 (`MixedPrecisionMobileNetV3`: pointwise
/// and depthwise convolutions, squeeze-and-excitation's pooling and gating, final expansion and feature mix int8;
/// squeeze-and-excitation's gate layers, stem and classifier fp32)
/// against fp32, at batch 1 and 256 on `min(--threads, cores)` threads, both as the evaluator runs them
/// (`classScores(splittingBatch:)`: a batch of 256 split into one share per thread): median wall-clock
/// milliseconds of each, their ratio, and the weight bytes of each.
struct Int8InferenceBench: Benchmark {
    static let name = "engine-int8-infer"
    static let timesItself = true

    init() {}

    func run() -> String {
        let threads = min(Parallel.threadLimit, Parallel.defaultThreads)
        let supernet = ElasticMobileNetV3(plan: .fashionMBV3, seed: 1)
        var random = SeededRandom(seed: 7)
        let calibration = Tensor.randomNormal(shape: [64, 28, 28, 1], using: &random)
        let inputs = InferenceBench.batches.map { Tensor.randomNormal(shape: [$0.size, 28, 28, 1], using: &random) }
        var parts: [String] = []
        for (name, config) in InferenceBench.configurations {
            var network = supernet.extract(config)
            network.resetRunningStatistics()
            _ = network.forward(calibration, mode: .recalibration)
            let precisions = [BlockPrecision](repeating: .int8, count: network.blocks.count)
            guard var mixed = try? MixedPrecisionMobileNetV3(network, precisions: precisions, head: .int8, calibration: calibration) else {
                return "error: cannot quantize \(name)"
            }
            let parameters = network.parameterCount()
            parts.append("\(name)/bytes=\(4 * parameters),\(mixed.weightBytes)")
            for (b, batch) in InferenceBench.batches.enumerated() {
                let fp32 = InferenceBench.time(warmup: batch.warmup, repeats: batch.repeats, threads: threads) {
                    _ = network.classScores(splittingBatch: inputs[b])
                }
                let int8 = InferenceBench.time(warmup: batch.warmup, repeats: batch.repeats, threads: threads) {
                    _ = mixed.classScores(splittingBatch: inputs[b])
                }
                parts.append(String(format: "%@/%d/%d=fp32:%.3f,int8:%.3f,ratio:%.2f", name, batch.size, threads, fp32.wall, int8.wall,
                                    int8.wall / fp32.wall))
            }
        }
        return "kernel=\(Int8Gemm.Kernel.best.rawValue) " + parts.joined(separator: " ")
    }
}
