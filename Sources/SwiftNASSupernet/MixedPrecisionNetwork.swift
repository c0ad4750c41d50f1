import SwiftNASCore
import SwiftNASEngine

/// The precision one block of a sub-network runs in.
public enum BlockPrecision: String, Sendable, Hashable, CaseIterable {
    /// Single-precision float, as trained.
    case fp32
    /// Pointwise convolutions in int8 (batch norm folded into them, per-channel weights, per-tensor activations
    /// calibrated on sample images); the depthwise convolution, its batch norm and squeeze-and-excitation in fp32.
    case int8
}

/// An MBConv block whose 1 × 1 convolutions run in int8: each convolution and the batch norm after it are folded into
/// one `QuantizedMatrix`; the activations, the depthwise convolution and squeeze-and-excitation stay in fp32, and
/// values cross between the precisions at the quantized layers' inputs and outputs.
public struct QuantizedMBConvBlock: Sendable {
    /// The expansion with its batch norm folded in (absent when the block has none).
    public let expand: QuantizedMatrix?
    /// The projection with its batch norm folded in.
    public let project: QuantizedMatrix
    /// The activation after the expansion and the depthwise convolution.
    let activation: ActivationKind
    var depthwise: DepthwiseConv2D
    var depthwiseNorm: BatchNorm2D
    var depthwiseActivation: Activation
    var squeezeExcitation: SqueezeExcitation?
    let residual: Bool

    /// Quantizes `block`, its activations' ranges taken from the float block's run on `calibration` (the block's
    /// input for those images) by `method`; returns the block and its float output on `calibration`.
    public static func calibrated(_ block: MBConvBlock, on calibration: Tensor, method: RangeObserver.Method,
                                  kernel: Int8Gemm.Kernel = .best) -> (block: QuantizedMBConvBlock, output: Tensor) {
        var float = block
        var x = calibration
        var expand: QuantizedMatrix?
        var activation = Activation(block.activation)
        if let conv = float.expand, let norm = float.expandNorm {
            expand = quantized(conv, norm, input: x, method: method, kernel: kernel)
            x = float.expand!.forward(x, mode: .inference)
            x = float.expandNorm!.forward(x, mode: .inference, then: &activation)
        }
        var depthwiseActivation = Activation(block.activation)
        x = float.depthwise.forward(x, mode: .inference)
        x = float.depthwiseNorm.forward(x, mode: .inference, then: &depthwiseActivation)
        if float.squeezeExcitation != nil { x = float.squeezeExcitation!.forward(x, mode: .inference) }
        let project = quantized(block.project, block.projectNorm, input: x, method: method, kernel: kernel)
        x = float.project.forward(x, mode: .inference)
        x = float.projectNorm.forward(x, mode: .inference)
        if block.residual { x += calibration }
        let quantizedBlock = QuantizedMBConvBlock(
            expand: expand, project: project, activation: block.activation, depthwise: block.depthwise,
            depthwiseNorm: block.depthwiseNorm, depthwiseActivation: Activation(block.activation),
            squeezeExcitation: block.squeezeExcitation, residual: block.residual)
        return (quantizedBlock, x)
    }

    /// `conv` followed by `norm` as one int8 matrix layer, its input range observed on `input`.
    static func quantized(_ conv: Conv2D, _ norm: BatchNorm2D, input: Tensor, method: RangeObserver.Method,
                          kernel: Int8Gemm.Kernel) -> QuantizedMatrix {
        var observer = RangeObserver()
        observer.observe(input)
        let range = observer.range(method)
        let (weight, bias) = folded(conv, norm)
        return QuantizedMatrix(weight: weight, bias: bias,
                               input: ActivationQuantization(low: range.low, high: range.high, maximum: kernel.activationMaximum),
                               kernel: kernel)
    }

    /// A 1 × 1 convolution and the inference-mode batch norm after it as one matrix and bias:
    /// `W'_j = W_j · γ_j / σ_j`, `b'_j = β_j − μ_j · γ_j / σ_j`, σ_j = √(running variance + ε).
    static func folded(_ conv: Conv2D, _ norm: BatchNorm2D) -> (weight: Tensor, bias: Tensor) {
        let out = conv.geometry.outChannels, k = conv.weight.value.count / out
        var weight = conv.weight.value.reshaped([out, k])
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
        var x = input
        if let expand { x = expand.apply(x, activation: activation) }
        x = depthwise.forward(x, mode: .inference)
        x = depthwiseNorm.forward(x, mode: .inference, then: &depthwiseActivation)
        if squeezeExcitation != nil { x = squeezeExcitation!.forward(x, mode: .inference) }
        x = project.apply(x)
        if residual { x += input }
        return x
    }

