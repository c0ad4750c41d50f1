/// An element-wise non-linearity.
public enum ActivationKind: String, Sendable, Hashable, CaseIterable {
    /// `max(0, x)`.
    case relu
    /// MobileNetV3's hard swish, `x · relu6(x + 3) / 6`.
    case hardSwish
    /// MobileNetV3's hard sigmoid, `relu6(x + 3) / 6`.
    case hardSigmoid

    /// The activation of `x`.
    @inlinable public func apply(_ x: Float) -> Float {
        switch self {
        case .relu: return max(0, x)
        case .hardSwish: return x * min(max(x + 3, 0), 6) / 6
        case .hardSigmoid: return min(max(x + 3, 0), 6) / 6
        }
    }

    /// The derivative at `x` (the right derivative at the kinks, as PyTorch).
    @inlinable public func derivative(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case .hardSwish: return x < -3 ? 0 : (x > 3 ? 1 : (2 * x + 3) / 6)
        case .hardSigmoid: return x > -3 && x < 3 ? 1 / 6 : 0
        }
    }

    /// `f` on eight lanes.
    @inline(__always) func apply(_ v: SIMD8<Float>) -> SIMD8<Float> {
        // relu6(v + 3) with lane selects (the generic pointwiseMin/Max are not inlined).
        @inline(__always) func relu6(_ u: SIMD8<Float>) -> SIMD8<Float> {
            u.replacing(with: 0, where: u .< 0).replacing(with: 6, where: u .> 6)
        }
        switch self {
        case .relu: return v.replacing(with: 0, where: v .< 0)
        case .hardSwish: return v * relu6(v + 3) * (1 / 6)
        case .hardSigmoid: return relu6(v + 3) * (1 / 6)
        }
    }

    /// `f′` on eight lanes.
    @inline(__always) func derivative(_ v: SIMD8<Float>) -> SIMD8<Float> {
        let zero = SIMD8<Float>(), one = SIMD8<Float>(repeating: 1)
        switch self {
        case .relu:
            return zero.replacing(with: one, where: v .> 0)
        case .hardSwish:
            var d = (2 * v + 3) * (1 / 6)
            d.replace(with: 0, where: v .< -3)
            d.replace(with: 1, where: v .> 3)
            return d
        case .hardSigmoid:
            return zero.replacing(with: 1 / 6, where: (v .> -3) .& (v .< 3))
        }
    }

    /// `f` on `count` values of `x` into `y` (which may be `x` itself), eight at a time.
    @inline(__always) func apply(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count { Vectorized.store(apply(Vectorized.load(x + i)), y + i); i += 8 }
        while i < count { y[i] = apply(x[i]); i += 1 }
    }

    /// Applies the activation to every element (one pass: read `x`, write a fresh output).
    public func apply(_ x: Tensor) -> Tensor {
        guard x.count > 0 else { return x }
        var y = Tensor(uninitializedShape: x.shape)
        y.storage.withUnsafeMutableBufferPointer { out in
            x.storage.withUnsafeBufferPointer { input in
                let p = out.baseAddress!, q = input.baseAddress!
                Parallel.forEachChunk(count: out.count, threads: out.count >= 65536 ? Parallel.defaultThreads : 1, granularity: 8) { _, range in
                    apply(q + range.lowerBound, count: range.count, into: p + range.lowerBound)
                }
            }
        }
        return y
    }

    /// `dy · f′(x)` element-wise (one pass into a fresh output).
    public func backward(input x: Tensor, outputGradient dy: Tensor) -> Tensor {
        precondition(x.shape == dy.shape, "activation gradient shape mismatch")
        guard x.count > 0 else { return dy }
        var dx = Tensor(uninitializedShape: x.shape)
        dx.storage.withUnsafeMutableBufferPointer { out in
            dy.storage.withUnsafeBufferPointer { gs in
                x.storage.withUnsafeBufferPointer { xs in
                    let d = out.baseAddress!, g = gs.baseAddress!, xp = xs.baseAddress!
                    Parallel.forEachChunk(count: out.count, threads: out.count >= 65536 ? Parallel.defaultThreads : 1, granularity: 8) { _, range in
                        var i = range.lowerBound
                        while i + 8 <= range.upperBound {
                            Vectorized.store(Vectorized.load(g + i) * derivative(Vectorized.load(xp + i)), d + i)
                            i += 8
                        }
                        while i < range.upperBound { d[i] = g[i] * derivative(xp[i]); i += 1 }
                    }
                }
            }
        }
        return dx
    }
}

/// An element-wise activation layer (ReLU, h-swish or h-sigmoid).
public struct Activation: Layer {
    /// Which non-linearity.
    public let kind: ActivationKind
    private var cachedInput: Tensor?

    /// A layer applying `kind`.
    public init(_ kind: ActivationKind) {
        self.kind = kind
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        cachedInput = mode == .training ? input : nil
        return kind.apply(input)
    }

    /// Drops the cached training input, for a pass that applies this activation elsewhere (fused into batch norm).
    mutating func forgetInput() {
        cachedInput = nil
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("Activation.backward without a training forward pass") }
        return kind.backward(input: input, outputGradient: outputGradient)
    }
}

/// Global average pooling over the pixels of an NHWC batch: `[N, H, W, C] → [N, C]`.
public struct GlobalAveragePool: Layer {
    private var inputShape: [Int] = []

    /// A pooling layer.
    public init() {}

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        precondition(input.rank == 4, "GlobalAveragePool expects [N, H, W, C], got \(input.shape)")
        let (n, pixels, c) = (input.shape[0], input.shape[1] * input.shape[2], input.shape[3])
        var output = Tensor(shape: [n, c])
        input.storage.withUnsafeBufferPointer { xb in
            output.storage.withUnsafeMutableBufferPointer { yb in
                let x = xb.baseAddress!, y = yb.baseAddress!
                let inverse = SIMD8<Float>(repeating: 1 / Float(pixels))
                for i in 0..<n {
                    let image = x + i * pixels * c, out = y + i * c
                    var ch = 0
                    while ch + 8 <= c {
                        var sum = SIMD8<Float>()
                        for p in 0..<pixels { sum += Vectorized.load(image + p * c + ch) }
                        Vectorized.store(sum * inverse, out + ch)
                        ch += 8
                    }
                    while ch < c {
                        var sum: Float = 0
                        for p in 0..<pixels { sum += image[p * c + ch] }
                        out[ch] = sum / Float(pixels)
                        ch += 1
                    }
                }
            }
        }
        inputShape = input.shape
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        precondition(inputShape.count == 4 && outputGradient.shape == [inputShape[0], inputShape[3]], "GlobalAveragePool gradient shape mismatch")
        let (n, pixels, c) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
        var dx = Tensor(uninitializedShape: inputShape)
        dx.storage.withUnsafeMutableBufferPointer { db in
            outputGradient.storage.withUnsafeBufferPointer { gb in
                let d = db.baseAddress!, g = gb.baseAddress!
                let inverse = 1 / Float(pixels)
                for i in 0..<n {
                    for p in 0..<pixels {
                        let target = d + (i * pixels + p) * c, source = g + i * c
                        for ch in 0..<c { target[ch] = source[ch] * inverse }
                    }
                }
            }
        }
        return dx
    }
}

/// Reshapes any `[N, …]` to `[N, rest]` (and back in `backward`).
public struct Flatten: Layer {
    private var inputShape: [Int] = []

    /// A flattening layer.
    public init() {}

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        inputShape = input.shape
        return input.reshaped([input.shape[0], input.count / max(1, input.shape[0])])
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        outputGradient.reshaped(inputShape)
    }
}
