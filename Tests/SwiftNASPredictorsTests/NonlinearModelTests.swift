import Foundation
import Testing
import SwiftNASCore
@testable import SwiftNASPredictors

/// Rows of `columns` uniform features in [0, 1) and a target computed from them.
func syntheticData(rows: Int, columns: Int, seed: UInt64, _ target: ([Double]) -> Double) -> (Matrix, [Double]) {
    var rng = SeededRandom(seed: seed)
    let x = Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.nextUnit() })
    return (x, (0..<rows).map { target(x.row($0)) })
}

@Suite struct GradientBoostedTreesTests {
    @Test func recoversAStepFunction() throws {
        let (x, y) = syntheticData(rows: 80, columns: 3, seed: 1) { $0[1] > 0.4 ? 10 : 20 }
        var model = GradientBoostedTrees(trees: 60)
        try model.fit(features: x, targets: y)
        let predicted = model.predict(x)
        #expect(maxDifference(predicted, y) < 0.05)
        let (test, truth) = syntheticData(rows: 30, columns: 3, seed: 2) { $0[1] > 0.4 ? 10 : 20 }
        #expect(RegressionScores(actual: truth, predicted: model.predict(test)).mape < 5)
    }

    @Test func treeRespectsDepthAndLeafSize() {
        let (x, y) = syntheticData(rows: 40, columns: 2, seed: 3) { $0[0] * 10 + $0[1] }
        let sorted = (0..<2).map { c in (0..<40).sorted { x[$0, c] < x[$1, c] } }
        let tree = RegressionTree(features: x, targets: y, sortedByFeature: sorted, depth: 2, minimumLeafSamples: 5, scale: 1)
        let outputs = Set((0..<40).map { tree.predict(x, row: $0) })
        #expect(outputs.count <= 4 && outputs.count >= 2)
    }
}

@Suite struct GaussianProcessTests {
    @Test func interpolatesSmoothFunctionWithCalibratedVariance() throws {
        let (x, y) = syntheticData(rows: 40, columns: 1, seed: 5) { 50 + 3 * sin(6 * $0[0]) }
        var gp = GaussianProcess()
        try gp.fit(features: x, targets: y)
        let grid = Matrix(rows: 21, columns: 1, storage: (0...20).map { Double($0) / 20 })
        let truth = (0...20).map { 50 + 3 * sin(6 * Double($0) / 20) }
        let (mean, variance) = gp.predictWithVariance(grid)
        #expect(maxDifference(mean, truth) < 0.05)
        // Far outside the data the variance returns towards the prior σ²(1 + λ).
        let far = gp.predictWithVariance(Matrix(rows: 1, columns: 1, storage: [5])).variance[0]
        #expect(variance.allSatisfy { $0 < far / 10 })
        #expect(abs(far - gp.signalVariance * (1 + gp.noiseRatio)) < 1e-6 * far)
    }

    @Test func nelderMeadFindsQuadraticMinimum() {
        let point = NelderMead.minimize({ ($0[0] - 1) * ($0[0] - 1) + 3 * ($0[1] + 2) * ($0[1] + 2) }, from: [0, 0], step: [0.5, 0.5], iterations: 200)
        #expect(abs(point[0] - 1) < 1e-4 && abs(point[1] + 2) < 1e-4)
    }
}

@Suite struct MultilayerPerceptronTests {
    @Test func learnsAndIsDeterministicGivenSeed() throws {
        let (x, y) = syntheticData(rows: 120, columns: 4, seed: 9) { 30 + 4 * $0[0] - 2 * $0[1] + $0[2] * $0[3] }
        var first = MultilayerPerceptron(hiddenUnits: [16], maximumEpochs: 150, seed: 42)
        try first.fit(features: x, targets: y)
        var second = MultilayerPerceptron(hiddenUnits: [16], maximumEpochs: 150, seed: 42)
        try second.fit(features: x, targets: y)
        #expect(first.predict(x) == second.predict(x))
        let (test, truth) = syntheticData(rows: 40, columns: 4, seed: 10) { 30 + 4 * $0[0] - 2 * $0[1] + $0[2] * $0[3] }
        let scores = RegressionScores(actual: truth, predicted: first.predict(test))
        #expect(scores.mape < 2)
        #expect(scores.kendall > 0.8)
    }
}