    /// Bytes of its weights: int8 with per-channel scales and float biases for the quantized layers, float for the rest.
    public var weightBytes: Int {
        var floats = 0
        var rest = (depthwise, depthwiseNorm, squeezeExcitation)
        rest.0.visitParameters { floats += $0.value.count }
        rest.1.visitParameters { floats += $0.value.count }
        rest.2?.visitParameters { floats += $0.value.count }
        return (expand?.byteCount ?? 0) + project.byteCount + 4 * floats
    }
}

/// A `MobileNetV3` sub-network with a precision per block (the stem, the final expansion and the head stay in fp32):
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
        var quantized: [Int: QuantizedMBConvBlock] = [:]
        var float = network
        var x = float.stem.forward(calibration, mode: .inference)
        var stemActivation = Activation(.hardSwish)
        x = float.stemNorm.forward(x, mode: .inference, then: &stemActivation)
        for i in float.blocks.indices {
            if precisions[i] == .int8 {
                let (block, output) = QuantizedMBConvBlock.calibrated(float.blocks[i], on: x, method: method, kernel: kernel)
                quantized[i] = block
                x = output
            } else {
                x = float.blocks[i].forward(x, mode: .inference)
            }
        }
        self.quantized = quantized
        self.head = head == .int8 ? QuantizedHead.calibrated(float, on: x, method: method, kernel: kernel) : nil
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
        var total = 0
        var copy = network
        for i in copy.blocks.indices {
            if let block = quantized[i] {
                total += block.weightBytes
            } else {
                copy.blocks[i].visitParameters { total += 4 * $0.value.count }
            }
        }
        copy.stem.visitParameters { total += 4 * $0.value.count }
        copy.stemNorm.visitParameters { total += 4 * $0.value.count }
        if let head {
            total += head.weightBytes
        } else {
            copy.finalExpand.visitParameters { total += 4 * $0.value.count }
            copy.finalNorm.visitParameters { total += 4 * $0.value.count }
            copy.featureMix.visitParameters { total += 4 * $0.value.count }
            copy.classifier.visitParameters { total += 4 * $0.value.count }
        }
        return total
    }
}

/// The final expansion (batch norm folded in) and the feature mix of a `MobileNetV3` in int8, each with its h-swish
/// fused into the rescale; global pooling and the classifier stay fp32.
struct QuantizedHead: Sendable {
    let finalExpand: QuantizedMatrix
    let featureMix: QuantizedMatrix
    var pool = GlobalAveragePool()
    var classifier: Linear

    /// The head of `network`, its input ranges taken from the float head's run on `features` (the last block's
    /// output for the calibration images).
    static func calibrated(_ network: MobileNetV3, on features: Tensor, method: RangeObserver.Method,
                           kernel: Int8Gemm.Kernel) -> QuantizedHead {
        var float = network
        let finalExpand = QuantizedMBConvBlock.quantized(float.finalExpand, float.finalNorm, input: features, method: method, kernel: kernel)
        var activation = Activation(.hardSwish), pool = GlobalAveragePool()
        var x = float.finalExpand.forward(features, mode: .inference)
        x = float.finalNorm.forward(x, mode: .inference, then: &activation)
        x = pool.forward(x, mode: .inference)
        var observer = RangeObserver()
        observer.observe(x)
        let range = observer.range(method)
        let featureMix = QuantizedMatrix(
            weight: float.featureMix.weight.value, bias: float.featureMix.hasBias ? float.featureMix.bias.value : nil,
            input: ActivationQuantization(low: range.low, high: range.high, maximum: kernel.activationMaximum), kernel: kernel)
        return QuantizedHead(finalExpand: finalExpand, featureMix: featureMix, classifier: network.classifier)
    }

    /// Class scores from the last block's output.
    mutating func forward(_ x: Tensor) -> Tensor {
        var y = finalExpand.apply(x, activation: .hardSwish)
        y = pool.forward(y, mode: .inference)
        y = featureMix.apply(y, activation: .hardSwish)
        return classifier.forward(y, mode: .inference)
    }

    /// Bytes of its weights (the classifier in float).
    var weightBytes: Int {
        var copy = classifier, floats = 0
        copy.visitParameters { floats += $0.value.count }
        return finalExpand.byteCount + featureMix.byteCount + 4 * floats
    }
}
