import Foundation

/// Softmax cross-entropy averaged over the batch, with optional label smoothing.
///
/// With smoothing ε and K classes the target of a sample with label y is `(1 − ε)·onehot(y) + ε/K`;
/// soft targets (e.g. a teacher's softmax for in-place distillation) can be given directly.
public struct SoftmaxCrossEntropy: Sendable {
    /// The label-smoothing factor ε in [0, 1).
    public var labelSmoothing: Float

    /// A loss with smoothing `labelSmoothing`.
    public init(labelSmoothing: Float = 0) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1)")
        self.labelSmoothing = labelSmoothing
    }

    /// Row-wise softmax of `[N, K]` logits (max-subtracted for stability).
    public static func softmax(_ logits: Tensor) -> Tensor {
        precondition(logits.rank == 2, "softmax expects [N, K] logits")
        let (n, k) = (logits.shape[0], logits.shape[1])
        var p = logits
        p.storage.withUnsafeMutableBufferPointer { q in
            for i in 0..<n {
                let row = q.baseAddress! + i * k
                var top = -Float.infinity
                for j in 0..<k { top = max(top, row[j]) }
                var sum: Float = 0
                for j in 0..<k { row[j] = expf(row[j] - top); sum += row[j] }
                let inv = 1 / sum
                for j in 0..<k { row[j] *= inv }
            }
        }
        return p
    }

    /// The smoothed one-hot targets `[N, K]` for `labels`.
    public func targets(labels: [Int], classes: Int) -> Tensor {
        var t = Tensor(shape: [labels.count, classes], repeating: labelSmoothing / Float(classes))
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
            t.storage[i * classes + label] += 1 - labelSmoothing
        }
        return t
    }

    /// Mean loss and its gradient with respect to the logits for integer `labels`.
    public func lossAndGradient(logits: Tensor, labels: [Int]) -> (loss: Float, gradient: Tensor) {
        precondition(logits.rank == 2 && logits.shape[0] == labels.count, "one label per logits row")
        return Self.lossAndGradient(logits: logits, targets: targets(labels: labels, classes: logits.shape[1]))
    }

    /// Mean loss `−Σ q·log softmax(z)` and its gradient `(softmax(z) − q)/N` for target distributions `q`.
    public static func lossAndGradient(logits: Tensor, targets: Tensor) -> (loss: Float, gradient: Tensor) {
        precondition(logits.shape == targets.shape && logits.rank == 2, "logits and targets must both be [N, K]")
        let (n, k) = (logits.shape[0], logits.shape[1])
        var gradient = softmax(logits)
        var total = 0.0
        gradient.storage.withUnsafeMutableBufferPointer { g in
            logits.storage.withUnsafeBufferPointer { z in
                targets.storage.withUnsafeBufferPointer { q in
                    let inv = 1 / Float(n)
                    for i in 0..<n {
                        var top = -Float.infinity
                        for j in 0..<k { top = max(top, z[i * k + j]) }
                        var sum: Double = 0
                        for j in 0..<k { sum += Double(expf(z[i * k + j] - top)) }
                        let logSum = Double(top) + log(sum)
                        for j in 0..<k {
                            let index = i * k + j
                            total -= Double(q[index]) * (Double(z[index]) - logSum)
                            g[index] = (g[index] - q[index]) * inv
                        }
                    }
                }
            }
        }
        return (Float(total / Double(n)), gradient)
    }

    /// The fraction of rows whose largest logit is at the label.
    public static func accuracy(logits: Tensor, labels: [Int]) -> Double {
        let k = logits.shape[1]
        var correct = 0
        for (i, label) in labels.enumerated() {
            var best = 0
            for j in 1..<k where logits.storage[i * k + j] > logits.storage[i * k + best] { best = j }
            if best == label { correct += 1 }
        }
        return labels.isEmpty ? 0 : Double(correct) / Double(labels.count)
    }
}
