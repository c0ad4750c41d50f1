import Foundation
import SwiftNASCore
import SwiftNASEngine

/// A network that turns a batch of images (`[N, H, W, C]`) into class scores, as `SubnetMeasurement` measures it: a
/// float `MobileNetV3` or a `MixedPrecisionMobileNetV3`. A value type: each worker runs its own copy.
public protocol ImageClassifier: Sendable {
    /// The class scores (`[N, classes]`) for `images`, in inference mode.
    mutating func classScores(_ images: Tensor) -> Tensor
}

extension ImageClassifier {
    /// `classScores` with a large batch split into one contiguous share of images per thread, each share run by its
    /// own copy of the network on one thread, so no layer waits for the other threads (split layer by layer, every
    /// layer of a 28 × 28 network is a synchronisation point). Batches of fewer than `imagesPerThread` images per
    /// thread run whole, each layer across the threads. The scores are the same either way.
    public mutating func classScores(splittingBatch images: Tensor, imagesPerThread: Int = 16) -> Tensor {
        let count = images.shape[0], threads = min(Parallel.defaultThreads, Parallel.threadLimit)
        guard threads > 1, count >= threads * imagesPerThread else { return classScores(images) }
        let template = self
        var parts = [Tensor](repeating: Tensor(shape: [0]), count: threads)
        parts.withUnsafeMutableBufferPointer { slots in
            Parallel.forEachChunk(count: count, threads: threads) { share, range in
                var copy = template
                slots[share] = Parallel.$threadLimit.withValue(1) { copy.classScores(images.items(range)) }
            }
        }
        return Tensor(concatenating: parts)
    }
}

extension MobileNetV3: ImageClassifier {
    public mutating func classScores(_ images: Tensor) -> Tensor { forward(images, mode: .inference) }
}

extension MixedPrecisionMobileNetV3: ImageClassifier {
    public mutating func classScores(_ images: Tensor) -> Tensor { forward(images) }
}

/// Measurements of an extracted sub-network: top-1 accuracy after batch-norm re-calibration, and latency.
///
/// Re-calibration and accuracy are data-parallel: `workers` copies of the network each take a contiguous share of the
/// batches on one thread (small batches keep both cores busier this way than split layer by layer), and the results
/// are combined in batch order, so they are the same for any number of workers.
public enum SubnetMeasurement {
    /// Re-calibrates `network`'s batch norm on `calibration` (OFA: running statistics accumulated while
    /// training other sub-networks do not hold for this one) in batches of `batch` (OFA uses 100), without
    /// augmentation: the running statistics become the equal-weight average of every batch's.
    public static func recalibrate(_ network: inout MobileNetV3, on calibration: ImageDataset, batch: Int = 100,
                                   workers: Int = Parallel.defaultThreads) {
        precondition(batch > 0, "batch size must be positive")
        network.resetRunningStatistics()
        let template = network
        // Per batch, each batch norm's statistics of that batch alone (a copy reset before the batch holds exactly them).
        let statistics = mapBatches(count: calibration.count, batch: batch, workers: workers, state: template) { copy, range in
            var random = SeededRandom(seed: 0)  // unused: batches without augmentation draw nothing
            copy.resetRunningStatistics()
            _ = copy.forward(calibration.batch(Array(range), random: &random).images, mode: .recalibration)
            var batchStatistics: [(mean: [Float], variance: [Float])] = []
            copy.visitBatchNorms { batchStatistics.append(($0.runningMean, $0.runningVariance)) }
            return batchStatistics
        }
        for batchStatistics in statistics {
            var next = batchStatistics.makeIterator()
            network.visitBatchNorms { norm in
                guard let (mean, variance) = next.next() else { return }
                norm.foldRecalibrationBatch(mean: mean, variance: variance)
            }
        }
    }

    /// The top-1 accuracy of `classifier` on `test`, in batches of `batch` (which does not change the result),
    /// without augmentation.
    public static func accuracy<Classifier: ImageClassifier>(of classifier: Classifier, on test: ImageDataset, batch: Int = 50,
                                                            workers: Int = Parallel.defaultThreads) -> Double {
        precondition(batch > 0, "batch size must be positive")
        let correct = mapBatches(count: test.count, batch: batch, workers: workers, state: classifier) { copy, range in
            var random = SeededRandom(seed: 0)  // unused: batches without augmentation draw nothing
            let (x, labels) = test.batch(Array(range), random: &random)
            return (SoftmaxCrossEntropy.accuracy(logits: copy.classScores(x), labels: labels) * Double(range.count)).rounded()  // images right
        }
        return test.count == 0 ? 0 : correct.reduce(0, +) / Double(test.count)
    }

    /// Re-calibrates `network`'s batch norm on `calibration`, then returns its top-1 accuracy on `test`.
    public static func accuracy(of network: inout MobileNetV3, calibration: ImageDataset, test: ImageDataset,
                                calibrationBatch: Int = 100, testBatch: Int = 50) -> Double {
        recalibrate(&network, on: calibration, batch: calibrationBatch)
        return accuracy(of: network, on: test, batch: testBatch)
    }

    /// `body(state, range)` for each batch `range` of `0..<count` (batches of `batch`), in order of the batches: up to
    /// `workers` workers, each with its own copy of `state` and one thread, take contiguous shares of the batches
    /// (one worker keeps every thread for itself).
    static func mapBatches<State, Result>(count: Int, batch: Int, workers: Int, state: State,
                                          _ body: (inout State, Range<Int>) -> Result) -> [Result] {
        let ranges = stride(from: 0, to: count, by: batch).map { $0..<min($0 + batch, count) }
        let shares = max(1, min(workers, ranges.count, Parallel.threadLimit))
        let threadsEach = shares > 1 ? 1 : Parallel.threadLimit
        var results = [Result?](repeating: nil, count: ranges.count)
        results.withUnsafeMutableBufferPointer { slots in
            Parallel.forEachChunk(count: ranges.count, threads: shares) { _, share in
                var copy = state
                Parallel.$threadLimit.withValue(threadsEach) {
                    for b in share { slots[b] = body(&copy, ranges[b]) }
                }
            }
        }
        return results.map { $0! }
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

    /// The median wall-clock time in milliseconds of `repeats` inference passes of `classifier` over `input` (a large
    /// batch split across the threads, `classScores(splittingBatch:)`), after `warmup` untimed passes, with at most
    /// `threads` worker threads.
    public static func latency<Classifier: ImageClassifier>(of classifier: Classifier, input: Tensor, warmup: Int, repeats: Int,
                                                           threads: Int) -> Double {
        var network = classifier
        return latency(warmup: warmup, repeats: repeats, threads: threads) { _ = network.classScores(splittingBatch: input) }
    }
}
