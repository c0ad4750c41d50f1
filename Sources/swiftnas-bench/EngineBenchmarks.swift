import Foundation
import SwiftNASCore
import SwiftNASEngine
import SwiftNASSupernet

/// Peak fp32 throughput of this machine: cores × clock × 32 FLOP/cycle (two 8-lane FMA pipes, AVX2).
///
/// The clock is the `cpu MHz` line of /proc/cpuinfo (under KVM the nominal TSC clock; boost is not
/// visible, so the percentage can be optimistic if the host boosts).
struct CPUPeak {
    var cores: Int
    var gigahertz: Double
    var flopsPerCycle: Double = 32
    var gflops: Double { Double(cores) * gigahertz * flopsPerCycle }

    static func read(threads: Int) -> CPUPeak {
        let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let mhz = text.split(separator: "\n").first { $0.hasPrefix("cpu MHz") }
            .flatMap { $0.split(separator: ":").last }
            .flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        return CPUPeak(cores: threads, gigahertz: mhz / 1000)
    }
}

/// A square-ish GEMM timed inside `run()` so the result can state GFLOP/s and the share of peak.
protocol GemmBenchmark: Benchmark {
    static var size: (m: Int, n: Int, k: Int) { get }
    static var threads: Int { get }
    var a: [Float] { get }
    var b: [Float] { get }
}

extension GemmBenchmark {
    static func operands() -> ([Float], [Float]) {
        var random = SeededRandom(seed: 1)
        let a = (0..<size.m * size.k).map { _ in Float(random.nextUnit() - 0.5) }
        let b = (0..<size.k * size.n).map { _ in Float(random.nextUnit() - 0.5) }
        return (a, b)
    }

    /// Runs the product three times and reports the fastest: wall-clock GFLOP/s against the peak of
    /// `threads` cores, and GFLOP per CPU-second of the process (what each busy core achieved, which is
    /// the fairer figure when other processes share the cores).
    func run() -> String {
        let (m, n, k) = Self.size
        var c = [Float](repeating: 0, count: m * n)
        var bestWall = Double.infinity, bestCPU = Double.infinity
        for _ in 0..<3 {
            let cpuStart = processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            Gemm.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, threads: Self.threads)
            bestWall = min(bestWall, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            bestCPU = min(bestCPU, processCPUSeconds() - cpuStart)
        }
        let flop = 2 * Double(m * n * k)
        let gflops = flop / bestWall / 1e9
        let perCore = flop / bestCPU / 1e9
        let peak = CPUPeak.read(threads: Self.threads)
        let percent = peak.gflops > 0 ? 100 * gflops / peak.gflops : 0
        let corePeak = peak.gflops / Double(peak.cores)
        let corePercent = corePeak > 0 ? 100 * perCore / corePeak : 0
        return String(format: "m=%d n=%d k=%d threads=%d gflops=%.1f peak=%.1f (%d cores x %.3f GHz x 32) percent=%.1f gflops_per_cpu_second=%.1f percent_of_core_peak=%.1f checksum=%.3f",
                      m, n, k, Self.threads, gflops, peak.gflops, peak.cores, peak.gigahertz, percent,
                      perCore, corePercent, c[0] + c[m * n - 1])
    }
}

/// CPU time consumed by every thread of this process so far.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// 1024³ GEMM on all cores.
struct GemmBench: GemmBenchmark {
    static let name = "engine-gemm"
    static let size = (m: 1024, n: 1024, k: 1024)
    static let threads = Parallel.defaultThreads
    let a: [Float], b: [Float]
    init() { (a, b) = Self.operands() }
}

/// 1024³ GEMM on one core.
struct GemmSingleBench: GemmBenchmark {
    static let name = "engine-gemm-1t"
    static let size = (m: 1024, n: 1024, k: 1024)
    static let threads = 1
    let a: [Float], b: [Float]
    init() { (a, b) = Self.operands() }
}

/// A pointwise-convolution-shaped GEMM (96 → 576 channels over a 14×14 map, batch 64 as columns).
struct GemmConvShapeBench: GemmBenchmark {
    static let name = "engine-gemm-pointwise"
    static let size = (m: 576, n: 64 * 196, k: 96)
    static let threads = Parallel.defaultThreads
    let a: [Float], b: [Float]
    init() { (a, b) = Self.operands() }
}

