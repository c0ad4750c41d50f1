import SwiftNASEvaluation
import SwiftNASSpace

/// Costs of OFA MobileNetV3 sub-networks (`ofa_mbv3_d234_e346_k357_w1.0` and `_w1.2`) at 224×224, and of
/// SwiftNAS's native `fashion_mbv3` (same structure at 28×28, `Layout(plan:)`).
///
/// Structure (once-for-all `ofa/imagenet_classification/elastic_nn/networks/ofa_mbv3.py`, `utils/layers.py`;
/// DyNAS-T's vendored copy): base widths 16, 16, 24, 40, 80, 112, 160, 960, 1280, each
/// `make_divisible(width × multiplier, 8)`; stem 3×3/2 convolution + BN + h-swish; a fixed first block
/// (3×3 depthwise, 1×1 projection, no expansion); five stages of up to four inverted-residual blocks with strides
/// 2, 2, 2, 1, 2, activations ReLU, ReLU, h-swish, h-swish, h-swish and squeeze-and-excitation in stages 2, 4
/// and 5; a block's expanded width is `make_divisible(round(in × e), 8)` and its SE bottleneck
/// `make_divisible(mid / 4, 8)` (1×1 convolutions with bias); head: 1×1 final expand + BN + h-swish, global
/// average pool, 1×1 feature mix without BN or bias, linear classifier to 1000 classes with bias.
public struct MobileNetV3Costs: CostModel {
    /// The fixed architecture a cost table is built for: OFA's ImageNet network or SwiftNAS's native one.
    public struct Layout: Sendable {
        /// Input side length in pixels.
        public var resolution: Int
        /// Channels of the input images.
        public var inputChannels: Int
        /// Stride of the 3 × 3 stem.
        public var stemStride: Int
        /// Output channels of the stem and of the fixed first block.
        public var stemChannels: Int
        /// Per stage: output width, stride of the first block, squeeze-and-excitation, h-swish.
        public var stages: [(width: Int, stride: Int, squeezeExcite: Bool, hardSwish: Bool)]
        /// Channels of the final 1 × 1 expansion and of the feature-mix layer.
        public var finalExpand: Int, featureMix: Int
        /// Output classes.
        public var classes: Int

        /// A layout with the given parts.
        public init(resolution: Int, inputChannels: Int, stemStride: Int, stemChannels: Int,
                    stages: [(width: Int, stride: Int, squeezeExcite: Bool, hardSwish: Bool)], finalExpand: Int, featureMix: Int, classes: Int) {
            self.resolution = resolution
            self.inputChannels = inputChannels
            self.stemStride = stemStride
            self.stemChannels = stemChannels
            self.stages = stages
            self.finalExpand = finalExpand
            self.featureMix = featureMix
            self.classes = classes
        }

        /// OFA's ImageNet MobileNetV3 (224 × 224) with base widths scaled by `widthMultiplier`.
        public static func imageNet(widthMultiplier: Double) -> Layout {
            let width = { (base: Int) in makeDivisible(Double(base) * widthMultiplier) }
            let bases: [(Int, Int, Bool, Bool)] = [(24, 2, false, false), (40, 2, true, false), (80, 2, false, true), (112, 1, true, true), (160, 2, true, true)]
            return Layout(resolution: 224, inputChannels: 3, stemStride: 2, stemChannels: width(16),
                          stages: bases.map { (width($0.0), $0.1, $0.2, $0.3) },
                          finalExpand: width(960), featureMix: width(1280), classes: 1000)
        }
    }

    public let space: SearchSpace
    let kernelGenes: GeneLayout
    let expandGenes: GeneLayout
    let depthGenes: GeneLayout
    /// Stem, first block and head: the part every sub-network has.
    let fixedCosts: Costs
    /// Cost of the block at position p with kernel index k and expand index e, at `(p × kernels + k) × expands + e`.
    let blockCosts: [Costs]
    /// Stages of the layout.
    let stageCount: Int

    static let blocksPerStage = 4

    /// Builds the tables for `space` (one of the two OFA MobileNetV3 spaces) at `widthMultiplier`.
    public init(space: SearchSpace, widthMultiplier: Double) throws {
        try self.init(space: space, layout: .imageNet(widthMultiplier: widthMultiplier))
    }

