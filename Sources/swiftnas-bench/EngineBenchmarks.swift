import Foundation
import SwiftNASCore
import SwiftNASEngine

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
