import SwiftNASCore
import SwiftNASEngine

/// The precision one block of a sub-network runs in.
public enum BlockPrecision: String, Sendable, Hashable, CaseIterable {
    /// Single-precision float, as trained.
    case fp32
    /// Pointwise and depthwise convolutions in int8 (each batch norm folded into its convolution, per-channel
    /// weights, per-tensor activations calibrated on sample images); squeeze-and-excitation pools and gates the int8
    /// levels, its two small gate layers in fp32.
    case int8
}

/// An MBConv block in int8: the expansion, the depthwise convolution and the projection each with its batch norm
/// folded in (`QuantizedMatrix`, `QuantizedDepthwise`, `QuantizedMatrix`) and its activation fused into its epilogue.
/// Values pass between them as uint8 levels: the expansion writes the depthwise convolution's input levels, and the
/// depthwise convolution the projection's — or, in blocks with squeeze-and-excitation, that block's input levels, which
/// `QuantizedSqueezeExcitation` gates in place into the projection's. The block's input and output (and the residual
/// sum) are float.
public struct QuantizedMBConvBlock: Sendable {
    /// The expansion with its batch norm folded in (absent when the block has none).
    public let expand: QuantizedMatrix?
    /// The depthwise convolution with its batch norm folded in.
    public let depthwise: QuantizedDepthwise
    /// The projection with its batch norm folded in.
    public let project: QuantizedMatrix
    /// The activation after the expansion and the depthwise convolution.
    let activation: ActivationKind
    /// Squeeze-and-excitation between the depthwise convolution and the projection, on uint8 levels.
    var squeezeExcitation: QuantizedSqueezeExcitation?
    let residual: Bool

    /// Quantizes `block`, its activations' ranges taken from the float block's run on `calibration` (the block's
    /// input for those images) by `method`; returns the block and its float output on `calibration`.
    public static func calibrated(_ block: MBConvBlock, on calibration: Tensor, method: RangeObserver.Method,
                                  kernel: Int8Gemm.Kernel = .best) -> (block: QuantizedMBConvBlock, output: Tensor) {
        var float = block
        var depthwiseInput = calibration, squeezeInput = calibration, projectionInput = calibration
        let output = float.forward(calibration, mode: .inference) { point, x in
            switch point {
            case .depthwiseInput: depthwiseInput = x
            case .squeezeInput: squeezeInput = x
            case .projectionInput: projectionInput = x
            }
        }
        let expand = block.expand.map { quantized($0, block.expandNorm!, input: calibration, method: method, kernel: kernel) }
        // The depthwise kernels are exact for any uint8 input, so its input gets all 8 bits whatever the GEMM needs.
        let (weight, bias) = folded(block.depthwise.weight.value, block.depthwiseNorm)
        let depthwise = QuantizedDepthwise(weight: weight, bias: bias, stride: block.depthwise.geometry.stride,
                                           padding: block.depthwise.geometry.padding,
                                           input: quantization(of: depthwiseInput, method: method, maximum: 255), kernel: kernel)
        let project = quantized(block.project, block.projectNorm, input: projectionInput, method: method, kernel: kernel)
        // Squeeze-and-excitation reads the depthwise output with all 8 bits too (its own C loops, exact for any level).
        let squeezeExcitation = block.squeezeExcitation.map {
            QuantizedSqueezeExcitation($0, input: quantization(of: squeezeInput, method: method, maximum: 255), output: project.input,
                                       kernel: kernel)
        }
        let quantizedBlock = QuantizedMBConvBlock(expand: expand, depthwise: depthwise, project: project, activation: block.activation,
                                                  squeezeExcitation: squeezeExcitation, residual: block.residual)
        return (quantizedBlock, output)
    }

    /// The quantization of activations like `input`, its range chosen by `method`, with levels `0...maximum`.
    static func quantization(of input: Tensor, method: RangeObserver.Method, maximum: UInt8) -> ActivationQuantization {
        var observer = RangeObserver()
        observer.observe(input)
        let range = observer.range(method)
        return ActivationQuantization(low: range.low, high: range.high, maximum: maximum)
    }

