import Foundation
import Testing
import SwiftNASCore
import SwiftNASEngine
@testable import SwiftNASSupernet

@Suite struct SubnetMeasurementTests {
    /// A sub-network of the tiny plan and toy data: 10 re-calibration batches of 4, 23 test images.
    static func network() -> (MobileNetV3, calibration: ImageDataset, test: ImageDataset) {
        let supernet = ElasticMobileNetV3(plan: tinyPlan, seed: 2)
        return (supernet.extract(.largest(tinyPlan)), toyData(count: 40, seed: 3), toyData(count: 23, seed: 4))
    }

    /// Statistics of every batch norm, in order.
    static func statistics(_ network: MobileNetV3) -> [[Float]] {
        var copy = network, all: [[Float]] = []
        copy.visitBatchNorms { all.append($0.runningMean + $0.runningVariance) }
        return all
    }

    /// Data-parallel re-calibration folds the batches in order: bit for bit what one pass over them in
    /// `.recalibration` mode gives, for any number of workers.
    @Test(arguments: [1, 2, 3, 7])
    func recalibrationMatchesOneSequentialPass(workers: Int) {
        let (network, calibration, _) = Self.network()
        var sequential = network
        sequential.resetRunningStatistics()
        var random = SeededRandom(seed: 0)
        for start in stride(from: 0, to: calibration.count, by: 4) {
            _ = sequential.forward(calibration.batch(Array(start..<(start + 4)), random: &random).images, mode: .recalibration)
        }
        var parallel = network
        SubnetMeasurement.recalibrate(&parallel, on: calibration, batch: 4, workers: workers)
        #expect(Self.statistics(parallel) == Self.statistics(sequential))
        var batches = 0
        parallel.visitBatchNorms { batches = $0.recalibrationBatches }
        #expect(batches == 10)
    }

    /// A batch split into one share per thread scores each image as the whole batch does.
    @Test func splittingABatchAcrossThreadsKeepsTheScores() {
        var (network, calibration, test) = Self.network()
        SubnetMeasurement.recalibrate(&network, on: calibration, batch: 4)
        var random = SeededRandom(seed: 0)
        let images = test.batch(Array(0..<test.count), random: &random).images
        var whole = network
        let expected = whole.classScores(images)
        var split = network
        for threads in [2, 3] {
            let scores = Parallel.$threadLimit.withValue(threads) { split.classScores(splittingBatch: images, imagesPerThread: 4) }
            #expect(scores.shape == expected.shape)
            #expect(scores.maxAbsDifference(expected) < 1e-5)
        }
        let parts = [images.items(0..<5), images.items(5..<test.count)]
        #expect(Tensor(concatenating: parts).storage == images.storage)
    }

    @Test func accuracyDoesNotDependOnWorkersOrBatches() {
        var (network, calibration, test) = Self.network()
        SubnetMeasurement.recalibrate(&network, on: calibration, batch: 4)
        let one = SubnetMeasurement.accuracy(of: network, on: test, batch: 5, workers: 1)
        var whole = network, random = SeededRandom(seed: 0)
        let (x, labels) = test.batch(Array(0..<test.count), random: &random)
        let expected = SoftmaxCrossEntropy.accuracy(logits: whole.forward(x, mode: .inference), labels: labels)
        #expect(abs(one - expected) < 1e-12)
        for (workers, batch) in [(2, 5), (3, 4), (8, 1)] {
            #expect(SubnetMeasurement.accuracy(of: network, on: test, batch: batch, workers: workers) == one)
        }
    }
}
