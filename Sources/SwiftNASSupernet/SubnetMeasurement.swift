import Foundation
import SwiftNASCore
import SwiftNASEngine

/// Measurements of an extracted sub-network: top-1 accuracy after batch-norm re-calibration, and latency.
public enum SubnetMeasurement {
    /// Re-calibrates `network`'s batch norm on `calibration` (OFA: running statistics accumulated while
    /// training other sub-networks do not hold for this one) in batches of `batch` (OFA uses 100), without
    /// augmentation.
    public static func recalibrate(_ network: inout MobileNetV3, on calibration: ImageDataset, batch: Int = 100) {
        precondition(batch > 0, "batch size must be positive")
        var random = SeededRandom(seed: 0)  // unused: batches without augmentation draw nothing
        network.resetRunningStatistics()
        for start in stride(from: 0, to: calibration.count, by: batch) {
            let (x, _) = calibration.batch(Array(start..<min(start + batch, calibration.count)), random: &random)
            _ = network.forward(x, mode: .recalibration)
        }
    }

    /// The top-1 accuracy on `test` of the classifier `classScores` (images `[N, H, W, C]` to class scores), in
    /// batches of `batch` (which does not change the result; batches of 250 made activations of up to 75 MB and ran
    /// 1.9× slower on two cores), without augmentation.
    public static func accuracy(on test: ImageDataset, batch: Int = 50, classScores: (Tensor) -> Tensor) -> Double {
        precondition(batch > 0, "batch size must be positive")
        var random = SeededRandom(seed: 0)  // unused: batches without augmentation draw nothing
        var correct = 0.0
        for start in stride(from: 0, to: test.count, by: batch) {
            let indices = Array(start..<min(start + batch, test.count))
            let (x, labels) = test.batch(indices, random: &random)
            correct += SoftmaxCrossEntropy.accuracy(logits: classScores(x), labels: labels) * Double(indices.count)
        }
        return test.count == 0 ? 0 : correct / Double(test.count)
    }

    /// Re-calibrates `network`'s batch norm on `calibration`, then returns its top-1 accuracy on `test`.
    public static func accuracy(of network: inout MobileNetV3, calibration: ImageDataset, test: ImageDataset,
                                calibrationBatch: Int = 100, testBatch: Int = 50) -> Double {
        recalibrate(&network, on: calibration, batch: calibrationBatch)
        return accuracy(on: test, batch: testBatch) { network.forward($0, mode: .inference) }
    }

    /// The median wall-clock time in milliseconds of `repeats` runs of `pass` (one inference pass), after `warmup`
    /// untimed runs, with at most `threads` worker threads.
    public static func latency(warmup: Int, repeats: Int, threads: Int, pass: () -> Void) -> Double {
        precondition(repeats > 0 && warmup >= 0 && threads > 0, "bad latency settings")
        return Parallel.$threadLimit.withValue(threads) {
            for _ in 0..<warmup { pass() }
            var times: [Double] = []
            let clock = ContinuousClock()
            for _ in 0..<repeats {
                let elapsed = clock.measure(pass)
                times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
            }
            times.sort()
            return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        }
    }

    /// The median wall-clock time in milliseconds of `repeats` inference passes of `network` over `input`,
    /// after `warmup` untimed passes, with at most `threads` worker threads.
    public static func latency(of network: inout MobileNetV3, input: Tensor, warmup: Int, repeats: Int, threads: Int) -> Double {
        latency(warmup: warmup, repeats: repeats, threads: threads) { _ = network.forward(input, mode: .inference) }
    }
}
