import SwiftNASCore
import SwiftNASEngine

/// Adds every parameter gradient of `source` into the matching parameter of `target` (same structure).
func addGradients<L: Layer>(from source: L, into target: inout L) {
    var copy = source
    var gradients: [Tensor] = []
    copy.visitParameters { gradients.append($0.gradient) }
    var index = 0
    target.visitParameters { p in
        p.gradient += gradients[index]
        index += 1
    }
}

/// `layer` with its gradients set to zero (for a materialised copy that will collect its own).
func withZeroGradients<L: Layer>(_ layer: L) -> L {
    var copy = layer
    copy.zeroGradients()
    return copy
}

/// The elastic MobileNetV3 super-network (docs/supernet.md): shared weights for every sub-network of
/// its `SupernetPlan`, elastic in depth, expand ratio and kernel size.
///
/// `forward(_:config:mode:)` materialises the sub-network of `config` (`extract`), runs it, and in
/// `.training` folds its batch-norm running statistics back; `backward` folds its gradients back, adding
/// to those already accumulated, so several sub-networks can be trained per step (sandwich rule).
public struct ElasticMobileNetV3: ParameterContainer, Sendable {
    /// The architecture.
    public let plan: SupernetPlan
    /// The 3 × 3 stem.
    public var stem: Conv2D
    /// Batch norm after the stem.
    public var stemNorm: BatchNorm2D
    /// The fixed first block (depthwise 3 × 3, projection, residual).
    public var firstBlock: MBConvBlock
    /// The elastic block slots, stage-major.
    public var blocks: [ElasticMBConv]
    /// The final 1 × 1 expansion.
    public var finalExpand: Conv2D
    /// Batch norm after the final expansion.
    public var finalNorm: BatchNorm2D
    /// The bias-free feature-mix layer.
    public var featureMix: Linear
    /// The classifier.
    public var classifier: Linear
    private var active: (network: MobileNetV3, config: SubnetConfig)?

    /// A super-network with fresh weights drawn from `seed`.
    public init(plan: SupernetPlan = .fashionMBV3, seed: UInt64) {
        self.plan = plan
        var random = SeededRandom(seed: seed)
        let c = plan.stemChannels
        stem = Conv2D(ConvGeometry(inChannels: plan.inputChannels, outChannels: c, kernel: 3), random: &random)
        stemNorm = BatchNorm2D(channels: c)
        firstBlock = MBConvBlock(
            expand: nil, expandNorm: nil, depthwise: DepthwiseConv2D(channels: c, kernel: 3, random: &random),
            depthwiseNorm: BatchNorm2D(channels: c), squeezeExcitation: nil,
            project: Conv2D(ConvGeometry(inChannels: c, outChannels: c, kernel: 1, padding: 0), random: &random),
            projectNorm: BatchNorm2D(channels: c), activation: .relu, residual: true)
        let maxRatio = plan.expandRatios.max()!
        blocks = plan.slots.map { ElasticMBConv(slot: $0, kernelSizes: plan.kernelSizes, maxExpandRatio: maxRatio, random: &random) }
        let last = plan.stageWidths.last ?? c
        finalExpand = Conv2D(ConvGeometry(inChannels: last, outChannels: plan.finalExpandChannels, kernel: 1, padding: 0), random: &random)
        finalNorm = BatchNorm2D(channels: plan.finalExpandChannels)
        featureMix = Linear(inFeatures: plan.finalExpandChannels, outFeatures: plan.featureMixChannels, hasBias: false, random: &random)
        classifier = Linear(inFeatures: plan.featureMixChannels, outFeatures: plan.classes, random: &random)
    }

    /// The standalone static network of `config` (which must be valid for the plan; see
    /// `SubnetConfig.validated(for:source:)`). Its outputs equal the super-network's for that configuration.
    public func extract(_ config: SubnetConfig) -> MobileNetV3 {
        precondition(config.kernelSizes.count == plan.blockSlots && config.expandRatios.count == plan.blockSlots
                     && config.depths.count == plan.stages, "configuration does not fit the plan")
        var staticBlocks = [withZeroGradients(firstBlock)]
        for (i, block) in blocks.enumerated() where config.isActive(slot: i, plan: plan) {
            staticBlocks.append(block.materialize(kernel: config.kernelSizes[i], expandRatio: config.expandRatios[i]))
        }
        return MobileNetV3(stem: withZeroGradients(stem), stemNorm: withZeroGradients(stemNorm), blocks: staticBlocks,
                           finalExpand: withZeroGradients(finalExpand), finalNorm: withZeroGradients(finalNorm),
                           featureMix: withZeroGradients(featureMix), classifier: withZeroGradients(classifier))
    }

    /// Runs the sub-network of `config`. `.training` keeps it for `backward` and folds its batch-norm
    /// running statistics into the shared ones. (Re-calibrate an extracted network instead of using
    /// `.recalibration` here.)
    public mutating func forward(_ input: Tensor, config: SubnetConfig, mode: ForwardMode) -> Tensor {
        precondition(mode != .recalibration, "re-calibrate the network returned by extract(_:)")
        var network = extract(config)
        let output = network.forward(input, mode: mode)
        if mode == .training {
            absorb(network, config: config, gradients: false, statistics: true)
            active = (network, config)
        } else {
            active = nil
        }
        return output
    }

    /// Back-propagates through the last `.training` forward pass, adding parameter gradients to the
    /// shared parameters' accumulated gradients, and returns the input gradient.
    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let active else { preconditionFailure("backward without a training forward pass") }
        var network = active.network
        let inputGradient = network.backward(outputGradient)
        absorb(network, config: active.config, gradients: true, statistics: false)
        self.active = nil
        return inputGradient
    }

    private mutating func absorb(_ network: MobileNetV3, config: SubnetConfig, gradients: Bool, statistics: Bool) {
        if gradients {
            addGradients(from: network.stem, into: &stem)
            addGradients(from: network.stemNorm, into: &stemNorm)
            addGradients(from: network.blocks[0], into: &firstBlock)
            addGradients(from: network.finalExpand, into: &finalExpand)
            addGradients(from: network.finalNorm, into: &finalNorm)
            addGradients(from: network.featureMix, into: &featureMix)
            addGradients(from: network.classifier, into: &classifier)
        }
        if statistics {
            stemNorm.absorbLeading(network.stemNorm, gradients: false, statistics: true)
            firstBlock.depthwiseNorm.absorbLeading(network.blocks[0].depthwiseNorm, gradients: false, statistics: true)
            firstBlock.projectNorm.absorbLeading(network.blocks[0].projectNorm, gradients: false, statistics: true)
            finalNorm.absorbLeading(network.finalNorm, gradients: false, statistics: true)
        }
        var next = 1
        for i in blocks.indices where config.isActive(slot: i, plan: plan) {
            blocks[i].absorb(network.blocks[next], gradients: gradients, statistics: statistics)
            next += 1
        }
    }

    /// Calls `visit` on every shared parameter in a fixed order (the optimiser's order).
    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        stem.visitParameters(visit)
        stemNorm.visitParameters(visit)
        firstBlock.visitParameters(visit)
        for i in blocks.indices { blocks[i].visitParameters(visit) }
        finalExpand.visitParameters(visit)
        finalNorm.visitParameters(visit)
        featureMix.visitParameters(visit)
        classifier.visitParameters(visit)
    }

    /// Zeroes every shared gradient.
    public mutating func zeroGradients() {
        visitParameters { $0.zeroGradient() }
    }
}
