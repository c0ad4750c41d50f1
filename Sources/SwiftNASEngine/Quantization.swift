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
    /// Large tensors are split over `threads`.
    public func quantize(_ x: UnsafePointer<Float>, count: Int, into q: UnsafeMutablePointer<UInt8>,
                         threads: Int = Parallel.defaultThreads) {
        let (inverse, zero, top) = (1 / scale, Float(zeroPoint), Float(maximum))
        Parallel.forEachChunk(count: count, threads: count >= 1 << 16 ? threads : 1, granularity: 64) { _, part in
            swiftnas_quantize_u8(x + part.lowerBound, part.count, inverse, zero, top, q + part.lowerBound)
        }
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

/// Where a quantized layer writes its results, `[rows, channels]` contiguous.
public enum QuantizedOutput {
    /// Floats.
    case floats(UnsafeMutablePointer<Float>)
    /// uint8 levels of the next layer's input quantization (the float result quantized as it is written).
    case levels(UnsafeMutablePointer<UInt8>, ActivationQuantization)

    /// The C kernels' description of it: `factor · (sum − offset) + bias`, then `activation`, stored with row stride
    /// `channels`.
    func finishing(channels: Int, factor: UnsafePointer<Float>, offset: UnsafePointer<Int32>?, bias: UnsafePointer<Float>?,
                   activation: ActivationKind?) -> swiftnas_int8_output {
        var output = swiftnas_int8_output(kind: SWIFTNAS_INT8_FLOATS, data: nil, stride: channels, factor: factor, offset: offset,
                                          bias: bias, activation: activation?.c ?? SWIFTNAS_ACTIVATION_NONE,
                                          inverse: 0, zero: 0, top: 0)
        switch self {
        case .floats(let y):
            output.data = UnsafeMutableRawPointer(y)
        case .levels(let q, let next):
            output.kind = SWIFTNAS_INT8_LEVELS
            output.data = UnsafeMutableRawPointer(q)
            (output.inverse, output.zero, output.top) = (1 / next.scale, Float(next.zeroPoint), Float(next.maximum))
        }
        return output
    }
}

extension ActivationKind {
    /// The C kernels' name for it.
    var c: swiftnas_activation {
        switch self {
        case .relu: SWIFTNAS_ACTIVATION_RELU
        case .hardSwish: SWIFTNAS_ACTIVATION_HARD_SWISH
        case .hardSigmoid: SWIFTNAS_ACTIVATION_HARD_SIGMOID
        }
    }
}

/// A matrix layer run in int8: `y = x · Wᵀ + b` for `x` of `[rows, k]`, with W quantized per output channel
/// (symmetric int8, `scale_j = max|W_j| / 127`) and x per tensor (`ActivationQuantization`), int32 accumulation in
/// `Int8Gemm`, and the result rescaled to float with the activations' zero point taken out through the weights'
/// column sums: `y_j = s_x · s_j · (acc_j − z_x · Σ_p W_q[p][j]) + b_j` — in the kernel's epilogue, with the
/// activation, and optionally quantized to uint8 for the next layer there too (no int32 or float round trip).
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
    /// Per output channel: the float value of one unit of the int32 sum, `s_x · s_j`.
    private let factors: [Float]
    /// Per output channel: the input zero point's share of the sum, `z_x · Σ_p W_q[p][j]`.
    private let zeroPointSums: [Int32]

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
        factors = scales.map { $0 * input.scale }
        zeroPointSums = weights.columnSums.map { input.zeroPoint * $0 }
    }

    /// Bytes its weights take at their precision, with their scales and the bias (if any) in float.
    public var byteCount: Int { inFeatures * outFeatures + 4 * outFeatures + (hasBias ? 4 * outFeatures : 0) }

    /// `x · Wᵀ + b` for `rows` rows of input levels (`[rows, k]` contiguous, quantized as `input`), then `activation`
    /// if given, written to `output` (`[rows, n]`) as the int32 sums are finished.
    public func apply(rows: Int, levels: UnsafePointer<UInt8>, into output: QuantizedOutput, activation: ActivationKind? = nil,
                      threads: Int = Parallel.defaultThreads) {
        factors.withUnsafeBufferPointer { factor in
            zeroPointSums.withUnsafeBufferPointer { offset in
                bias.withUnsafeBufferPointer { bias in
                    let finishing = output.finishing(channels: outFeatures, factor: factor.baseAddress!, offset: offset.baseAddress,
                                                     bias: bias.baseAddress, activation: activation)
                    Int8Gemm.multiply(m: rows, a: levels, lda: inFeatures, weights: weights, output: finishing, kernel: kernel,
                                      threads: threads)
                }
            }
        }
    }

    /// `apply(rows:levels:into:activation:threads:)` on float input `x` (`[rows, k]` contiguous), quantized first.
    public func apply(rows: Int, _ x: UnsafePointer<Float>, into output: QuantizedOutput, activation: ActivationKind? = nil,
                      threads: Int = Parallel.defaultThreads) {
        var levels = [UInt8](uninitializedLevels: rows * inFeatures)
        levels.withUnsafeMutableBufferPointer { q in
            input.quantize(x, count: rows * inFeatures, into: q.baseAddress!, threads: threads)
            apply(rows: rows, levels: q.baseAddress!, into: output, activation: activation, threads: threads)
        }
    }

    /// `apply` on a tensor whose last dimension is `k`; the result has the same shape with `n` last.
    public func apply(_ x: Tensor, activation: ActivationKind? = nil, threads: Int = Parallel.defaultThreads) -> Tensor {
        precondition(x.shape.last == inFeatures, "QuantizedMatrix expects \(inFeatures) features last, got \(x.shape)")
        let rows = x.count / inFeatures
        var y = Tensor(uninitializedShape: Array(x.shape.dropLast()) + [outFeatures])
        x.storage.withUnsafeBufferPointer { xp in
            y.storage.withUnsafeMutableBufferPointer { yp in
                apply(rows: rows, xp.baseAddress!, into: .floats(yp.baseAddress!), activation: activation, threads: threads)
            }
        }
        return y
    }
}

