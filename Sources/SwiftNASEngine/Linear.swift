import SwiftNASCore

/// A fully connected layer `y = x·Wᵀ + b` over `[N, in]` inputs; weight `[out, in]`, bias `[out]`.
public struct Linear: Layer {
    /// Input features.
    public let inFeatures: Int
    /// Output features.
    public let outFeatures: Int
    /// The weight, `[outFeatures, inFeatures]` (weight-decayed).
    public var weight: TensorParameter
    /// The bias, `[outFeatures]` (not weight-decayed; unused and not visited when `hasBias` is false).
    public var bias: TensorParameter
    /// Whether the layer adds `bias`.
    public let hasBias: Bool
    /// Worker threads for the matrix products.
    public var threads: Int = Parallel.defaultThreads
    private var cachedInput: Tensor?

    /// A layer with weights uniform in ±1/√in and zero bias.
    public init(inFeatures: Int, outFeatures: Int, hasBias: Bool = true, random: inout SeededRandom) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.hasBias = hasBias
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = TensorParameter(Tensor.randomUniform(shape: [outFeatures, inFeatures], in: -bound...bound, using: &random), decays: true)
        bias = TensorParameter(Tensor(shape: [outFeatures]), decays: false)
    }

    /// A layer holding `weight` (`[out, in]`) and, when given, `bias` (`[out]`).
    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2, "Linear weight must be [out, in]")
        inFeatures = weight.shape[1]
        outFeatures = weight.shape[0]
        precondition(bias == nil || bias!.shape == [outFeatures], "Linear bias must be [out]")
        hasBias = bias != nil
        self.weight = TensorParameter(weight, decays: true)
        self.bias = TensorParameter(bias ?? Tensor(shape: [outFeatures]), decays: false)
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 2 && input.shape[1] == inFeatures, "Linear expects [N, \(inFeatures)], got \(input.shape)")
        let n = input.shape[0]
        var output = Tensor(shape: [n, outFeatures])
        if hasBias {
            for i in 0..<n {
                for o in 0..<outFeatures { output.storage[i * outFeatures + o] = bias.value.storage[o] }
            }
        }
        input.storage.withUnsafeBufferPointer { x in
            weight.value.storage.withUnsafeBufferPointer { w in
                output.storage.withUnsafeMutableBufferPointer { y in
                    Gemm.multiply(m: n, n: outFeatures, k: inFeatures, a: x.baseAddress!, lda: inFeatures,
                                  b: w.baseAddress!, ldb: inFeatures, transposeB: true,
                                  c: y.baseAddress!, ldc: outFeatures, accumulate: true, threads: threads)
                }
            }
        }
        cachedInput = mode == .training ? input : nil
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("Linear.backward without a training forward pass") }
        let n = input.shape[0]
        precondition(outputGradient.shape == [n, outFeatures], "Linear gradient shape mismatch")
        var inputGradient = Tensor(shape: input.shape)
        outputGradient.storage.withUnsafeBufferPointer { dy in
            input.storage.withUnsafeBufferPointer { x in
                weight.value.storage.withUnsafeBufferPointer { w in
                    inputGradient.storage.withUnsafeMutableBufferPointer { dx in
                        // dx = dy · W
                        Gemm.multiply(m: n, n: inFeatures, k: outFeatures, a: dy.baseAddress!, lda: outFeatures,
                                      b: w.baseAddress!, ldb: inFeatures, c: dx.baseAddress!, ldc: inFeatures, threads: threads)
                    }
                }
                weight.gradient.storage.withUnsafeMutableBufferPointer { dw in
                    // dW += dyᵀ · x
                    Gemm.multiply(m: outFeatures, n: inFeatures, k: n, a: dy.baseAddress!, lda: outFeatures, transposeA: true,
                                  b: x.baseAddress!, ldb: inFeatures, c: dw.baseAddress!, ldc: inFeatures,
                                  accumulate: true, threads: threads)
                }
            }
            if hasBias {
            bias.gradient.storage.withUnsafeMutableBufferPointer { db in
                for i in 0..<n {
                    for o in 0..<outFeatures { db[o] += dy[i * outFeatures + o] }
                }
            }
            }
        }
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&weight)
        if hasBias { visit(&bias) }
    }
}

/// MobileNetV3's squeeze-and-excitation: `y = x · h_sigmoid(W₂·relu(W₁·avgpool(x) + b₁) + b₂)`, the
/// scale broadcast over each image's pixels. (OFA writes W₁, W₂ as 1×1 convolutions with bias.)
public struct SqueezeExcitation: Layer {
    /// Channels of the input and output.
    public let channels: Int
    /// Channels of the bottleneck.
    public let reducedChannels: Int
    /// The squeeze, `channels → reducedChannels`.
    public var reduce: Linear
    /// The excitation, `reducedChannels → channels`.
    public var expand: Linear
    private var pool = GlobalAveragePool()
    private var relu = Activation(.relu)
    private var gate = Activation(.hardSigmoid)
    private var cachedInput: Tensor?
    private var cachedScale: Tensor?