/// Loads the installed Fashion-MNIST (gunzip + IDX parse of all four files).
struct FashionMNISTLoadBench: Benchmark {
    static let name = "engine-fmnist-load"
    init() {}
    func run() -> String {
        do {
            let (train, test) = try ImageDataset.fashionMNIST(directory: "/usr/share/datasets/fashion-mnist")
            return "train=\(train.count) test=\(test.count) \(train.height)x\(train.width)"
        } catch {
            return "error: \(error)"
        }
    }
}

/// One MobileNetV3-style inverted-residual block (1×1 expand, 5×5 depthwise, SE, 1×1 project, BN and
/// h-swish) forward and backward on a 64 × 40 × 14 × 14 batch.
struct InvertedResidualBench: Benchmark {
    static let name = "engine-mbconv"
    let input: Tensor
    let block: Sequential
    init() {
        var random = SeededRandom(seed: 3)
        input = Tensor.randomNormal(shape: [64, 14, 14, 40], using: &random)
        block = Sequential([
            Conv2D(ConvGeometry(inChannels: 40, outChannels: 240, kernel: 1), random: &random),
            BatchNorm2D(channels: 240), Activation(.hardSwish),
            DepthwiseConv2D(channels: 240, kernel: 5, random: &random),
            BatchNorm2D(channels: 240), Activation(.hardSwish),
            SqueezeExcitation(channels: 240, reducedChannels: 64, random: &random),
            Conv2D(ConvGeometry(inChannels: 240, outChannels: 40, kernel: 1), random: &random),
            BatchNorm2D(channels: 40),
        ])
    }
    /// Times each layer's forward and backward pass separately.
    func run() -> String {
        var layers = block.layers
        var x = input
        var forward: [Double] = [], backward: [Double] = []
        for i in layers.indices {
            let start = DispatchTime.now().uptimeNanoseconds
            x = layers[i].forward(x, mode: .training)
            forward.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        var g = x
        for i in layers.indices.reversed() {
            let start = DispatchTime.now().uptimeNanoseconds
            g = layers[i].backward(g)
            backward.insert(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6, at: 0)
        }
        let names = layers.map { String(describing: type(of: $0)) }
        let parts = zip(names, zip(forward, backward)).map { String(format: "%@ %.1f/%.1f", $0.0, $0.1.0, $0.1.1) }
        return String(format: "forward=%.1fms backward=%.1fms ", forward.reduce(0, +), backward.reduce(0, +))
            + parts.joined(separator: ", ")
    }
}

/// The `fashion_mbv3` super-network: one training step (forward + backward) and one inference pass of
/// the largest and the smallest sub-network on a batch of 64 28 × 28 images.
struct SupernetStepBench: Benchmark {
    static let name = "engine-supernet-step"
    let input: Tensor
    let net: ElasticMobileNetV3
    init() {
        var random = SeededRandom(seed: 4)
        input = Tensor.randomNormal(shape: [64, 28, 28, 1], using: &random)
        net = ElasticMobileNetV3(plan: .fashionMBV3, seed: 1)
    }
    func run() -> String {
        var n = net
        var parts: [String] = []
        let labels = (0..<64).map { $0 % 10 }
        for (name, config) in [("largest", SubnetConfig.largest(.fashionMBV3)), ("smallest", SubnetConfig.smallest(.fashionMBV3))] {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let y = n.forward(input, config: config, mode: .training)
            let t1 = DispatchTime.now().uptimeNanoseconds
            _ = n.backward(SoftmaxCrossEntropy().lossAndGradient(logits: y, labels: labels).gradient)
            let t2 = DispatchTime.now().uptimeNanoseconds
            var sub = n.extract(config)
            _ = sub.forward(input, mode: .inference)
            let t3 = DispatchTime.now().uptimeNanoseconds
            parts.append(String(format: "%@: train-forward=%.0fms backward=%.0fms inference=%.0fms", name,
                                Double(t1 - t0) / 1e6, Double(t2 - t1) / 1e6, Double(t3 - t2) / 1e6))
        }
        return parts.joined(separator: "; ")
    }
}

/// Sandwich-rule training steps (largest + smallest + 2 random sub-networks, batch 64) on the installed
/// Fashion-MNIST: seconds per step and the projected time of one epoch over 55 000 images.
struct SupernetTrainStepBench: Benchmark {
    static let name = "engine-supernet-train-step"
    let trainer: SupernetTrainer?
    init() {
        if let (train, _) = try? ImageDataset.fashionMNIST(directory: "/usr/share/datasets/fashion-mnist") {
            let (kept, _) = train.split(holdout: 5000, seed: 0)
            trainer = SupernetTrainer(data: kept, options: SupernetTrainingOptions())
        } else {
            trainer = nil
        }
    }
    func run() -> String {
        guard var t = trainer else { return "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)" }
        let steps = 3
        let cpuStart = processCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        var loss: Float = 0
        for _ in 0..<steps { loss = t.trainStep() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(steps)
        let cpu = (processCPUSeconds() - cpuStart) / Double(steps)
        return String(format: "seconds_per_step=%.2f cpu_seconds_per_step=%.2f steps_per_epoch=%d projected_epoch_minutes=%.0f loss=%.3f",
                      seconds, cpu, t.stepsPerEpoch, seconds * Double(t.stepsPerEpoch) / 60, loss)
    }
}

/// A 7 × 7 depthwise convolution on 64 × 192 × 14 × 14 (stage-2 shape of the largest sub-network):
/// forward and backward, wall and CPU milliseconds, GFLOP per CPU-second.
struct DepthwiseBench: Benchmark {
    static let name = "engine-depthwise"
    let input: Tensor
    let layer: DepthwiseConv2D
    init() {
        var random = SeededRandom(seed: 6)
        input = Tensor.randomNormal(shape: [64, 14, 14, 192], using: &random)
        layer = DepthwiseConv2D(channels: 192, kernel: 7, random: &random)
    }
    func run() -> String {
        var l = layer
        let flop = 2.0 * 64 * 192 * 14 * 14 * 49
        let c0 = processCPUSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
        let y = l.forward(input, mode: .training)
        let c1 = processCPUSeconds(), t1 = DispatchTime.now().uptimeNanoseconds
        _ = l.backward(y)
        let c2 = processCPUSeconds(), t2 = DispatchTime.now().uptimeNanoseconds
        return String(format: "forward wall=%.1fms cpu=%.1fms (%.1f GFLOP/cpu-s); backward wall=%.1fms cpu=%.1fms (%.1f GFLOP/cpu-s)",
                      Double(t1 - t0) / 1e6, (c1 - c0) * 1e3, flop / (c1 - c0) / 1e9,
                      Double(t2 - t1) / 1e6, (c2 - c1) * 1e3, 2 * flop / (c2 - c1) / 1e9)
    }
}

/// Int8 against fp32 on pointwise-convolution shapes of `fashion_mbv3` at batch 256 (rows = images × pixels,
/// k = input channels, n = output channels): the best int8 kernel of this CPU and the fp32 `Gemm`, each the fastest
/// of three runs on `--threads` cores, and their ratio.
struct Int8GemmBench: Benchmark {
    static let name = "engine-int8-gemm"
    static let shapes = [(m: 256 * 196, k: 40, n: 240), (m: 256 * 196, k: 240, n: 40), (m: 256 * 49, k: 96, n: 576),
                         (m: 256 * 49, k: 576, n: 96), (m: 256, k: 576, n: 1024)]
    init() {}

