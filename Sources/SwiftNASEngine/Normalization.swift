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
    public var scale: Parameter
    /// Per-channel shift β (initially 0; not weight-decayed).
    public var shift: Parameter
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
        scale = Parameter(Tensor(shape: [channels], repeating: 1), decays: false)
        shift = Parameter(Tensor(shape: [channels]), decays: false)
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
        var output = Tensor(shape: input.shape)
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
                                for i in 0..<n {
                                    let p = x + (i * c + ch) * plane
                                    var s: Float = 0
                                    for j in 0..<plane { s += p[j] }
                                    sum += Double(s)
                                }
                                let mu = sum / Double(count)
                                var squares = 0.0
                                let muF = Float(mu)
                                for i in 0..<n {
                                    let p = x + (i * c + ch) * plane
                                    var s: Float = 0
                                    for j in 0..<plane { let d = p[j] - muF; s += d * d }
                                    squares += Double(s)
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
        var xhat = keep ? Tensor(shape: input.shape) : Tensor(shape: [0])
        input.storage.withUnsafeBufferPointer { xb in
            output.storage.withUnsafeMutableBufferPointer { yb in
                xhat.storage.withUnsafeMutableBufferPointer { hb in
                    let x = xb.baseAddress!, y = yb.baseAddress!, h = keep ? hb.baseAddress : nil
                    for i in 0..<n {
                        for ch in 0..<c {
                            let offset = (i * c + ch) * plane
                            let mu = mean[ch], inv = inverse[ch]
                            let g = scale.value.storage[ch], b = shift.value.storage[ch]
                            let a = g * inv, shiftTerm = b - mu * a
                            for j in 0..<plane { y[offset + j] = x[offset + j] * a + shiftTerm }
                            if let h {
                                for j in 0..<plane { h[offset + j] = (x[offset + j] - mu) * inv }
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
        var inputGradient = Tensor(shape: xhat.shape)
        var sumDy = [Float](repeating: 0, count: c), sumDyXhat = [Float](repeating: 0, count: c)
        outputGradient.storage.withUnsafeBufferPointer { gb in
            xhat.storage.withUnsafeBufferPointer { hb in
                let dy = gb.baseAddress!, h = hb.baseAddress!
                for i in 0..<n {
                    for ch in 0..<c {
                        let offset = (i * c + ch) * plane
                        var s: Float = 0, sh: Float = 0
                        for j in 0..<plane { s += dy[offset + j]; sh += dy[offset + j] * h[offset + j] }
                        sumDy[ch] += s
                        sumDyXhat[ch] += sh
                    }
                }
                inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                    let dx = dxb.baseAddress!
                    for i in 0..<n {
                        for ch in 0..<c {
                            let offset = (i * c + ch) * plane
                            // dx = γ·inv/M · (M·dy − Σdy − x̂·Σ(dy·x̂))
                            let a = scale.value.storage[ch] * inverseDeviation[ch]
                            let meanDy = sumDy[ch] / count, meanDyXhat = sumDyXhat[ch] / count
                            for j in 0..<plane { dx[offset + j] = a * (dy[offset + j] - meanDy - h[offset + j] * meanDyXhat) }
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

    public mutating func visitParameters(_ visit: (inout Parameter) -> Void) {
        visit(&scale)
        visit(&shift)
    }
}