    /// Builds the tables for `space` (genes `ks`, `e`, `d`) over `layout`.
    public init(space: SearchSpace, layout: Layout) throws {
        self.space = space
        kernelGenes = try GeneLayout("ks", in: space)
        expandGenes = try GeneLayout("e", in: space)
        depthGenes = try GeneLayout("d", in: space)
        stageCount = layout.stages.count

        // Stem and first block.
        var side = stridedSide(layout.resolution, stride: layout.stemStride)
        let stem = layout.stemChannels, firstBlock = layout.stemChannels
        var fixed = convolution(inputs: layout.inputChannels, outputs: stem, kernel: 3, side: side) + batchNorm(stem)
            + elementOperations(stem * side * side)  // h-swish multiply
        fixed += convolution(inputs: stem, outputs: stem, kernel: 3, side: side, groups: stem) + batchNorm(stem)
        fixed += convolution(inputs: stem, outputs: firstBlock, kernel: 1, side: side) + batchNorm(firstBlock)

        var table: [Costs] = []
        var inputs = firstBlock
        for stage in layout.stages {
            let outputs = stage.width
            for block in 0..<Self.blocksPerStage {
                let stride = block == 0 ? stage.stride : 1
                let outSide = stridedSide(side, stride: stride)
                for kernel in kernelGenes.numbers {
                    for expand in expandGenes.numbers {
                        table.append(Self.invertedResidual(
                            inputs: inputs, outputs: outputs, kernel: Int(kernel), expand: expand, inSide: side,
                            outSide: outSide, squeezeExcite: stage.squeezeExcite, hardSwish: stage.hardSwish))
                    }
                }
                inputs = outputs
                side = outSide
            }
        }
        blockCosts = table

        // Head at the last side, then 1×1 after pooling.
        let finalExpand = layout.finalExpand, featureMix = layout.featureMix
        fixed += convolution(inputs: inputs, outputs: finalExpand, kernel: 1, side: side) + batchNorm(finalExpand)
        fixed += elementOperations(finalExpand * side * side)  // h-swish
        fixed += elementOperations(finalExpand * side + finalExpand)  // mean over width, then height
        fixed += convolution(inputs: finalExpand, outputs: featureMix, kernel: 1, side: 1)
        fixed += elementOperations(featureMix)  // h-swish
        fixed += linear(inputs: featureMix, outputs: layout.classes)
        fixedCosts = fixed
    }

    /// One inverted-residual block (`MBConvLayer` as `get_active_subnet` builds it).
    static func invertedResidual(inputs: Int, outputs: Int, kernel: Int, expand: Double, inSide: Int, outSide: Int,
                                 squeezeExcite: Bool, hardSwish: Bool) -> Costs {
        let middle = makeDivisible(Double(pythonRound(Double(inputs) * expand)))
        var costs = convolution(inputs: inputs, outputs: middle, kernel: 1, side: inSide) + batchNorm(middle)
        costs += convolution(inputs: middle, outputs: middle, kernel: kernel, side: outSide, groups: middle)
            + batchNorm(middle)
        if hardSwish { costs += elementOperations(middle * inSide * inSide + middle * outSide * outSide) }
        if squeezeExcite {
            let reduced = makeDivisible(Double(middle / 4))
            costs += convolution(inputs: middle, outputs: reduced, kernel: 1, side: 1, bias: true)
            costs += convolution(inputs: reduced, outputs: middle, kernel: 1, side: 1, bias: true)
            // Two means (width, then height) and the channel-wise scaling multiply.
            costs += elementOperations(middle * outSide + middle + middle * outSide * outSide)
        }
        costs += convolution(inputs: middle, outputs: outputs, kernel: 1, side: outSide) + batchNorm(outputs)
        return costs
    }

    public func costs(of configuration: Configuration) -> Costs {
        elasticBlockCosts(of: configuration, fixed: fixedCosts, table: blockCosts, kernelGenes: kernelGenes,
                          expandGenes: expandGenes, depthGenes: depthGenes, stages: stageCount,
                          blocksPerStage: Self.blocksPerStage)
    }
}
