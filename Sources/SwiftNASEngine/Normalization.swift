import Foundation

/// Batch normalisation over the channels of an NHWC batch (the last dimension), with learnable scale (γ) and shift (β).
///
/// `.training` normalises with the batch's mean and biased variance and moves the running statistics
/// towards them by `momentum` (running variance uses the unbiased estimate, as PyTorch does).
/// `.recalibration` also normalises with batch statistics but sets the running statistics to the
/// equal-weight average of every batch's mean and biased variance since `resetRunningStatistics()` —
/// OFA's re-calibration of a sub-network on a few batches. `.inference` uses the running statistics.
public struct BatchNorm2D: Layer {
    /// The number of channels.
    public let channels: Int
    /// Added to the variance before the square root.
    public var epsilon: Float = 1e-5
    /// Weight of the newest batch in the running statistics during training.
    public var momentum: Float = 0.1
    /// Per-channel scale γ (initially 1; not weight-decayed).
    public var scale: TensorParameter
    /// Per-channel shift β (initially 0; not weight-decayed).
    public var shift: TensorParameter
    /// Running per-channel mean used at inference.
    public var runningMean: [Float]
    /// Running per-channel variance used at inference.
    public var runningVariance: [Float]
    /// Batches folded into the running statistics since the last reset in `.recalibration` mode.
    public private(set) var recalibrationBatches = 0
    /// Worker threads for this layer's loops.
    public var threads: Int = Parallel.defaultThreads

    /// The last training input and its batch's per-channel μ and `1/σ`, from which `backward` recomputes x̂.
    private var cachedInput: Tensor?
    private var batchMean: [Float] = []
    private var inverseDeviation: [Float] = []

    /// A batch norm over `channels` with γ = 1, β = 0, running mean 0 and running variance 1.
    public init(channels: Int) {
        self.channels = channels
        scale = TensorParameter(Tensor(shape: [channels], repeating: 1), decays: false)
        shift = TensorParameter(Tensor(shape: [channels]), decays: false)
        runningMean = [Float](repeating: 0, count: channels)
        runningVariance = [Float](repeating: 1, count: channels)
    }

    public mutating func resetRunningStatistics() {
        for c in 0..<channels { runningMean[c] = 0; runningVariance[c] = 1 }
        recalibrationBatches = 0
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        forward(input, mode: mode, fusing: nil)
    }

    /// Folds one re-calibration batch's per-channel mean and biased variance into the running statistics (their
    /// equal-weight average over the batches since `resetRunningStatistics()`), as a `.recalibration` pass does; lets
    /// batches measured elsewhere (on copies of this layer, in parallel) be folded in afterwards, in order.
    public mutating func foldRecalibrationBatch(mean: [Float], variance: [Float]) {
        let k = Float(recalibrationBatches)
        for ch in 0..<channels {
            runningMean[ch] = (runningMean[ch] * k + mean[ch]) / (k + 1)
            runningVariance[ch] = k == 0 ? variance[ch] : (runningVariance[ch] * k + variance[ch]) / (k + 1)
        }
        recalibrationBatches += 1
    }

    /// Batch norm followed by `activation`. When no backward pass follows (inference, re-calibration) both run
    /// in one pass over the data; in training each layer keeps what its own backward pass needs.
    public mutating func forward(_ input: Tensor, mode: ForwardMode, then activation: inout Activation) -> Tensor {
        if mode == .training { return activation.forward(forward(input, mode: mode, fusing: nil), mode: mode) }
        activation.forgetInput()
        return forward(input, mode: mode, fusing: activation.kind)
    }