    /// `conv` followed by `norm` as one int8 matrix layer, its input range observed on `input`.
    static func quantized(_ conv: Conv2D, _ norm: BatchNorm2D, input: Tensor, method: RangeObserver.Method,
                          kernel: Int8Gemm.Kernel) -> QuantizedMatrix {
        let (weight, bias) = folded(conv.weight.value, norm)
        return QuantizedMatrix(weight: weight, bias: bias,
                               input: quantization(of: input, method: method, maximum: kernel.activationMaximum), kernel: kernel)
    }

    /// A convolution's weights (`[out, …]`) and the inference-mode batch norm after it as one set of weights (same
    /// shape) and a bias: `W'_j = W_j · γ_j / σ_j`, `b'_j = β_j − μ_j · γ_j / σ_j`, σ_j = √(running variance + ε).
    static func folded(_ weight: Tensor, _ norm: BatchNorm2D) -> (weight: Tensor, bias: Tensor) {
        let out = weight.shape[0], k = weight.count / out
        var weight = weight
        var bias = Tensor(shape: [out])
        for j in 0..<out {
            let factor = norm.scale.value.storage[j] / (norm.runningVariance[j] + norm.epsilon).squareRoot()
            for p in 0..<k { weight.storage[j * k + p] *= factor }
            bias.storage[j] = norm.shift.value.storage[j] - norm.runningMean[j] * factor
        }
        return (weight, bias)
    }

    /// The block's inference on `input`.
    public mutating func forward(_ input: Tensor) -> Tensor {
        precondition(input.rank == 4, "QuantizedMBConvBlock expects [N, H, W, C], got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
        let g = depthwise.geometry, channels = g.inChannels
        let (ho, wo) = (g.outputSize(h), g.outputSize(w))
        var output = Tensor(uninitializedShape: [n, ho, wo, project.outFeatures])
        var levels = [UInt8](uninitializedLevels: n * h * w * channels)
        input.storage.withUnsafeBufferPointer { x in
            levels.withUnsafeMutableBufferPointer { q in
                if let expand {
                    expand.apply(rows: n * h * w, x.baseAddress!, into: .levels(q.baseAddress!, depthwise.input), activation: activation)
                } else {
                    depthwise.input.quantize(x.baseAddress!, count: x.count, into: q.baseAddress!)
                }
            }
        }
        // The depthwise output goes to squeeze-and-excitation's input levels (gated in place into the projection's),
        // or straight to the projection's.
        var projectionLevels = [UInt8](uninitializedLevels: n * ho * wo * channels)
        levels.withUnsafeBufferPointer { q in
            projectionLevels.withUnsafeMutableBufferPointer { next in
                depthwise.apply(images: n, height: h, width: w, levels: q.baseAddress!,
                                into: .levels(next.baseAddress!, squeezeExcitation?.input ?? project.input), activation: activation)
                squeezeExcitation?.apply(images: n, pixels: ho * wo, levels: next.baseAddress!)
                output.storage.withUnsafeMutableBufferPointer { out in
                    project.apply(rows: n * ho * wo, levels: next.baseAddress!, into: .floats(out.baseAddress!))
                }
            }
        }
        if residual { output += input }
        return output
    }

    /// Bytes of its weights: int8 with per-channel scales and float biases for the quantized layers, float for
    /// squeeze-and-excitation.
    public var weightBytes: Int {
        (expand?.byteCount ?? 0) + depthwise.byteCount + project.byteCount + (squeezeExcitation?.byteCount ?? 0)
    }
}

/// A `MobileNetV3` sub-network with a precision per block (the stem stays fp32; the final expansion and the feature
/// mix too unless `head: .int8`; the classifier always):
/// post-training quantization of the chosen blocks, calibrated on sample images. For inference only.
public struct MixedPrecisionMobileNetV3: Sendable {
    /// Each block's precision.
    public let precisions: [BlockPrecision]
    private var network: MobileNetV3
    private let quantized: [Int: QuantizedMBConvBlock]
    private let head: QuantizedHead?

