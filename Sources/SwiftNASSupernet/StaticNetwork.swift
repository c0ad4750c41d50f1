import SwiftNASCore
import SwiftNASEngine

/// A static inverted-residual (MBConv) block: optional 1 × 1 expansion + BN + activation, depthwise
/// convolution + BN + activation, optional squeeze-and-excitation, 1 × 1 projection + BN, and the
/// identity shortcut when `residual`.
public struct MBConvBlock: Layer {
    /// The expansion (absent when the expand ratio is 1, as in the fixed first block).
    public var expand: Conv2D?
    /// Batch norm after the expansion.
    public var expandNorm: BatchNorm2D?
    /// The depthwise convolution.
    public var depthwise: DepthwiseConv2D
    /// Batch norm after the depthwise convolution.
    public var depthwiseNorm: BatchNorm2D
    /// Squeeze-and-excitation, if the stage has it.
    public var squeezeExcitation: SqueezeExcitation?
    /// The 1 × 1 projection.
    public var project: Conv2D
    /// Batch norm after the projection (no activation follows).
    public var projectNorm: BatchNorm2D
    /// Whether the input is added to the output.
    public let residual: Bool
    private var expandActivation: Activation
    private var depthwiseActivation: Activation

    /// A block from its layers.
    public init(expand: Conv2D?, expandNorm: BatchNorm2D?, depthwise: DepthwiseConv2D, depthwiseNorm: BatchNorm2D,
                squeezeExcitation: SqueezeExcitation?, project: Conv2D, projectNorm: BatchNorm2D,
                activation: ActivationKind, residual: Bool) {
        precondition((expand == nil) == (expandNorm == nil), "expansion and its batch norm go together")
        self.expand = expand
        self.expandNorm = expandNorm
        self.depthwise = depthwise
        self.depthwiseNorm = depthwiseNorm
        self.squeezeExcitation = squeezeExcitation
        self.project = project
        self.projectNorm = projectNorm
        self.residual = residual
        expandActivation = Activation(activation)
        depthwiseActivation = Activation(activation)
    }

    /// The activation used inside the block.
    public var activation: ActivationKind { depthwiseActivation.kind }

    /// The tensors inside a block that `forward(_:mode:reporting:)` reports (the expansion's input is the block's).
    public enum Intermediate: Sendable {
        /// The depthwise convolution's input: the expansion's output after its batch norm and activation (the
        /// block's input when it has no expansion).
        case depthwiseInput
        /// Squeeze-and-excitation's input: the depthwise convolution's output after its batch norm and activation
        /// (reported only by blocks that have squeeze-and-excitation).
        case squeezeInput
        /// The projection's input: the depthwise convolution's output after its batch norm, activation and
        /// squeeze-and-excitation.
        case projectionInput
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        forward(input, mode: mode, reporting: { _, _ in })
    }

    /// `forward(_:mode:)`, calling `report` with each intermediate tensor as it is computed (how
    /// `QuantizedMBConvBlock` observes the ranges it quantizes to).
    public mutating func forward(_ input: Tensor, mode: ForwardMode, reporting report: (Intermediate, Tensor) -> Void) -> Tensor {
        var x = input
        if expand != nil {
            x = expand!.forward(x, mode: mode)
            x = expandNorm!.forward(x, mode: mode, then: &expandActivation)
        }
        report(.depthwiseInput, x)
        x = depthwise.forward(x, mode: mode)
        x = depthwiseNorm.forward(x, mode: mode, then: &depthwiseActivation)
        if squeezeExcitation != nil {
            report(.squeezeInput, x)
            x = squeezeExcitation!.forward(x, mode: mode)
        }
        report(.projectionInput, x)
        x = project.forward(x, mode: mode)
        x = projectNorm.forward(x, mode: mode)
        if residual { x += input }
        return x
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        var g = projectNorm.backward(outputGradient)
        g = project.backward(g)
        if squeezeExcitation != nil { g = squeezeExcitation!.backward(g) }
        g = depthwiseActivation.backward(g)
        g = depthwiseNorm.backward(g)
        g = depthwise.backward(g)
        if expand != nil {
            g = expandActivation.backward(g)
            g = expandNorm!.backward(g)
            g = expand!.backward(g)
        }
        if residual { g += outputGradient }
        return g
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        expand?.visitParameters(visit)
        expandNorm?.visitParameters(visit)
        depthwise.visitParameters(visit)
        depthwiseNorm.visitParameters(visit)
        squeezeExcitation?.visitParameters(visit)
        project.visitParameters(visit)
        projectNorm.visitParameters(visit)
    }

    public mutating func resetRunningStatistics() {
        visitBatchNorms { $0.resetRunningStatistics() }
    }

    /// Calls `visit` on each of its batch norms, in order.
    public mutating func visitBatchNorms(_ visit: (inout BatchNorm2D) -> Void) {
        if expandNorm != nil { visit(&expandNorm!) }
        visit(&depthwiseNorm)
        visit(&projectNorm)
    }
}

/// A static MobileNetV3: stem, MBConv blocks, final expansion, pooling, feature mix and classifier.
/// Sub-networks extracted from `ElasticMobileNetV3` are of this type and run without the super-network.
public struct MobileNetV3: Layer {
    /// The 3 × 3 stem convolution.
    public var stem: Conv2D
    /// Batch norm after the stem.
    public var stemNorm: BatchNorm2D
    /// The blocks, the fixed first block included.
    public var blocks: [MBConvBlock]
    /// The final 1 × 1 expansion.
    public var finalExpand: Conv2D
    /// Batch norm after the final expansion.
    public var finalNorm: BatchNorm2D
    /// The bias-free feature-mix layer after pooling.
    public var featureMix: Linear
    /// The classifier.
    public var classifier: Linear
    private var stemActivation = Activation(.hardSwish)
    private var finalActivation = Activation(.hardSwish)
    private var pool = GlobalAveragePool()
    private var mixActivation = Activation(.hardSwish)