    private mutating func forward(_ input: Tensor, mode: ForwardMode, fusing activation: ActivationKind?) -> Tensor {
        precondition(input.rank == 4 && input.shape[3] == channels, "BatchNorm2D expects [N, H, W, \(channels)], got \(input.shape)")
        let c = channels
        let rows = input.count / c
        var output = Tensor(uninitializedShape: input.shape)
        var mean = runningMean, variance = runningVariance
        let threadCount = input.count >= 32768 ? threads : 1
        if mode != .inference {
            // Per-channel mean, then the biased variance around it (two passes for accuracy).
            input.storage.withUnsafeBufferPointer { xb in
                let x = xb.baseAddress!
                let (sums, _) = ChannelReduction.sums(rows: rows, channels: c, threads: threadCount,
                                                      { o, _ in (Vectorized.load(x + o), .zero) }, scalar: { o, _ in (x[o], 0) })
                for ch in 0..<c { mean[ch] = Float(sums[ch] / Double(rows)) }
                mean.withUnsafeBufferPointer { mb in
                    let m = mb.baseAddress!
                    let (squares, _) = ChannelReduction.sums(rows: rows, channels: c, threads: threadCount, { o, ch in
                        let d = Vectorized.load(x + o) - Vectorized.load(m + ch)
                        return (d * d, .zero)
                    }, scalar: { o, ch in let d = x[o] - m[ch]; return (d * d, 0) })
                    for ch in 0..<c { variance[ch] = Float(squares[ch] / Double(rows)) }
                }
            }
        }
        var inverse = [Float](repeating: 0, count: c)
        for ch in 0..<c { inverse[ch] = 1 / (variance[ch] + epsilon).squareRoot() }
        // y = x·a + b, per channel; x̂ = x·inv + (−mean·inv) is recomputed in `backward`.
        var a = [Float](repeating: 0, count: c), b = a
        for ch in 0..<c {
            a[ch] = scale.value.storage[ch] * inverse[ch]
            b[ch] = shift.value.storage[ch] - mean[ch] * a[ch]
        }
        input.storage.withUnsafeBufferPointer { xb in
            output.storage.withUnsafeMutableBufferPointer { yb in
                ChannelAffine.apply(xb.baseAddress!, rows: rows, channels: c, scale: a, shift: b, activation: activation,
                                    into: yb.baseAddress!, threads: threadCount)
            }
        }
        switch mode {
        case .training:
            let unbiased = rows > 1 ? Float(rows) / Float(rows - 1) : 1
            for ch in 0..<c {
                runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean[ch]
                runningVariance[ch] = (1 - momentum) * runningVariance[ch] + momentum * variance[ch] * unbiased
            }
            cachedInput = input
            batchMean = mean
            inverseDeviation = inverse
        case .recalibration:
            foldRecalibrationBatch(mean: mean, variance: variance)
            cachedInput = nil
        case .inference:
            cachedInput = nil
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("BatchNorm2D.backward without a training forward pass") }
        precondition(outputGradient.shape == input.shape, "BatchNorm2D gradient shape mismatch")
        let c = channels
        let rows = input.count / c
        let count = Double(rows)
        let threadCount = input.count >= 32768 ? threads : 1
        var inputGradient = Tensor(uninitializedShape: input.shape)
        outputGradient.storage.withUnsafeBufferPointer { gb in
            input.storage.withUnsafeBufferPointer { xb in
                let dy = gb.baseAddress!, x = xb.baseAddress!
                // Σ dy and Σ dy·(x − μ) per channel; x̂ = (x − μ)/σ.
                let (sumDy, sumDyCentred) = batchMean.withUnsafeBufferPointer { mb in
                    let m = mb.baseAddress!
                    return ChannelReduction.sums(rows: rows, channels: c, threads: threadCount, { o, ch in
                        let g = Vectorized.load(dy + o)
                        return (g, g * (Vectorized.load(x + o) - Vectorized.load(m + ch)))
                    }, scalar: { o, ch in (dy[o], dy[o] * (x[o] - m[ch])) })
                }
                // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)) = p·dy + q·x + r per channel.
                var p = [Float](repeating: 0, count: c), q = p, r = p
                for ch in 0..<c {
                    let inv = Double(inverseDeviation[ch]), a = Double(scale.value.storage[ch]) * inv
                    let sumDyXhat = sumDyCentred[ch] * inv
                    let meanDy = sumDy[ch] / count, meanDyXhat = sumDyXhat / count
                    p[ch] = Float(a)
                    q[ch] = Float(-a * meanDyXhat * inv)
                    r[ch] = Float(-a * (meanDy - meanDyXhat * inv * Double(batchMean[ch])))
                    scale.gradient.storage[ch] += Float(sumDyXhat)
                    shift.gradient.storage[ch] += Float(sumDy[ch])
                }
                inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                    p.withUnsafeBufferPointer { pb in
                        q.withUnsafeBufferPointer { qb in
                            r.withUnsafeBufferPointer { rb in
                                let dx = dxb.baseAddress!, pv = pb.baseAddress!, qv = qb.baseAddress!, rv = rb.baseAddress!
                                Parallel.forEachChunk(count: rows, threads: threadCount) { _, range in
                                    for row in range {
                                        let o = row * c
                                        var ch = 0
                                        while ch + 8 <= c {
                                            let v = Vectorized.load(dy + o + ch) * Vectorized.load(pv + ch)
                                                + (Vectorized.load(x + o + ch) * Vectorized.load(qv + ch) + Vectorized.load(rv + ch))
                                            Vectorized.store(v, dx + o + ch)
                                            ch += 8
                                        }
                                        while ch < c {
                                            dx[o + ch] = dy[o + ch] * pv[ch] + (x[o + ch] * qv[ch] + rv[ch])
                                            ch += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&scale)
        visit(&shift)
    }
}