    func run() -> String {
        var random = SeededRandom(seed: 9)
        var parts: [String] = []
        for (m, k, n) in Self.shapes {
            let a = (0..<(m * k)).map { _ in Float(random.nextUnit()) }
            let b = (0..<(k * n)).map { _ in Float(random.nextUnit() - 0.5) }
            let qa = a.map { UInt8(min(127, $0 * 128)) }, qb = b.map { Int8(($0 * 254).rounded()) }
            let weights = Int8Gemm.PackedWeights(k: k, n: n, b: qb)
            var c = [Float](repeating: 0, count: m * n), qc = [Int32](repeating: 0, count: m * n)
            let threads = min(Parallel.defaultThreads, Parallel.threadLimit)
            let fp32 = Self.bestSeconds {
                Gemm.multiply(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, threads: threads)
            }
            let int8 = Self.bestSeconds {
                qa.withUnsafeBufferPointer { ap in
                    qc.withUnsafeMutableBufferPointer { cp in
                        Int8Gemm.multiply(m: m, a: ap.baseAddress!, lda: k, weights: weights, c: cp.baseAddress!, ldc: n, threads: threads)
                    }
                }
            }
            parts.append(String(format: "%dx%dx%d:fp32=%.2fms,int8=%.2fms,ratio=%.2f", m, k, n, fp32 * 1e3, int8 * 1e3, int8 / fp32))
        }
        return "kernel=\(Int8Gemm.Kernel.best.rawValue) " + parts.joined(separator: " ")
    }

