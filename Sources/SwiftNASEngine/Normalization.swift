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

    private var normalized: Tensor?
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
        let keep = mode == .training
        var xhat = keep ? Tensor(uninitializedShape: input.shape) : Tensor(shape: [0])
        // y = x·a + b and x̂ = x·inv + (−mean·inv), per channel.
        var a = [Float](repeating: 0, count: c), b = a, shiftHat = a
        for ch in 0..<c {
            a[ch] = scale.value.storage[ch] * inverse[ch]
            b[ch] = shift.value.storage[ch] - mean[ch] * a[ch]
            shiftHat[ch] = -mean[ch] * inverse[ch]
        }
        input.storage.withUnsafeBufferPointer { xb in
            output.storage.withUnsafeMutableBufferPointer { yb in
                ChannelAffine.apply(xb.baseAddress!, rows: rows, channels: c, scale: a, shift: b, into: yb.baseAddress!, threads: threadCount)
            }
            if keep {
                xhat.storage.withUnsafeMutableBufferPointer { hb in
                    ChannelAffine.apply(xb.baseAddress!, rows: rows, channels: c, scale: inverse, shift: shiftHat, into: hb.baseAddress!, threads: threadCount)
                }
            }
        }
        switch mode {
        case .training:
            let unbiased = rows > 1 ? Float(rows) / Float(rows - 1) : 1
            for ch in 0..<c {
                runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * mean[ch]
                runningVariance[ch] = (1 - momentum) * runningVariance[ch] + momentum * variance[ch] * unbiased
            }
            normalized = xhat
            inverseDeviation = inverse
        case .recalibration:
            let k = Float(recalibrationBatches)
            for ch in 0..<c {
                runningMean[ch] = (runningMean[ch] * k + mean[ch]) / (k + 1)
                runningVariance[ch] = k == 0 ? variance[ch] : (runningVariance[ch] * k + variance[ch]) / (k + 1)
            }
            recalibrationBatches += 1
            normalized = nil
        case .inference:
            normalized = nil
        }
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let xhat = normalized else { preconditionFailure("BatchNorm2D.backward without a training forward pass") }
        precondition(outputGradient.shape == xhat.shape, "BatchNorm2D gradient shape mismatch")
        let c = channels
        let rows = xhat.count / c
        let count = Float(rows)
        let threadCount = xhat.count >= 32768 ? threads : 1
        var inputGradient = Tensor(uninitializedShape: xhat.shape)
        outputGradient.storage.withUnsafeBufferPointer { gb in
            xhat.storage.withUnsafeBufferPointer { hb in
                let dy = gb.baseAddress!, h = hb.baseAddress!
                let (sumDy, sumDyXhat) = ChannelReduction.sums(rows: rows, channels: c, threads: threadCount, { o, _ in
                    let g = Vectorized.load(dy + o)
                    return (g, g * Vectorized.load(h + o))
                }, scalar: { o, _ in (dy[o], dy[o] * h[o]) })
                // dx = γ·inv · (dy − mean(dy) − x̂·mean(dy·x̂))
                var a = [Float](repeating: 0, count: c), meanDy = a, meanDyXhat = a
                for ch in 0..<c {
                    a[ch] = scale.value.storage[ch] * inverseDeviation[ch]
                    meanDy[ch] = Float(sumDy[ch]) / count
                    meanDyXhat[ch] = Float(sumDyXhat[ch]) / count
                    scale.gradient.storage[ch] += Float(sumDyXhat[ch])
                    shift.gradient.storage[ch] += Float(sumDy[ch])
                }
                inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                    a.withUnsafeBufferPointer { ab in
                        meanDy.withUnsafeBufferPointer { mdb in
                            meanDyXhat.withUnsafeBufferPointer { mhb in
                                let dx = dxb.baseAddress!, av = ab.baseAddress!, md = mdb.baseAddress!, mh = mhb.baseAddress!
                                Parallel.forEachChunk(count: rows, threads: threadCount) { _, range in
                                    for r in range {
                                        let o = r * c
                                        var ch = 0
                                        while ch + 8 <= c {
                                            let v = Vectorized.load(av + ch) * (Vectorized.load(dy + o + ch) - Vectorized.load(md + ch)
                                                - Vectorized.load(h + o + ch) * Vectorized.load(mh + ch))
                                            Vectorized.store(v, dx + o + ch)
                                            ch += 8
                                        }
                                        while ch < c {
                                            dx[o + ch] = av[ch] * (dy[o + ch] - md[ch] - h[o + ch] * mh[ch])
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
