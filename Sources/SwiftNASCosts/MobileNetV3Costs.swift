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
///
/// Spaces with precision genes (`fashion_mbv3_quant`: `q` per block, `q_head`) price `model_size` at each part's
/// precision as `MixedPrecisionMobileNetV3` stores it: an int8 block's expansion, depthwise and projection weights
/// take a byte each and its batch norms are folded into one float scale and bias per channel (as many bytes as
/// the norm's two parameters); squeeze-and-excitation stays fp32. An int8 head stores the final expansion so and
/// the feature mix with a float scale per channel; the stem, the fixed first block and the classifier stay fp32.
/// Parameters and MACs do not depend on precision.
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
    /// Each block's precision (`q`), when the space has one.
    let precisionGenes: GeneLayout?
    /// The head's precision (`q_head`), when the space has one.
    let headPrecisionGene: GeneLayout?
    /// Stem, first block and head, the part every sub-network has, per head precision index.
    let fixedCosts: [Costs]
    /// Cost of the block at position p with kernel index k, expand index e and precision index q, at
    /// `((p × kernels + k) × expands + e) × precisions + q`.
    let blockCosts: [Costs]
    /// Stages of the layout.
    let stageCount: Int

    static let blocksPerStage = 4

    /// The weight width of each precision a block or the head can take.
    public static let precisionBits: [String: Int] = ["fp32": 32, "int8": 8]

    /// The precision parameter `name` of `space` as weight widths, or nil when the space has none.
    static func precisionLayout(_ name: String, in space: SearchSpace) throws -> GeneLayout? {
        guard space.parameterIndex(name) != nil else { return nil }
        return try GeneLayout(name, in: space, expected: "precisions (\(precisionBits.keys.sorted().joined(separator: ", ")))") {
            precisionBits[$0.description].map(Double.init)
        }
    }

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
        precisionGenes = try Self.precisionLayout("q", in: space)
        headPrecisionGene = try Self.precisionLayout("q_head", in: space)
        stageCount = layout.stages.count
        let blockBits = precisionGenes?.numbers.map { Int($0) } ?? [32]

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
                        for bits in blockBits {
                            table.append(Self.invertedResidual(
                                inputs: inputs, outputs: outputs, kernel: Int(kernel), expand: expand, inSide: side,
                                outSide: outSide, squeezeExcite: stage.squeezeExcite, hardSwish: stage.hardSwish,
                                weightBits: bits))
                        }
                    }
                }
                inputs = outputs
                side = outSide
            }
        }
        blockCosts = table

        // Head at the last side, then 1×1 after pooling.
        let finalExpand = layout.finalExpand, featureMix = layout.featureMix
        fixedCosts = (headPrecisionGene?.numbers.map { Int($0) } ?? [32]).map { bits in
            var head = fixed
            head += convolution(inputs: inputs, outputs: finalExpand, kernel: 1, side: side, weightBits: bits) + batchNorm(finalExpand)
            head += elementOperations(finalExpand * side * side)  // h-swish
            head += elementOperations(finalExpand * side + finalExpand)  // mean over width, then height
            head += convolution(inputs: finalExpand, outputs: featureMix, kernel: 1, side: 1, weightBits: bits)
            if bits < 32 { head += uncountedWeights(featureMix) }  // the quantized feature mix's per-channel scales
            head += elementOperations(featureMix)  // h-swish
            head += linear(inputs: featureMix, outputs: layout.classes)
            return head
        }
    }

    /// One inverted-residual block (`MBConvLayer` as `get_active_subnet` builds it), its convolutions' weights
    /// `weightBits` wide (squeeze-and-excitation's always fp32).
    static func invertedResidual(inputs: Int, outputs: Int, kernel: Int, expand: Double, inSide: Int, outSide: Int,
                                 squeezeExcite: Bool, hardSwish: Bool, weightBits: Int = 32) -> Costs {
        let middle = makeDivisible(Double(pythonRound(Double(inputs) * expand)))
        var costs = convolution(inputs: inputs, outputs: middle, kernel: 1, side: inSide, weightBits: weightBits) + batchNorm(middle)
        costs += convolution(inputs: middle, outputs: middle, kernel: kernel, side: outSide, groups: middle, weightBits: weightBits)
            + batchNorm(middle)
        if hardSwish { costs += elementOperations(middle * inSide * inSide + middle * outSide * outSide) }
        if squeezeExcite {
            let reduced = makeDivisible(Double(middle / 4))
            costs += convolution(inputs: middle, outputs: reduced, kernel: 1, side: 1, bias: true)
            costs += convolution(inputs: reduced, outputs: middle, kernel: 1, side: 1, bias: true)
            // Two means (width, then height) and the channel-wise scaling multiply.
            costs += elementOperations(middle * outSide + middle + middle * outSide * outSide)
        }
        costs += convolution(inputs: middle, outputs: outputs, kernel: 1, side: outSide, weightBits: weightBits) + batchNorm(outputs)
        return costs
    }

    public func costs(of configuration: Configuration) -> Costs {
        elasticBlockCosts(of: configuration, fixed: fixedCosts[headPrecisionGene?.index(configuration, 0) ?? 0], table: blockCosts,
                          kernelGenes: kernelGenes, expandGenes: expandGenes, depthGenes: depthGenes,
                          precisionGenes: precisionGenes, stages: stageCount, blocksPerStage: Self.blocksPerStage)
    }
}
