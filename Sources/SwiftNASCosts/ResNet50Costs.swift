import SwiftNASEvaluation
import SwiftNASSpace

/// Costs of OFA ResNet50 sub-networks (`ofa_resnet50`, and the fp32 structure plus quantised weight bytes of
/// `inc_quantization_ofa_resnet50`) at 224×224.
///
/// Structure (once-for-all `elastic_nn/networks/ofa_resnets.py`, `networks/resnets.py`, `utils/layers.py`; the
/// model zoo's `ofa_resnet50` uses depth list 0, 1, 2, expand ratios 0.2, 0.25, 0.35, width multipliers 0.65,
/// 0.8, 1.0): input stem of three 3×3 convolutions + BN + ReLU (3 → mid /2, mid → mid as a residual block that
/// `d[0] ≠ 2` skips, mid → stem), with stem widths `make_divisible(64 × w, 8)` = 40, 48, 64 chosen by `w[1]` and
/// mid widths `make_divisible(stem / 2, 8)` = 24, 24, 32 chosen by `w[0]`; 3×3/2 max pool; four stages of
/// bottleneck blocks (base depths 2, 2, 4, 2 plus `d[1…4]`, strides 1, 2, 2, 2, widths
/// `make_divisible({256, 512, 1024, 2048} × w, 8)` chosen by `w[2…5]`), each 1×1 → 3×3 (stride) → 1×1 with BN,
/// middle width `make_divisible(round(out × e), 8)`, and on a stage's first block an average-pool + 1×1 + BN
/// shortcut; global average pool; linear classifier to 1000 classes with bias.
///
/// Quantised variant: `q_bits[i]` is the weight width of the i-th of the 61 convolutions of the full super-network
/// in module order (DyNAS-T's `OFA_ResNet50_DepthParser`): three stem convolutions, then per block conv1, conv2,
/// conv3 and, on a stage's first block, the shortcut convolution. As in DyNAS-T, when the stem's residual
/// convolution is skipped its masked list leaves `q_bits[2]` unused and the last stem convolution takes
/// `q_bits[1]`. BN parameters and the classifier stay fp32.
public struct ResNet50Costs: CostModel {
    public let space: SearchSpace
    let depthGenes: GeneLayout
    let expandGenes: GeneLayout
    let widthGenes: GeneLayout
    let bitGenes: GeneLayout?
    /// Stem mid widths and stem output widths per width index.
    let stemMiddleWidths: [Int]
    let stemWidths: [Int]
    /// Output width per stage and width index.
    let stageWidths: [[Int]]
    /// Whether each depth value index keeps the stem's residual convolution.
    let keepsStemResidual: [Bool]
    /// The most blocks a depth gene adds to a stage's base depth.
    let deepestExtraBlocks: Int

    static let widthMultipliers = [0.65, 0.8, 1.0]
    static let stageBaseWidths = [256, 512, 1024, 2048]
    static let baseDepths = [2, 2, 4, 2]
    static let strides = [1, 2, 2, 2]
    static let resolution = 224
    static let classes = 1000

    /// Reads the gene layout of `space` (`ofa_resnet50` or its quantised variant, whose `q_bits` it prices).
    public init(space: SearchSpace) throws {
        self.space = space
        depthGenes = try GeneLayout("d", in: space)
        expandGenes = try GeneLayout("e", in: space)
        widthGenes = try GeneLayout("w", in: space)
        bitGenes = space.parameterIndex("q_bits") == nil ? nil : try GeneLayout("q_bits", in: space)
        stemWidths = Self.widthMultipliers.map { makeDivisible(64 * $0) }
        stemMiddleWidths = stemWidths.map { makeDivisible(Double($0 / 2)) }
        stageWidths = Self.stageBaseWidths.map { base in Self.widthMultipliers.map { makeDivisible(Double(base) * $0) } }
        let deepest = depthGenes.numbers.max() ?? 0
        keepsStemResidual = depthGenes.numbers.map { $0 == deepest }
        deepestExtraBlocks = Int(deepest)
    }

    /// The weight width of quantisable convolution `layer` (32 when the space has no `q_bits`).
    @inline(__always) func bits(_ configuration: Configuration, _ layer: Int) -> Int {
        bitGenes?.integer(configuration, layer) ?? 32
    }

    public func costs(of configuration: Configuration) -> Costs {
        var total = Costs()
        // Input stem at 112×112.
        var side = stridedSide(Self.resolution, stride: 2)
        let middle = stemMiddleWidths[widthGenes.index(configuration, 0)]
        var channels = stemWidths[widthGenes.index(configuration, 1)]
        total += convolution(inputs: 3, outputs: middle, kernel: 3, side: side, weightBits: bits(configuration, 0))
            + batchNorm(middle)
        let lastStemBits: Int
        if keepsStemResidual[depthGenes.index(configuration, 0)] {
            total += convolution(inputs: middle, outputs: middle, kernel: 3, side: side, weightBits: bits(configuration, 1))
                + batchNorm(middle)
            lastStemBits = bits(configuration, 2)
        } else {
            lastStemBits = bits(configuration, 1)
        }
        total += convolution(inputs: middle, outputs: channels, kernel: 3, side: side, weightBits: lastStemBits)
            + batchNorm(channels)
        side = stridedSide(side, stride: 2)  // 3×3/2 max pool, padding 1

        var block = 0, layer = 3
        for stage in 0..<Self.baseDepths.count {
            let maximum = Self.baseDepths[stage] + deepestExtraBlocks
            let active = Self.baseDepths[stage] + depthGenes.integer(configuration, stage + 1)
            let outputs = stageWidths[stage][widthGenes.index(configuration, stage + 2)]
            for position in 0..<maximum {
                let shortcutLayers = position == 0 ? 1 : 0
                if position < active {
                    let stride = position == 0 ? Self.strides[stage] : 1
                    let outSide = stridedSide(side, stride: stride)
                    let expand = expandGenes.number(configuration, block)
                    let width = makeDivisible(Double(pythonRound(Double(outputs) * expand)))
                    total += convolution(inputs: channels, outputs: width, kernel: 1, side: side,
                                         weightBits: bits(configuration, layer)) + batchNorm(width)
                    total += convolution(inputs: width, outputs: width, kernel: 3, side: outSide,
                                         weightBits: bits(configuration, layer + 1)) + batchNorm(width)
                    total += convolution(inputs: width, outputs: outputs, kernel: 1, side: outSide,
                                         weightBits: bits(configuration, layer + 2)) + batchNorm(outputs)
                    if stride != 1 || channels != outputs {
                        total += elementOperations(channels * outSide * outSide)  // average pool output
                        total += convolution(inputs: channels, outputs: outputs, kernel: 1, side: outSide,
                                             weightBits: bits(configuration, layer + 3)) + batchNorm(outputs)
                    }
                    channels = outputs
                    side = outSide
                }
                block += 1
                layer += 3 + shortcutLayers
            }
        }
        total += elementOperations(channels * side + channels)  // global pool: mean over width, then height
        total += linear(inputs: channels, outputs: Self.classes)
        return total
    }
}