    /// A network from its layers.
    public init(stem: Conv2D, stemNorm: BatchNorm2D, blocks: [MBConvBlock], finalExpand: Conv2D, finalNorm: BatchNorm2D,
                featureMix: Linear, classifier: Linear) {
        self.stem = stem
        self.stemNorm = stemNorm
        self.blocks = blocks
        self.finalExpand = finalExpand
        self.finalNorm = finalNorm
        self.featureMix = featureMix
        self.classifier = classifier
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        var x = stem.forward(input, mode: mode)
        x = stemNorm.forward(x, mode: mode, then: &stemActivation)
        for i in blocks.indices { x = blocks[i].forward(x, mode: mode) }
        x = pooledFeatures(x, mode: mode)
        x = featureMix.forward(x, mode: mode)
        x = mixActivation.forward(x, mode: mode)
        return classifier.forward(x, mode: mode)
    }

    /// The feature mix's input for the last block's output `x`: the final expansion with its batch norm and activation,
    /// then global pooling, calling `partEnded` after each of the two (parts `blocks.count + 1` and `+ 2`, as
    /// `forwardTimingParts` numbers them).
    public mutating func pooledFeatures(_ x: Tensor, mode: ForwardMode, partEnded: (Int) -> Void = { _ in }) -> Tensor {
        var y = finalExpand.forward(x, mode: mode)
        y = finalNorm.forward(y, mode: mode, then: &finalActivation)
        partEnded(blocks.count + 1)
        y = pool.forward(y, mode: mode)
        partEnded(blocks.count + 2)
        return y
    }

    /// The activations after the final expansion and after the feature mix.
    public var headActivations: (finalExpand: ActivationKind, featureMix: ActivationKind) { (finalActivation.kind, mixActivation.kind) }

    /// The parts `forwardTimingParts(_:partEnded:)` reports, in order: the stem, each of `blocks`, the final
    /// expansion, the pooling and the head.
    public var timingPartCount: Int { blocks.count + 4 }

    /// An inference forward pass, as `forward(_:mode: .inference)`, that calls `partEnded(part)` as each part
    /// finishes: 0 the stem (convolution, batch norm, h-swish), 1…`blocks.count` the blocks (1 the fixed first
    /// block), then the final expansion (with its batch norm and h-swish), the global pooling and the head
    /// (feature mix, h-swish, classifier). A caller reads its clock in `partEnded` to time each part inside a whole
    /// pass — with the caches the rest of the network leaves it — rather than alone.
    public mutating func forwardTimingParts(_ input: Tensor, partEnded: (Int) -> Void) -> Tensor {
        forwardInference(input, replacingBlock: { _, _ in nil }, partEnded: partEnded)
    }

    /// An inference forward pass in which `replacingBlock(i, x)` may compute block i's output for its input x (nil:
    /// the block runs itself) — how `MixedPrecisionMobileNetV3` runs its int8 blocks — calling `partEnded` as each part
    /// finishes (see `forwardTimingParts`).
    /// `replacingHead(x)`, when given, computes the class scores from the last block's output instead of the final
    /// expansion, pooling and head (whose parts are then not reported).
    public mutating func forwardInference(_ input: Tensor, replacingBlock: (Int, Tensor) -> Tensor?,
                                          replacingHead: ((Tensor) -> Tensor)? = nil,
                                          partEnded: (Int) -> Void = { _ in }) -> Tensor {
        let mode = ForwardMode.inference
        var x = stem.forward(input, mode: mode)
        x = stemNorm.forward(x, mode: mode, then: &stemActivation)
        partEnded(0)
        for i in blocks.indices {
            x = replacingBlock(i, x) ?? blocks[i].forward(x, mode: mode)
            partEnded(i + 1)
        }
        if let replacingHead { return replacingHead(x) }
        x = pooledFeatures(x, mode: mode, partEnded: partEnded)
        x = featureMix.forward(x, mode: mode)
        x = mixActivation.forward(x, mode: mode)
        x = classifier.forward(x, mode: mode)
        partEnded(blocks.count + 3)
        return x
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        var g = classifier.backward(outputGradient)
        g = mixActivation.backward(g)
        g = featureMix.backward(g)
        g = pool.backward(g)
        g = finalActivation.backward(g)
        g = finalNorm.backward(g)
        g = finalExpand.backward(g)
        for i in blocks.indices.reversed() { g = blocks[i].backward(g) }
        g = stemActivation.backward(g)
        g = stemNorm.backward(g)
        return stem.backward(g)
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        stem.visitParameters(visit)
        stemNorm.visitParameters(visit)
        for i in blocks.indices { blocks[i].visitParameters(visit) }
        finalExpand.visitParameters(visit)
        finalNorm.visitParameters(visit)
        featureMix.visitParameters(visit)
        classifier.visitParameters(visit)
    }

    public mutating func resetRunningStatistics() {
        visitBatchNorms { $0.resetRunningStatistics() }
    }

    /// Calls `visit` on each of its batch norms, in order (stem, blocks, final expansion).
    public mutating func visitBatchNorms(_ visit: (inout BatchNorm2D) -> Void) {
        visit(&stemNorm)
        for i in blocks.indices { blocks[i].visitBatchNorms(visit) }
        visit(&finalNorm)
    }
}
