import CSwiftNASInt8
import SwiftNASCore

/// How one tensor of activations is stored in uint8: `q = clamp(round(x / scale) + zeroPoint, 0, maximum)`, read
/// back as `(q − zeroPoint) · scale` (per-tensor, asymmetric, as PyTorch's `quint8`). Zero is always exact, so
/// zero padding and ReLU outputs lose nothing.
public struct ActivationQuantization: Sendable, Equatable {
    /// The step between two levels.
    public let scale: Float
    /// The level that stands for 0.
    public let zeroPoint: Int32
    /// The highest level: 255, or 127 where the int8 kernel needs 7-bit activations (AVX2 without VNNI).
    public let maximum: UInt8

    /// The quantization that covers `low...high` (widened to include 0) with levels `0...maximum`.
    public init(low: Float, high: Float, maximum: UInt8 = Int8Gemm.Kernel.best.activationMaximum) {
        let low = Swift.min(low, 0), high = Swift.max(high, 0)
        let levels = Float(maximum)
        let scale = high > low ? (high - low) / levels : 1
        self.scale = scale
        self.zeroPoint = Int32(Swift.max(0, Swift.min(levels, (-low / scale).rounded())))
        self.maximum = maximum
    }

    /// The level of `x`.
    @inline(__always)
    public func level(_ x: Float) -> UInt8 {
        let q = Swift.max(0, Swift.min(Float(maximum), Float(zeroPoint).addingProduct(x, 1 / scale)))
        return UInt8(q.rounded(.toNearestOrEven))
    }

    /// The value level `q` stands for.
    @inline(__always)
    public func value(_ q: UInt8) -> Float { Float(Int32(q) - zeroPoint) * scale }

    /// Quantizes `count` values (in the C target: Swift's SIMD float-to-integer conversion and clamping go lane by
    /// lane, which made quantizing cost more than the int8 products), rounding ties to even as `level` does.
    public func quantize(_ x: UnsafePointer<Float>, count: Int, into q: UnsafeMutablePointer<UInt8>) {
        swiftnas_quantize_u8(x, count, 1 / scale, Float(zeroPoint), Float(maximum), q)
    }
}

/// Watches the values a tensor takes over calibration batches and proposes the range to quantize it to.
public struct RangeObserver: Sendable {
    /// How the range is chosen from what was seen.
    public enum Method: Sendable, Equatable {
        /// The smallest and largest value seen.
        case minMax
        /// The given percentile at the top and its mirror at the bottom (e.g. 99.99), ignoring rare outliers.
        case percentile(Double)
    }

    /// The smallest value seen.
    public private(set) var low = Float.infinity
    /// The largest value seen.
    public private(set) var high = -Float.infinity
    /// Every `stride`-th value seen, for percentiles (at most about `sampleLimit`).
    private var sample: [Float] = []
    private var seen = 0
    private let sampleLimit: Int

    /// An observer keeping about `sampleLimit` values for percentiles.
    public init(sampleLimit: Int = 1 << 20) { self.sampleLimit = sampleLimit }

    /// Records the values of `tensor`.
    public mutating func observe(_ tensor: Tensor) {
        for x in tensor.storage {
            low = Swift.min(low, x)
            high = Swift.max(high, x)
        }
        // Keep every stride-th value, the stride growing as the total grows so the sample stays bounded.
        let stride = Swift.max(1, (seen + tensor.count) / sampleLimit)
        var i = (stride - seen % stride) % stride
        while i < tensor.count {
            sample.append(tensor.storage[i])
            i += stride
        }
        seen += tensor.count
    }

    /// The range to quantize to (0...0 before anything was seen).
    public func range(_ method: Method) -> (low: Float, high: Float) {
        guard low <= high else { return (0, 0) }
        switch method {
        case .minMax: return (low, high)
        case .percentile(let p):
            guard !sample.isEmpty else { return (low, high) }
            let sorted = sample.sorted()
            let top = Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * p / 100).rounded()))
            let bottom = Swift.max(0, Swift.min(sorted.count - 1, Int((Double(sorted.count - 1) * (100 - p) / 100).rounded())))
            return (sorted[bottom], sorted[top])
        }
    }
}

