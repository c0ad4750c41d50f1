import Foundation
import Testing
import SwiftNASSpace
@testable import SwiftNASPredictors

/// `../shared/data` beside the package root, located from this file so the tests run from any directory.
enum SharedData {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/ofa-mbv3-imagenet").standardized.path
    static func file(_ name: String) -> String { directory + "/" + name }
    static var available: Bool { FileManager.default.fileExists(atPath: file("mbnv3w10_evoga_acc.csv")) }
}

@Suite(.enabled(if: SharedData.available, "../shared/data/ofa-mbv3-imagenet is absent: skipping real-data predictor tests"))
struct SharedDataTests {
    let mbv3 = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!

    @Test func readsEveryDyNASTFile() throws {
        for name in ["mbnv3w10_evoga_acc.csv", "mbnv3w10_evonsga2_acc_macs.csv", "mbnv3w10_linasnsga2_acc_macs.csv", "ofa_latency_sample.csv"] {
            let table = try MeasurementTable.load(path: SharedData.file(name), space: mbv3, target: "Top-1 Acc (%)")
            #expect(table.targets.count >= 10, "\(name)")
            let merged = table.mergingDuplicates(space: mbv3)
            #expect(merged.targets.count <= table.targets.count)
            #expect(Set(merged.configurations.map { mbv3.hash(of: $0) }).count == merged.targets.count)
        }
    }

    @Test func ridgeRanksHeldOutAccuracyAndMACs() throws {
        for (target, maximumMAPE, minimumKendall) in [("Top-1 Acc (%)", 0.5, 0.8), ("MACs", 3.0, 0.9)] {
            let table = try MeasurementTable.load(path: SharedData.file("mbnv3w10_evonsga2_acc_macs.csv"), space: mbv3, target: target)
            let evaluation = HeldOutEvaluation(table: table, space: mbv3, trainingFraction: 0.8, seed: 0)
            let training = Set(evaluation.training.configurations.map { mbv3.hash(of: $0) })
            #expect(evaluation.test.configurations.allSatisfy { !training.contains(mbv3.hash(of: $0)) })
            let scores = try evaluation.score(RidgeRegression(), space: mbv3, encoding: .onehot)
            #expect(scores.mape < maximumMAPE, "\(target)")
            #expect(scores.kendall > minimumKendall, "\(target)")
        }
    }
}