    /// The fastest of three runs of `body`, in seconds.
    static func bestSeconds(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}

/// Int8 against fp32 depthwise convolution with its batch norm and h-swish, on `fashion_mbv3`-like shapes at batch
/// 256, each the fastest of three on `--threads` cores: fp32 `DepthwiseConv2D.forward` then `BatchNorm2D` with the
/// h-swish fused; int8 `QuantizedDepthwise` (batch norm folded, input already uint8 levels) writing uint8 levels for
/// the next layer (as in a block without squeeze-and-excitation) and writing floats; and their ratios.
struct Int8DepthwiseBench: Benchmark {
    static let name = "engine-int8-depthwise"
    static let shapes = [(size: 14, channels: 120, kernel: 3, stride: 1), (size: 14, channels: 240, kernel: 5, stride: 1),
                         (size: 7, channels: 576, kernel: 7, stride: 1), (size: 14, channels: 144, kernel: 5, stride: 2)]
    init() {}

    func run() -> String {
        var random = SeededRandom(seed: 10)
        var parts: [String] = []
        let threads = min(Parallel.defaultThreads, Parallel.threadLimit)
        for (size, channels, kernel, stride) in Self.shapes {
            let x = Tensor.randomNormal(shape: [256, size, size, channels], using: &random)
            let weight = Tensor.randomNormal(shape: [channels, 1, kernel, kernel], using: &random)
            let bias = Tensor.randomNormal(shape: [channels], using: &random)
            var float = DepthwiseConv2D(weight: weight, stride: stride)
            float.threads = threads
            var norm = BatchNorm2D(channels: channels), activation = Activation(.hardSwish)
            let quantized = QuantizedDepthwise(weight: weight, bias: bias, stride: stride, input: ActivationQuantization(low: -4, high: 4))
            let next = ActivationQuantization(low: -1, high: 6)
            let levels = x.storage.map { quantized.input.level($0) }
            let out = quantized.geometry.outputSize(size)
            var nextLevels = [UInt8](repeating: 0, count: 256 * out * out * channels)
            var floats = [Float](repeating: 0, count: 256 * out * out * channels)
            let fp32 = Int8GemmBench.bestSeconds {
                _ = norm.forward(float.forward(x, mode: .inference), mode: .inference, then: &activation)
            }
            let int8Levels = Int8GemmBench.bestSeconds {
                levels.withUnsafeBufferPointer { q in
                    nextLevels.withUnsafeMutableBufferPointer { y in
                        quantized.apply(images: 256, height: size, width: size, levels: q.baseAddress!, into: .levels(y.baseAddress!, next),
                                        activation: .hardSwish, threads: threads)
                    }
                }
            }
            let int8Floats = Int8GemmBench.bestSeconds {
                levels.withUnsafeBufferPointer { q in
                    floats.withUnsafeMutableBufferPointer { y in
                        quantized.apply(images: 256, height: size, width: size, levels: q.baseAddress!, into: .floats(y.baseAddress!),
                                        activation: .hardSwish, threads: threads)
                    }
                }
            }
            parts.append(String(format: "%dx%dx%d/k%d/s%d:fp32=%.2fms,int8-levels=%.2fms,int8-floats=%.2fms,ratio=%.2f/%.2f",
                                size, size, channels, kernel, stride, fp32 * 1e3, int8Levels * 1e3, int8Floats * 1e3,
                                int8Levels / fp32, int8Floats / fp32))
        }
        return "kernel=\(Int8Gemm.Kernel.best.rawValue) " + parts.joined(separator: " ")
    }
}
