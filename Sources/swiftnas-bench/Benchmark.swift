import Foundation

/// One timed workload. `benchmarks/*.sh` scripts run `swiftnas-bench NAME` beside the Python peer doing the
/// same work and print the ratio; this harness only measures our side.
protocol Benchmark: Sendable {
    /// The name given on the command line.
    static var name: String { get }
    /// Prepares the inputs (not timed).
    init()
    /// Runs the workload once and returns a result summary (e.g. a hypervolume) so work cannot be elided
    /// and so the script can check both sides computed the same thing.
    func run() -> String
    /// Whether `run()` does its own warm-up and repeated timing (then `measure` runs it once and reports
    /// its result; the `seconds` field is the whole run).
    static var timesItself: Bool { get }
}

extension Benchmark {
    static var timesItself: Bool { false }
}

/// Every benchmark the harness knows, by name.
let benchmarks: [any Benchmark.Type] = [
    LINASIterationBenchmark.self,
    HV3DSphere10000.self, HV3DUniform10000.self, HV4DSphere100.self, HV4DSphere300.self,
    HV5DSphere50.self, HV5DSphere100.self, HV5DSphere200.self, HV6DSphere100.self,
    NDS2D10000.self, NDS3D10000.self, NDS5D10000.self, NDS3D10000Naive.self, NDS5D10000Naive.self,
    NSGA2ZDT1Benchmark.self,
    GemmBench.self, GemmSingleBench.self, GemmConvShapeBench.self, Int8GemmBench.self, Int8DepthwiseBench.self, FashionMNISTLoadBench.self, InvertedResidualBench.self,
    SupernetStepBench.self, SupernetProfileBench.self, SupernetTrainStepBench.self, DepthwiseBench.self, InferenceBench.self, Int8InferenceBench.self,
    PredictorLINASBenchmark.self,
]

/// Times `benchmark` as the median of `repeats` runs after one warm-up (or runs it once when it times
/// itself), printing one JSON line.
func measure(_ type: any Benchmark.Type, repeats: Int) {
    let benchmark = type.init()
    var result = type.timesItself ? "" : benchmark.run()
    var times: [Double] = []
    for _ in 0..<(type.timesItself ? 1 : repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        result = benchmark.run()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    print("{\"benchmark\": \"\(type.name)\", \"seconds\": \(times[times.count / 2]), \"result\": \"\(result)\"}")
}