/// Symmetric int8 quantization of `channels` runs of `length` weights each (`weights[c * length ..< (c + 1) * length]`):
/// per run `scale = max|w| / 127` (1 for an all-zero run) and `q = clamp(round(w / scale), −127, 127)`, in the same layout.
func symmetricInt8(_ weights: [Float], channels: Int, length: Int) -> (levels: [Int8], scales: [Float]) {
    var levels = [Int8](repeating: 0, count: channels * length)
    var scales = [Float](repeating: 1, count: channels)
    for c in 0..<channels {
        let run = weights[(c * length)..<((c + 1) * length)]
        let largest = run.reduce(Float(0)) { Swift.max($0, abs($1)) }
        let scale = largest > 0 ? largest / 127 : 1
        scales[c] = scale
        for (t, w) in run.enumerated() { levels[c * length + t] = Int8(Swift.max(-127, Swift.min(127, (w / scale).rounded()))) }
    }
    return (levels, scales)
}

/// A matrix layer run in int8: `y = x · Wᵀ + b` for `x` of `[rows, k]`, with W quantized per output channel
/// (symmetric int8, `scale_j = max|W_j| / 127`) and x per tensor (`ActivationQuantization`), int32 accumulation in
/// `Int8Gemm`, and the result rescaled to float with the activations' zero point taken out through the weights'
/// column sums: `y_j = s_x · s_j · (acc_j − z_x · Σ_p W_q[p][j]) + b_j`.
///
/// It serves pointwise convolutions (rows = images × pixels) and fully connected layers alike.
public struct QuantizedMatrix: Sendable {
    /// Input features (k).
    public let inFeatures: Int
    /// Output features (n).
    public let outFeatures: Int
    /// The weights in int8, packed, `k × n`.
    public let weights: Int8Gemm.PackedWeights
    /// Per output channel: the float value of one int8 step.
    public let weightScales: [Float]
    /// The bias, one per output feature (zeros when the layer has none).
    public let bias: [Float]
    /// Whether the layer has a bias (it then counts in `byteCount`).
    public let hasBias: Bool
    /// How the input is quantized.
    public let input: ActivationQuantization
    /// The kernel that runs it (its activation range is the input quantization's).
    public let kernel: Int8Gemm.Kernel

    /// Quantizes `weight` (`[out, in]`, as `Linear` and a pointwise `Conv2D` hold it) per output channel.
    public init(weight: Tensor, bias: Tensor?, input: ActivationQuantization, kernel: Int8Gemm.Kernel = .best) {
        let (n, k) = (weight.shape[0], weight.count / weight.shape[0])
        inFeatures = k
        outFeatures = n
        let (levels, scales) = symmetricInt8(weight.storage, channels: n, length: k)
        var transposed = [Int8](repeating: 0, count: k * n)
        for j in 0..<n {
            for p in 0..<k { transposed[p * n + j] = levels[j * k + p] }
        }
        weights = Int8Gemm.PackedWeights(k: k, n: n, b: transposed)
        weightScales = scales
        self.bias = bias?.storage ?? [Float](repeating: 0, count: n)
        hasBias = bias != nil
        self.input = input
        self.kernel = kernel
    }

    /// Bytes its weights take at their precision, with their scales and the bias (if any) in float.
    public var byteCount: Int { inFeatures * outFeatures + 4 * outFeatures + (hasBias ? 4 * outFeatures : 0) }