/// A depthwise convolution run in int8 over NHWC batches: per-channel symmetric int8 kernels, uint8 input
/// (`ActivationQuantization`), exact int32 sums `Σ (x_q − z_x) · w_q` over the taps inside the image (padding stands
/// for the real value 0, so it contributes nothing), finished as `y = s_x · s_c · sum + b_c` and an optional
/// activation in the same pass — a depthwise convolution, its folded batch norm and activation in one — as floats or
/// as uint8 levels for the next layer. The kernels are C (`swiftnas_int8_depthwise`): AVX-512 VNNI over groups of four
/// taps of 16 channels, AVX2 `vpmaddwd` over pairs of taps of 8 channels, or plain loops, all exact for any uint8 input.
public struct QuantizedDepthwise: Sendable {
    /// The convolution's hyper-parameters.
    public let geometry: ConvGeometry
    /// Per channel: the float value of one int8 step.
    public let weightScales: [Float]
    /// Per channel: added to the rescaled sum (nil: nothing), e.g. a folded batch norm's shift.
    public let bias: [Float]?
    /// How the input is quantized.
    public let input: ActivationQuantization
    /// The kernel that runs it.
    public let kernel: Int8Gemm.Kernel
    /// The int8 kernels packed as `kernel` reads them (`swiftnas_int8_depthwise_pack`).
    private let packed: [Int8]
    /// Per channel: the float value of one unit of the int32 sum, `s_x · s_c`.
    private let factors: [Float]

    /// Quantizes `weight` (`[channels, 1, k, k]`, as `DepthwiseConv2D` holds it) per channel; `bias` (`[channels]`,
    /// optional) is added to the rescaled sums.
    public init(weight: Tensor, bias: Tensor? = nil, stride: Int, padding: Int? = nil, input: ActivationQuantization,
                kernel: Int8Gemm.Kernel = .best) {
        let (channels, k) = (weight.shape[0], weight.shape[2])
        geometry = ConvGeometry(inChannels: channels, outChannels: channels, kernel: k, stride: stride, padding: padding)
        let (levels, scales) = symmetricInt8(weight.storage, channels: channels, length: k * k)
        var tapMajor = [Int8](repeating: 0, count: k * k * channels)
        for c in 0..<channels {
            for t in 0..<(k * k) { tapMajor[t * channels + c] = levels[c * k * k + t] }
        }
        var packed = [Int8](repeating: 0, count: swiftnas_int8_depthwise_packed_size(kernel.c, Int32(channels), Int32(k)))
        tapMajor.withUnsafeBufferPointer { source in
            packed.withUnsafeMutableBufferPointer { target in
                swiftnas_int8_depthwise_pack(kernel.c, Int32(channels), Int32(k), source.baseAddress, target.baseAddress)
            }
        }
        self.packed = packed
        weightScales = scales
        self.bias = bias?.storage
        self.input = input
        self.kernel = kernel
        factors = scales.map { $0 * input.scale }
    }

