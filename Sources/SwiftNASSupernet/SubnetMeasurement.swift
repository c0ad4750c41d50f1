import Foundation
import SwiftNASCore
import SwiftNASEngine

/// Measurements of an extracted sub-network: top-1 accuracy after batch-norm re-calibration, and latency.
public enum SubnetMeasurement {
    /// Re-calibrates `network`'s batch norm on `calibration` (OFA: running statistics accumulated while
    /// training other sub-networks do not hold for this one) in batches of `calibrationBatch` (OFA uses 100),
    /// then returns its top-1 accuracy on `test`, in batches of `testBatch` (which does not change the result;
    /// batches of 250 made activations of up to 75 MB and ran 1.9× slower on two cores). Neither set is augmented.
    public static func accuracy(of network: inout MobileNetV3, calibration: ImageDataset, test: ImageDataset,
                                calibrationBatch: Int = 100, testBatch: Int = 50) -> Double {
        precondition(calibrationBatch > 0 && testBatch > 0, "batch size must be positive")
        var random = SeededRandom(seed: 0)  // unused: batches without augmentation draw nothing
        network.resetRunningStatistics()
        var start = 0
        while start < calibration.count {
            let (x, _) = calibration.batch(Array(start..<min(start + calibrationBatch, calibration.count)), random: &random)
            _ = network.forward(x, mode: .recalibration)
            start += calibrationBatch
        }
        var correct = 0.0
        start = 0
        while start < test.count {
            let indices = Array(start..<min(start + testBatch, test.count))
            let (x, labels) = test.batch(indices, random: &random)
            correct += SoftmaxCrossEntropy.accuracy(logits: network.forward(x, mode: .inference), labels: labels) * Double(indices.count)
            start += testBatch
        }
        return test.count == 0 ? 0 : correct / Double(test.count)
    }

    /// The median wall-clock time in milliseconds of `repeats` inference passes of `network` over `input`,
    /// after `warmup` untimed passes, with at most `threads` worker threads.
    public static func latency(of network: inout MobileNetV3, input: Tensor, warmup: Int, repeats: Int, threads: Int) -> Double {
        precondition(repeats > 0 && warmup >= 0 && threads > 0, "bad latency settings")
        return Parallel.$threadLimit.withValue(threads) {
            for _ in 0..<warmup { _ = network.forward(input, mode: .inference) }
            var times: [Double] = []
            let clock = ContinuousClock()
            for _ in 0..<repeats {
                let elapsed = clock.measure { _ = network.forward(input, mode: .inference) }
                times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
            }
            times.sort()
            return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        }
    }
}