    /// `x · Wᵀ + b` for `rows` rows of `x` (`[rows, k]` contiguous) into `y` (`[rows, n]`), then `activation` if
    /// given (applied as the results are written, not in a pass of its own).
    public func apply(rows: Int, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, activation: ActivationKind? = nil,
                      threads: Int = Parallel.defaultThreads) {
        let (k, n) = (inFeatures, outFeatures)
        var levels = [UInt8](repeating: 0, count: rows * k)
        var accumulators = [Int32](repeating: 0, count: rows * n)
        let input = self.input
        levels.withUnsafeMutableBufferPointer { q in
            Parallel.forEachChunk(count: rows, threads: threads, granularity: 64) { _, part in
                input.quantize(x + part.lowerBound * k, count: part.count * k, into: q.baseAddress! + part.lowerBound * k)
            }
        }
        levels.withUnsafeBufferPointer { q in
            accumulators.withUnsafeMutableBufferPointer { c in
                Int8Gemm.multiply(m: rows, a: q.baseAddress!, lda: k, weights: weights, c: c.baseAddress!, ldc: n,
                                  kernel: kernel, threads: threads)
            }
        }
        let factors = weightScales.map { $0 * input.scale }
        let offsets = weights.columnSums.map { input.zeroPoint * $0 }
        accumulators.withUnsafeBufferPointer { c in
            Parallel.forEachChunk(count: rows, threads: threads, granularity: 64) { _, part in
                for i in part {
                    let out = y + i * n
                    for j in 0..<n { out[j] = factors[j] * Float(c[i * n + j] - offsets[j]) + bias[j] }
                    activation?.apply(out, count: n, into: out)
                }
            }
        }
    }

    /// `apply` on a tensor whose last dimension is `k`; the result has the same shape with `n` last.
    public func apply(_ x: Tensor, activation: ActivationKind? = nil, threads: Int = Parallel.defaultThreads) -> Tensor {
        precondition(x.shape.last == inFeatures, "QuantizedMatrix expects \(inFeatures) features last, got \(x.shape)")
        let rows = x.count / inFeatures
        var y = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outFeatures])
        x.storage.withUnsafeBufferPointer { xp in
            y.storage.withUnsafeMutableBufferPointer { yp in
                apply(rows: rows, xp.baseAddress!, into: yp.baseAddress!, activation: activation, threads: threads)
            }
        }
        return y
    }
}

/// A depthwise convolution run in int8 over NHWC batches: per-channel symmetric int8 kernels, uint8 input
/// (`ActivationQuantization`), int32 accumulation, `y = s_x · s_c · Σ (x_q − z_x) · w_q` in float. Padding stands for
/// the real value 0, so it contributes nothing. Sixteen channels at a time: each tap is a 16-lane int16 multiply
/// (exact: |x_q − z_x| ≤ 255 and |w_q| ≤ 127) widened into int32 accumulators.
public struct QuantizedDepthwise: Sendable {
    /// The convolution's hyper-parameters.
    public let geometry: ConvGeometry
    /// Per channel: the float value of one int8 step.
    public let weightScales: [Float]
    /// The kernels in int8, tap-major: tap t's weights for every channel are `kernels[t * channels ..< (t + 1) * channels]`.
    let kernels: [Int8]
    /// How the input is quantized.
    public let input: ActivationQuantization

    /// Quantizes `weight` (`[channels, 1, k, k]`, as `DepthwiseConv2D` holds it) per channel.
    public init(weight: Tensor, stride: Int, padding: Int? = nil, input: ActivationQuantization) {
        let (channels, k) = (weight.shape[0], weight.shape[2])
        geometry = ConvGeometry(inChannels: channels, outChannels: channels, kernel: k, stride: stride, padding: padding)
        let (levels, scales) = symmetricInt8(weight.storage, channels: channels, length: k * k)
        var kernels = [Int8](repeating: 0, count: k * k * channels)
        for c in 0..<channels {
            for t in 0..<(k * k) { kernels[t * channels + c] = levels[c * k * k + t] }
        }
        weightScales = scales
        self.kernels = kernels
        self.input = input
    }