    /// Bytes its weights take at their precision, with their scales and the bias (if any) in float.
    public var byteCount: Int {
        let c = geometry.inChannels
        return geometry.kernel * geometry.kernel * c + 4 * c + (bias == nil ? 0 : 4 * c)
    }

    /// Runs the C kernel on `images` images of `levels` (`[images, height, width, channels]`), its output rows split
    /// over `threads`, each result finished as `output` says (row = output pixel).
    private func run(images: Int, height: Int, width: Int, levels: UnsafePointer<UInt8>, output: swiftnas_int8_output,
                     threads: Int) {
        let g = geometry
        var shape = swiftnas_depthwise_geometry(height: Int32(height), width: Int32(width), channels: Int32(g.inChannels),
                                                kernel: Int32(g.kernel), stride: Int32(g.stride), padding: Int32(g.padding))
        let (ho, wo) = (g.outputSize(height), g.outputSize(width))
        let zeroPoint = input.zeroPoint
        packed.withUnsafeBufferPointer { weights in
            Parallel.forEachChunk(count: images * ho, threads: images * ho * wo * g.inChannels >= 1 << 14 ? threads : 1) { _, rows in
                var part = output
                swiftnas_int8_depthwise(kernel.c, &shape, levels, zeroPoint, weights.baseAddress, Int32(rows.lowerBound),
                                        Int32(rows.count), &part)
            }
        }
    }

    /// The int32 sums `Σ (x_q − z_x) · w_q` for `images` images of `levels` (`[images, height, width, channels]`)
    /// into `sums` (`[images, outHeight, outWidth, channels]`).
    public func accumulate(images: Int, height: Int, width: Int, levels: UnsafePointer<UInt8>,
                           into sums: UnsafeMutablePointer<Int32>, threads: Int = Parallel.defaultThreads) {
        let output = swiftnas_int8_output(kind: SWIFTNAS_INT8_SUMS, data: UnsafeMutableRawPointer(sums), stride: geometry.inChannels,
                                          factor: nil, offset: nil, bias: nil, activation: SWIFTNAS_ACTIVATION_NONE,
                                          inverse: 0, zero: 0, top: 0)
        run(images: images, height: height, width: width, levels: levels, output: output, threads: threads)
    }

    /// The convolution of `images` images of `levels` (`[images, height, width, channels]`), rescaled, biased and
    /// activated, into `output` (`[images, outHeight, outWidth, channels]`).
    public func apply(images: Int, height: Int, width: Int, levels: UnsafePointer<UInt8>, into output: QuantizedOutput,
                      activation: ActivationKind? = nil, threads: Int = Parallel.defaultThreads) {
        factors.withUnsafeBufferPointer { factor in
            let run = { (bias: UnsafePointer<Float>?) in
                let finishing = output.finishing(channels: geometry.inChannels, factor: factor.baseAddress!, offset: nil, bias: bias,
                                                 activation: activation)
                self.run(images: images, height: height, width: width, levels: levels, output: finishing, threads: threads)
            }
            if let bias { bias.withUnsafeBufferPointer { run($0.baseAddress) } } else { run(nil) }
        }
    }

