import Foundation

/// Batch normalisation over the channels of an NCHW batch, with learnable scale (γ) and shift (β).
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
        precondition(input.rank == 4 && input.shape[1] == channels, "BatchNorm2D expects [N, \(channels), H, W], got \(input.shape)")
        let (n, c) = (input.shape[0], channels)
        let plane = input.shape[2] * input.shape[3]
        let count = n * plane
        var output = Tensor(uninitializedShape: input.shape)
        var mean = runningMean, variance = runningVariance
        let useBatch = mode != .inference
        if useBatch {
            // Per-channel mean and biased variance, accumulated in Double.
            input.storage.withUnsafeBufferPointer { xb in
                mean.withUnsafeMutableBufferPointer { mb in
                    variance.withUnsafeMutableBufferPointer { vb in
                        let x = xb.baseAddress!, m = mb.baseAddress!, v = vb.baseAddress!
                        Parallel.forEachChunk(count: c, threads: input.count >= 32768 ? threads : 1) { _, channelRange in
                            for ch in channelRange {
                                var sum = 0.0
                                for i in 0..<n { sum += Double(Vectorized.sum(x + (i * c + ch) * plane, plane)) }
                                let muF = Float(sum / Double(count))
                                var squares = 0.0
                                for i in 0..<n {
                                    squares += Double(Vectorized.sumSquaredDeviation(x + (i * c + ch) * plane, plane, mean: muF))
                                }
                                m[ch] = muF
                                v[ch] = Float(squares / Double(count))
                            }
                        }
                    }
                }
            }
        }
        var inverse = [Float](repeating: 0, count: c)
        for ch in 0..<c { inverse[ch] = 1 / (variance[ch] + epsilon).squareRoot() }
        let keep = mode == .training
        var xhat = keep ? Tensor(uninitializedShape: input.shape) : Tensor(shape: [0])
        var a = [Float](repeating: 0, count: c), b = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            a[ch] = scale.value.storage[ch] * inverse[ch]
            b[ch] = shift.value.storage[ch] - mean[ch] * a[ch]
        }
        input.storage.withUnsafeBufferPointer { xb in
            output.storage.withUnsafeMutableBufferPointer { yb in
                xhat.storage.withUnsafeMutableBufferPointer { hb in
                    a.withUnsafeBufferPointer { ab in
                        b.withUnsafeBufferPointer { bb in
                            mean.withUnsafeBufferPointer { mb in
                                inverse.withUnsafeBufferPointer { ib in
                                    let x = xb.baseAddress!, y = yb.baseAddress!, h = keep ? hb.baseAddress : nil
                                    Parallel.forEachChunk(count: n * c, threads: input.count >= 32768 ? threads : 1) { _, planes in
                                        for p in planes {
                                            let ch = p % c, offset = p * plane
                                            Vectorized.affine(x + offset, plane, scale: ab[ch], shift: bb[ch], into: y + offset)
                                            if let h {
                                                Vectorized.affine(x + offset, plane, scale: ib[ch], shift: -mb[ch] * ib[ch], into: h + offset)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        switch mode {
        case .training:
            let unbiased = count > 1 ? Float(count) / Float(count - 1) : 1
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
        let (n, c) = (xhat.shape[0], channels)
        let plane = xhat.shape[2] * xhat.shape[3]
        let count = Float(n * plane)
        var inputGradient = Tensor(uninitializedShape: xhat.shape)
        var sumDy = [Float](repeating: 0, count: c), sumDyXhat = [Float](repeating: 0, count: c)
        let threadCount = xhat.count >= 32768 ? threads : 1
        outputGradient.storage.withUnsafeBufferPointer { gb in
            xhat.storage.withUnsafeBufferPointer { hb in
                let dy = gb.baseAddress!, h = hb.baseAddress!
                sumDy.withUnsafeMutableBufferPointer { sb in
                    sumDyXhat.withUnsafeMutableBufferPointer { shb in
                        Parallel.forEachChunk(count: c, threads: threadCount) { _, channelRange in
                            for ch in channelRange {
                                var s = 0.0, sh = 0.0
                                for i in 0..<n {
                                    let offset = (i * c + ch) * plane
                                    s += Double(Vectorized.sum(dy + offset, plane))
                                    sh += Double(Vectorized.dot(dy + offset, h + offset, plane))
                                }
                                sb[ch] = Float(s)
                                shb[ch] = Float(sh)
                            }
                        }
                    }
                }
                // dx = γ·inv · (dy − mean(dy) − x̂·mean(dy·x̂))
                var a = [Float](repeating: 0, count: c), meanDy = a, meanDyXhat = a
                for ch in 0..<c {
                    a[ch] = scale.value.storage[ch] * inverseDeviation[ch]
                    meanDy[ch] = sumDy[ch] / count
                    meanDyXhat[ch] = sumDyXhat[ch] / count
                }
                inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                    a.withUnsafeBufferPointer { ab in
                        meanDy.withUnsafeBufferPointer { mdb in
                            meanDyXhat.withUnsafeBufferPointer { mhb in
                                let dx = dxb.baseAddress!
                                Parallel.forEachChunk(count: n * c, threads: threadCount) { _, planes in
                                    for p in planes {
                                        let ch = p % c, offset = p * plane
                                        let av = SIMD8<Float>(repeating: ab[ch]), md = SIMD8<Float>(repeating: mdb[ch])
                                        let mh = SIMD8<Float>(repeating: mhb[ch])
                                        var j = 0
                                        while j + 8 <= plane {
                                            let v = av * (Vectorized.load(dy + offset + j) - md - Vectorized.load(h + offset + j) * mh)
                                            Vectorized.store(v, dx + offset + j)
                                            j += 8
                                        }
                                        while j < plane {
                                            dx[offset + j] = ab[ch] * (dy[offset + j] - mdb[ch] - h[offset + j] * mhb[ch])
                                            j += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for ch in 0..<c {
            scale.gradient.storage[ch] += sumDyXhat[ch]
            shift.gradient.storage[ch] += sumDy[ch]
        }
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&scale)
        visit(&shift)
    }
}
