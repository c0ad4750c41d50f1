import SwiftNASEvaluation
import SwiftNASSpace

/// Costs of OFA ProxylessNAS sub-networks (`ofa_proxyless_d234_e346_k357_w1.3`) at 224×224.
///
/// Structure (once-for-all `elastic_nn/networks/ofa_proxyless.py`): base widths 32, 16, 24, 40, 80, 96, 192,
/// 320, 1280 × 1.3, each `make_divisible(…, 8)` (40, 24, 32, 56, 104, 128, 248, 416, 1664); stem 3×3/2
/// convolution + BN + ReLU6; a fixed first block (3×3 depthwise 40, 1×1 projection to 24); five elastic stages
/// of up to four inverted-residual blocks (ReLU6, no squeeze-and-excitation) with strides 2, 2, 2, 1, 2; a sixth
/// stage of one elastic block to 416 channels; 1×1 feature mix to 1664 + BN + ReLU6, global average pool, linear
/// classifier to 1000 classes.
///
/// DyNAS-T's space has 20 `ks`/`e` genes and 5 `d` genes, but the super-network has 21 elastic blocks:
/// `set_active_subnet` zips the lists with the blocks, so the sixth stage's block keeps its initial (largest)
/// setting, kernel 7 and expand ratio 6. This model prices it that way.
public struct ProxylessCosts: CostModel {
    public let space: SearchSpace
    let kernelGenes: GeneLayout
    let expandGenes: GeneLayout
    let depthGenes: GeneLayout
    let fixedCosts: Costs
    /// Cost of the block at position p with kernel index k and expand index e, at `(p × kernels + k) × expands + e`.
    let blockCosts: [Costs]

    static let widthMultiplier = 1.3
    static let stages: [(width: Int, stride: Int)] = [(24, 2), (40, 2), (80, 2), (96, 1), (192, 2)]
    static let blocksPerStage = 4
    static let resolution = 224
    static let classes = 1000

    /// Builds the tables for the ProxylessNAS space.
    public init(space: SearchSpace) throws {
        self.space = space
        kernelGenes = try GeneLayout("ks", in: space)
        expandGenes = try GeneLayout("e", in: space)
        depthGenes = try GeneLayout("d", in: space)
        let width = { (base: Int) in makeDivisible(Double(base) * Self.widthMultiplier) }

        var side = stridedSide(Self.resolution, stride: 2)
        let stem = width(32), firstBlock = width(16)
        var fixed = convolution(inputs: 3, outputs: stem, kernel: 3, side: side) + batchNorm(stem)
        fixed += convolution(inputs: stem, outputs: stem, kernel: 3, side: side, groups: stem) + batchNorm(stem)
        fixed += convolution(inputs: stem, outputs: firstBlock, kernel: 1, side: side) + batchNorm(firstBlock)

        var table: [Costs] = []
        var inputs = firstBlock
        for stage in Self.stages {
            let outputs = width(stage.width)
            for block in 0..<Self.blocksPerStage {
                let outSide = stridedSide(side, stride: block == 0 ? stage.stride : 1)
                for kernel in kernelGenes.numbers {
                    for expand in expandGenes.numbers {
                        table.append(Self.invertedResidual(inputs: inputs, outputs: outputs, kernel: Int(kernel),
                                                           expand: expand, inSide: side, outSide: outSide))
                    }
                }
                inputs = outputs
                side = outSide
            }
        }
        blockCosts = table

        let lastBlock = width(320), featureMix = width(1280)
        fixed += Self.invertedResidual(inputs: inputs, outputs: lastBlock, kernel: Int(kernelGenes.numbers.max() ?? 7),
                                       expand: expandGenes.numbers.max() ?? 6, inSide: side, outSide: side)
        fixed += convolution(inputs: lastBlock, outputs: featureMix, kernel: 1, side: side) + batchNorm(featureMix)
        fixed += elementOperations(featureMix * side + featureMix)  // mean over width, then height
        fixed += linear(inputs: featureMix, outputs: Self.classes)
        fixedCosts = fixed
    }

    /// One inverted-residual block without squeeze-and-excitation.
    static func invertedResidual(inputs: Int, outputs: Int, kernel: Int, expand: Double, inSide: Int, outSide: Int) -> Costs {
        let middle = makeDivisible(Double(pythonRound(Double(inputs) * expand)))
        return convolution(inputs: inputs, outputs: middle, kernel: 1, side: inSide) + batchNorm(middle)
            + convolution(inputs: middle, outputs: middle, kernel: kernel, side: outSide, groups: middle) + batchNorm(middle)
            + convolution(inputs: middle, outputs: outputs, kernel: 1, side: outSide) + batchNorm(outputs)
    }

    public func costs(of configuration: Configuration) -> Costs {
        elasticBlockCosts(of: configuration, fixed: fixedCosts, table: blockCosts, kernelGenes: kernelGenes,
                          expandGenes: expandGenes, depthGenes: depthGenes, stages: Self.stages.count,
                          blocksPerStage: Self.blocksPerStage)
    }
}
