import SwiftNASSpace

/// Costs of OFA MobileNetV3 sub-networks (`ofa_mbv3_d234_e346_k357_w1.0` and `_w1.2`) at 224×224.
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
    public let space: SearchSpace
    let kernelGenes: GeneLayout
    let expandGenes: GeneLayout
    let depthGenes: GeneLayout
    /// Stem, first block and head: the part every sub-network has.
    let fixedCosts: Costs
    /// Cost of the block at position p with kernel index k and expand index e, at `(p × kernels + k) × expands + e`.
    let blockCosts: [Costs]

    /// Stage layout of the elastic blocks: base width, stride, squeeze-and-excitation, h-swish.
    static let stages: [(width: Int, stride: Int, squeezeExcite: Bool, hardSwish: Bool)] = [
        (24, 2, false, false), (40, 2, true, false), (80, 2, false, true), (112, 1, true, true), (160, 2, true, true),
    ]
    static let blocksPerStage = 4
    static let resolution = 224
    static let classes = 1000

    /// Builds the tables for `space` (one of the two OFA MobileNetV3 spaces) at `widthMultiplier`.
    public init(space: SearchSpace, widthMultiplier: Double) throws {
        self.space = space
        kernelGenes = try GeneLayout("ks", in: space)
        expandGenes = try GeneLayout("e", in: space)
        depthGenes = try GeneLayout("d", in: space)
        let width = { (base: Int) in makeDivisible(Double(base) * widthMultiplier) }

        // Stem and first block at 112×112.
        var side = stridedSide(Self.resolution, stride: 2)
        let stem = width(16), firstBlock = width(16)
        var fixed = convolution(inputs: 3, outputs: stem, kernel: 3, side: side) + batchNorm(stem)
            + elementOperations(stem * side * side)  // h-swish multiply
        fixed += convolution(inputs: stem, outputs: stem, kernel: 3, side: side, groups: stem) + batchNorm(stem)
        fixed += convolution(inputs: stem, outputs: firstBlock, kernel: 1, side: side) + batchNorm(firstBlock)

        var table: [Costs] = []
        var inputs = firstBlock
        for stage in Self.stages {
            let outputs = width(stage.width)
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

        // Head at 7×7, then 1×1 after pooling.
        let finalExpand = width(960), featureMix = width(1280)
        fixed += convolution(inputs: inputs, outputs: finalExpand, kernel: 1, side: side) + batchNorm(finalExpand)
        fixed += elementOperations(finalExpand * side * side)  // h-swish
        fixed += elementOperations(finalExpand * side + finalExpand)  // mean over width, then height
        fixed += convolution(inputs: finalExpand, outputs: featureMix, kernel: 1, side: 1)
        fixed += elementOperations(featureMix)  // h-swish
        fixed += linear(inputs: featureMix, outputs: Self.classes)
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
                          expandGenes: expandGenes, depthGenes: depthGenes, stages: Self.stages.count,
                          blocksPerStage: Self.blocksPerStage)
    }
}