    /// Bytes its weights take at their precision, with their scales.
    public var byteCount: Int { kernels.count + 4 * weightScales.count }

    /// The int32 sums `Σ (x_q − z_x) · w_q` for `images` images of `levels` (`[images, height, width, channels]`)
    /// into `sums` (`[images, outHeight, outWidth, channels]`).
    public func accumulate(images: Int, height: Int, width: Int, levels: UnsafePointer<UInt8>,
                           into sums: UnsafeMutablePointer<Int32>, threads: Int = Parallel.defaultThreads) {
        let g = geometry, c = g.inChannels
        let (ho, wo) = (g.outputSize(height), g.outputSize(width))
        let zero = SIMD16<Int16>(repeating: Int16(input.zeroPoint)), zeroPoint = input.zeroPoint
        kernels.withUnsafeBufferPointer { kernelBuffer in
            let w = kernelBuffer.baseAddress!
            Parallel.forEachChunk(count: images * ho, threads: images * ho * wo * c >= 1 << 14 ? threads : 1) { _, rows in
                for row in rows {
                    let image = row / ho, oy = row % ho
                    let source = levels + image * height * width * c
                    for ox in 0..<wo {
                        let out = sums + ((image * ho + oy) * wo + ox) * c
                        var first = 0
                        while first + 16 <= c {
                            var acc = SIMD16<Int32>(repeating: 0)
                            g.forEachTapInside(outputRow: oy, column: ox, height: height, width: width) { tap, pixel in
                                let x = UnsafeRawPointer(source + pixel * c + first).loadUnaligned(as: SIMD16<UInt8>.self)
                                let wt = UnsafeRawPointer(w + tap * c + first).loadUnaligned(as: SIMD16<Int8>.self)
                                let product = (SIMD16<Int16>(truncatingIfNeeded: x) &- zero) &* SIMD16<Int16>(truncatingIfNeeded: wt)
                                acc &+= SIMD16<Int32>(truncatingIfNeeded: product)
                            }
                            UnsafeMutableRawPointer(out + first).storeBytes(of: acc, as: SIMD16<Int32>.self)
                            first += 16
                        }
                        for channel in first..<c {
                            var acc: Int32 = 0
                            g.forEachTapInside(outputRow: oy, column: ox, height: height, width: width) { tap, pixel in
                                acc += (Int32(source[pixel * c + channel]) - zeroPoint) * Int32(w[tap * c + channel])
                            }
                            out[channel] = acc
                        }
                    }
                }
            }
        }
    }

    /// The convolution of `x` (`[N, H, W, C]`, float) in int8, back in float.
    public func apply(_ x: Tensor, threads: Int = Parallel.defaultThreads) -> Tensor {
        let g = geometry, c = g.inChannels
        precondition(x.rank == 4 && x.shape[3] == c, "QuantizedDepthwise expects [N, H, W, \(c)], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let (ho, wo) = (g.outputSize(h), g.outputSize(w))
        var levels = [UInt8](repeating: 0, count: x.count)
        var sums = [Int32](repeating: 0, count: n * ho * wo * c)
        let input = self.input
        x.storage.withUnsafeBufferPointer { xp in
            levels.withUnsafeMutableBufferPointer { q in input.quantize(xp.baseAddress!, count: x.count, into: q.baseAddress!) }
        }
        levels.withUnsafeBufferPointer { q in
            sums.withUnsafeMutableBufferPointer { s in
                accumulate(images: n, height: h, width: w, levels: q.baseAddress!, into: s.baseAddress!, threads: threads)
            }
        }
        let factors = weightScales.map { $0 * input.scale }
        var y = Tensor(uninitializedShape: [n, ho, wo, c])
        y.storage.withUnsafeMutableBufferPointer { yp in
            for i in 0..<(n * ho * wo) {
                for channel in 0..<c { yp[i * c + channel] = factors[channel] * Float(sums[i * c + channel]) }
            }
        }
        return y
    }
}