    /// An SE block over `channels` with a `reducedChannels` bottleneck.
    public init(channels: Int, reducedChannels: Int, random: inout SeededRandom) {
        self.channels = channels
        self.reducedChannels = reducedChannels
        reduce = Linear(inFeatures: channels, outFeatures: reducedChannels, random: &random)
        expand = Linear(inFeatures: reducedChannels, outFeatures: channels, random: &random)
    }

    /// An SE block with the given squeeze and excitation layers (`C → r` and `r → C`).
    public init(reduce: Linear, expand: Linear) {
        precondition(reduce.outFeatures == expand.inFeatures && expand.outFeatures == reduce.inFeatures, "SE layers do not chain")
        self.channels = reduce.inFeatures
        self.reducedChannels = reduce.outFeatures
        self.reduce = reduce
        self.expand = expand
    }

    /// The per-image, per-channel gates `h_sigmoid(W₂·relu(W₁·p + b₁) + b₂)` for pooled inputs `p` (`[N, C]`).
    public mutating func gates(pooled: Tensor, mode: ForwardMode) -> Tensor {
        var s = reduce.forward(pooled, mode: mode)
        s = relu.forward(s, mode: mode)
        s = expand.forward(s, mode: mode)
        return gate.forward(s, mode: mode)
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4 && input.shape[3] == channels, "SqueezeExcitation expects [N, H, W, \(channels)], got \(input.shape)")
        let s = gates(pooled: pool.forward(input, mode: mode), mode: mode)
        let pixels = input.shape[1] * input.shape[2]
        var output = Tensor(uninitializedShape: input.shape)
        input.storage.withUnsafeBufferPointer { xb in
            output.storage.withUnsafeMutableBufferPointer { yb in
                s.storage.withUnsafeBufferPointer { sb in
                    let x = xb.baseAddress!, y = yb.baseAddress!, scale = sb.baseAddress!
                    let images = input.shape[0]
                    Parallel.forEachChunk(count: images * pixels, threads: input.count >= 65536 ? Parallel.defaultThreads : 1) { _, range in
                        for row in range {
                            let gate = scale + (row / pixels) * channels, o = row * channels
                            var ch = 0
                            while ch + 8 <= channels {
                                Vectorized.store(Vectorized.load(x + o + ch) * Vectorized.load(gate + ch), y + o + ch)
                                ch += 8
                            }
                            while ch < channels { y[o + ch] = x[o + ch] * gate[ch]; ch += 1 }
                        }
                    }
                }
            }
        }
        cachedInput = mode == .training ? input : nil
        cachedScale = mode == .training ? s : nil
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput, let s = cachedScale else {
            preconditionFailure("SqueezeExcitation.backward without a training forward pass")
        }
        let (images, pixels) = (input.shape[0], input.shape[1] * input.shape[2])
        var inputGradient = Tensor(uninitializedShape: input.shape)
        var scaleGradient = Tensor(shape: s.shape)
        outputGradient.storage.withUnsafeBufferPointer { gb in
            input.storage.withUnsafeBufferPointer { xb in
                s.storage.withUnsafeBufferPointer { sb in
                    inputGradient.storage.withUnsafeMutableBufferPointer { db in
                        scaleGradient.storage.withUnsafeMutableBufferPointer { dsb in
                            let dy = gb.baseAddress!, x = xb.baseAddress!, scale = sb.baseAddress!
                            let dx = db.baseAddress!, ds = dsb.baseAddress!
                            // Images are independent: each chunk owns its images' rows and scale gradients.
                            Parallel.forEachChunk(count: images, threads: input.count >= 65536 ? Parallel.defaultThreads : 1) { _, range in
                                for i in range {
                                    let gate = scale + i * channels, dGate = ds + i * channels
                                    for p in 0..<pixels {
                                        let o = (i * pixels + p) * channels
                                        var ch = 0
                                        while ch + 8 <= channels {
                                            let g = Vectorized.load(dy + o + ch)
                                            Vectorized.store(Vectorized.load(dGate + ch).addingProduct(g, Vectorized.load(x + o + ch)), dGate + ch)
                                            Vectorized.store(g * Vectorized.load(gate + ch), dx + o + ch)
                                            ch += 8
                                        }
                                        while ch < channels {
                                            dGate[ch] += dy[o + ch] * x[o + ch]
                                            dx[o + ch] = dy[o + ch] * gate[ch]
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
        var g = gate.backward(scaleGradient)
        g = expand.backward(g)
        g = relu.backward(g)
        g = reduce.backward(g)
        inputGradient += pool.backward(g)
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        reduce.visitParameters(visit)
        expand.visitParameters(visit)
    }
}
