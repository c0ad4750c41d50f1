import Foundation
import Testing
import SwiftNASPredictors
@testable import SwiftNASLatency

/// `../shared/data/hat-latency` beside the package root, located from this file so the tests run from any directory.
enum HATData {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/hat-latency").standardized.path
    static func file(_ name: String) -> String { directory + "/" + name }
    static var available: Bool { FileManager.default.fileExists(atPath: file("wmt14ende_cpu_raspberrypi_all.csv")) }
}

/// scikit-learn's held-out figures per device file and seed, from `SWIFTNAS_LATENCY_FIXTURES=... benchmarks/latency.sh`.
typealias SklearnFigures = [String: [String: [String: HeldOutFigures]]]

@Suite(.enabled(if: HATData.available, "../shared/data/hat-latency is absent: skipping the HAT latency bar"))
struct LatencyHATTests {
    /// The seeds the test refits, few to stay fast in debug builds (the fixture holds five; `benchmarks/latency.sh`
    /// runs them all).
    static let seeds: [UInt64] = [0]

    @Test(arguments: ["wmt14ende_cpu_raspberrypi_all.csv", "wmt14ende_cpu_xeon_all.csv", "wmt14ende_gpu_titanxp_all.csv"])
    func wholeModelLatencyMeetsTheScikitLearnBar(file: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Reference/hat_sklearn", withExtension: "json"))
        let reference = try #require(try JSONDecoder().decode(SklearnFigures.self, from: Data(contentsOf: url))[file])
        let table = try TrainingTable.load(path: HATData.file(file), target: whole, space: nil, encoding: .onehot)
        var ours: [RegressionScores] = [], bestMAPE: [Double] = [], bestKendall: [Double] = []
        for seed in Self.seeds {
            let sklearn = try #require(reference[String(seed)]).values
            bestMAPE.append(sklearn.map(\.mape).min() ?? .nan)
            bestKendall.append(sklearn.map(\.kendall).max() ?? .nan)
            let candidates = try PredictorRegistry.standard.singles(named: ModelFitting.defaultPredictorNames, seed: seed, source: "test")
            let outcome = try ModelFitting(candidates: candidates, criterion: .mape, seed: seed)
                .fit(table, target: whole, data: file, trainingFraction: 0.8)
            ours.append(try #require(outcome.heldOut))
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let mape = mean(ours.map(\.mape)), kendall = mean(ours.map(\.kendall))
        #expect(kendall >= mean(bestKendall) - 0.01, "\(file): Kendall τ \(kendall) vs scikit-learn's best \(mean(bestKendall))")
        #expect(mape <= mean(bestMAPE) + 0.3, "\(file): MAPE \(mape) vs scikit-learn's best \(mean(bestMAPE))")
    }
}