    /// Quantizes the blocks of `network` marked `.int8` in `precisions` (one per block), and with `head: .int8` the
    /// final expansion and the feature mix (the classifier stays fp32), their activation ranges taken from a float
    /// run on `calibration` (images `[N, H, W, C]`) by `method`.
    public init(_ network: MobileNetV3, precisions: [BlockPrecision], head: BlockPrecision = .fp32, calibration: Tensor,
                method: RangeObserver.Method = .minMax, kernel: Int8Gemm.Kernel = .best) throws {
        guard precisions.count == network.blocks.count else {
            throw InputError(source: "precisions", "lists \(precisions.count) blocks, the network has \(network.blocks.count)")
        }
        self.network = network
        self.precisions = precisions
        // One float pass over the calibration images; each int8 block is quantized for the input it sees there.
        var quantized: [Int: QuantizedMBConvBlock] = [:]
        var features = calibration
        var float = network
        _ = float.forwardInference(calibration, replacingBlock: { i, x in
            guard precisions[i] == .int8 else { return nil }
            let (block, output) = QuantizedMBConvBlock.calibrated(network.blocks[i], on: x, method: method, kernel: kernel)
            quantized[i] = block
            return output
        }, replacingHead: { x in
            features = x
            return x
        })
        self.quantized = quantized
        self.head = head == .int8 ? QuantizedHead.calibrated(network, on: features, method: method, kernel: kernel) : nil
    }

    /// Class scores for `input` (`[N, H, W, C]`).
    public mutating func forward(_ input: Tensor) -> Tensor {
        let blocks = quantized, head = self.head
        return network.forwardInference(input, replacingBlock: { index, x in
            guard var block = blocks[index] else { return nil }
            return block.forward(x)
        }, replacingHead: head.map { head in { x in var copy = head; return copy.forward(x) } })
    }

    /// Bytes of all weights at their precision (int8 layers with their scales, everything else in float).
    public var weightBytes: Int {
        var copy = network
        var floats = copy.stem.parameterCount() + copy.stemNorm.parameterCount()
        var total = 0
        for i in copy.blocks.indices {
            if let block = quantized[i] { total += block.weightBytes } else { floats += copy.blocks[i].parameterCount() }
        }
        if let head {
            total += head.weightBytes
        } else {
            floats += copy.finalExpand.parameterCount() + copy.finalNorm.parameterCount() + copy.featureMix.parameterCount()
                + copy.classifier.parameterCount()
        }
        return total + 4 * floats
    }
}

/// The final expansion (batch norm folded in) and the feature mix of a `MobileNetV3` in int8, each with its h-swish
/// fused into the rescale; global pooling and the classifier stay fp32.
struct QuantizedHead: Sendable {
    let finalExpand: QuantizedMatrix
    let featureMix: QuantizedMatrix
    /// The activations after the final expansion and after the feature mix, fused into their rescales.
    let activations: (finalExpand: ActivationKind, featureMix: ActivationKind)
    var pool = GlobalAveragePool()
    var classifier: Linear

    /// The head of `network`, its input ranges taken from the float head's run on `features` (the last block's
    /// output for the calibration images).
    static func calibrated(_ network: MobileNetV3, on features: Tensor, method: RangeObserver.Method,
                           kernel: Int8Gemm.Kernel) -> QuantizedHead {
        var float = network
        let finalExpand = QuantizedMBConvBlock.quantized(float.finalExpand, float.finalNorm, input: features, method: method, kernel: kernel)
        let pooled = float.pooledFeatures(features, mode: .inference)
        let featureMix = QuantizedMatrix(
            weight: float.featureMix.weight.value, bias: float.featureMix.hasBias ? float.featureMix.bias.value : nil,
            input: QuantizedMBConvBlock.quantization(of: pooled, method: method, maximum: kernel.activationMaximum), kernel: kernel)
        return QuantizedHead(finalExpand: finalExpand, featureMix: featureMix, activations: network.headActivations,
                             classifier: network.classifier)
    }

    /// Class scores from the last block's output.
    mutating func forward(_ x: Tensor) -> Tensor {
        var y = finalExpand.apply(x, activation: activations.finalExpand)
        y = pool.forward(y, mode: .inference)
        y = featureMix.apply(y, activation: activations.featureMix)
        return classifier.forward(y, mode: .inference)
    }

    /// Bytes of its weights (the classifier in float).
    var weightBytes: Int {
        var copy = classifier
        return finalExpand.byteCount + featureMix.byteCount + 4 * copy.parameterCount()
    }
}