    /// The convolution of `x` (`[N, H, W, C]`, float) in int8, rescaled, biased and activated, back in float.
    public func apply(_ x: Tensor, activation: ActivationKind? = nil, threads: Int = Parallel.defaultThreads) -> Tensor {
        let g = geometry, c = g.inChannels
        precondition(x.rank == 4 && x.shape[3] == c, "QuantizedDepthwise expects [N, H, W, \(c)], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        var levels = [UInt8](uninitializedLevels: x.count)
        var y = Tensor(uninitializedShape: [n, g.outputSize(h), g.outputSize(w), c])
        x.storage.withUnsafeBufferPointer { xp in
            levels.withUnsafeMutableBufferPointer { q in
                input.quantize(xp.baseAddress!, count: x.count, into: q.baseAddress!, threads: threads)
                y.storage.withUnsafeMutableBufferPointer { yp in
                    apply(images: n, height: h, width: w, levels: q.baseAddress!, into: .floats(yp.baseAddress!),
                          activation: activation, threads: threads)
                }
            }
        }
        return y
    }
}

/// Squeeze-and-excitation on uint8 activations: the pooled mean of each image's channels comes from exact integer
/// sums of the levels, the gates from the float squeeze and excitation layers (a few hundred multiply-adds per
/// image), and the gated activations are requantized for the next layer in one pass over the levels
/// (`q' = round(clamp((q − z) · gate · s / s' + z', 0, top))`) — no float copy of the tensor, as PyTorch's quantized
/// `mul` does it.
public struct QuantizedSqueezeExcitation: Sendable {
    /// How its input is quantized (the depthwise convolution's output).
    public let input: ActivationQuantization
    /// How its output is quantized (the next layer's input).
    public let output: ActivationQuantization
    /// The kernel family whose loops run it (`.avx512VNNI`: AVX-512 loops; otherwise plain loops).
    public let kernel: Int8Gemm.Kernel
    private var layers: SqueezeExcitation

    /// `layers` run between levels quantized as `input` and as `output`.
    public init(_ layers: SqueezeExcitation, input: ActivationQuantization, output: ActivationQuantization,
                kernel: Int8Gemm.Kernel = .best) {
        self.layers = layers
        self.input = input
        self.output = output
        self.kernel = kernel
    }

    /// Bytes of its (float) weights.
    public var byteCount: Int {
        var copy = layers
        return 4 * copy.parameterCount()
    }

    /// Gates `levels` (`[images, pixels, channels]`, quantized as `input`) in place; on return they are quantized as
    /// `output`.
    public mutating func apply(images: Int, pixels: Int, levels: UnsafeMutablePointer<UInt8>, threads: Int = Parallel.defaultThreads) {
        let channels = layers.channels
        var sums = [Int32](repeating: 0, count: images * channels)
        let chunkThreads = images * pixels * channels >= 1 << 16 ? threads : 1
        sums.withUnsafeMutableBufferPointer { s in
            let sums = s.baseAddress!
            Parallel.forEachChunk(count: images, threads: chunkThreads) { _, range in
                swiftnas_channel_sums_u8(kernel.c, levels + range.lowerBound * pixels * channels, Int32(range.count), Int32(pixels),
                                         Int32(channels), sums + range.lowerBound * channels)
            }
        }
        let (scale, zero) = (input.scale, Float(input.zeroPoint)), perPixel = 1 / Float(pixels)
        var pooled = Tensor(uninitializedShape: [images, channels])
        for i in 0..<sums.count { pooled.storage[i] = scale * (Float(sums[i]) * perPixel - zero) }
        var factors = layers.gates(pooled: pooled, mode: .inference)
        let toOutput = scale / output.scale
        for i in 0..<factors.count { factors.storage[i] *= toOutput }
        let (nextZero, top) = (Float(output.zeroPoint), Float(output.maximum))
        factors.storage.withUnsafeBufferPointer { f in
            let factor = f.baseAddress!
            Parallel.forEachChunk(count: images, threads: chunkThreads) { _, range in
                swiftnas_rescale_channels_u8(kernel.c, levels + range.lowerBound * pixels * channels, Int32(range.count), Int32(pixels),
                                             Int32(channels), factor + range.lowerBound * channels, zero, nextZero, top)
            }
        }
    }
}

extension Array where Element == UInt8 {
    /// A buffer for `count` uint8 levels that a kernel is about to fill (not zeroed first).
    public init(uninitializedLevels count: Int) {
        self.init(unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
