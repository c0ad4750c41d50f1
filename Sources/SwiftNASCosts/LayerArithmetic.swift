import SwiftNASEvaluation
import SwiftNASCore
import SwiftNASSpace

/// Where one parameter's genes sit in a configuration, and the number each value index stands for.
struct GeneLayout: Sendable {
    let offset: Int
    let count: Int
    let numbers: [Double]

    /// Reads parameter `name` of `space`, each value standing for the number `number` gives (by default the value
    /// itself); throws when the space lacks the parameter or `number` has none for a value (`expected` says what
    /// values the cost model takes).
    init(_ name: String, in space: SearchSpace, expected: String = "numeric values",
         number: (ParameterValue) -> Double? = { $0.number }) throws {
        guard let p = space.parameterIndex(name) else {
            throw InputError(source: space.name, field: name, "cost model needs this parameter")
        }
        offset = space.geneOffsets[p]
        count = space.parameters[p].count
        numbers = try space.parameters[p].values.enumerated().map { i, value in
            guard let number = number(value) else {
                throw InputError(source: space.name, field: "\(name)[\(i)]", "cost model needs \(expected), not '\(value)'")
            }
            return number
        }
    }

    /// The value index of gene `i` of this parameter.
    @inline(__always) func index(_ configuration: Configuration, _ i: Int) -> Int { configuration.indices[offset + i] }

    /// The numeric value of gene `i` of this parameter.
    @inline(__always) func number(_ configuration: Configuration, _ i: Int) -> Double { numbers[index(configuration, i)] }

    /// The integer value of gene `i` of this parameter.
    @inline(__always) func integer(_ configuration: Configuration, _ i: Int) -> Int { Int(number(configuration, i)) }
}

/// Bytes per fp32 weight.
let fp32Bytes = 4

/// OFA's `make_divisible(v, 8)` (once-for-all `ofa/utils/pytorch_modules.py`, after TensorFlow's MobileNet): the
/// nearest multiple of 8, at least 8, never more than 10 % below `value`.
func makeDivisible(_ value: Double, by divisor: Int = 8) -> Int {
    var result = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
    if Double(result) < 0.9 * value { result += divisor }
    return result
}

/// Python's `round` (half to even), used by OFA for expanded channel counts.
func pythonRound(_ value: Double) -> Int { Int(value.rounded(.toNearestOrEven)) }

/// The output side of a same-padded convolution or pool over a square input.
func stridedSide(_ side: Int, stride: Int) -> Int { (side + stride - 1) / stride }

/// A 2-D convolution (`groups` equal to the input channels for depthwise) producing a `side`×`side` map;
/// fp32 weights unless `weightBits` says otherwise.
func convolution(inputs: Int, outputs: Int, kernel: Int, side: Int, groups: Int = 1, bias: Bool = false,
                 weightBits: Int = 32) -> Costs {
    let weights = outputs * (inputs / groups) * kernel * kernel
    let biases = bias ? outputs : 0
    return Costs(parameters: weights + biases, multiplyAccumulates: weights * side * side,
                 weightBytes: weights * weightBits / 8 + biases * fp32Bytes)
}

/// Batch normalisation over `channels`: two affine parameters per channel, no MACs (folded into the
/// convolution before counting, as DyNAS-T does).
func batchNorm(_ channels: Int) -> Costs {
    Costs(parameters: 2 * channels, weightBytes: 2 * channels * fp32Bytes)
}

/// A linear layer applied to `tokens` rows.
func linear(inputs: Int, outputs: Int, tokens: Int = 1, bias: Bool = true, weightBits: Int = 32) -> Costs {
    let weights = inputs * outputs
    let biases = bias ? outputs : 0
    return Costs(parameters: weights + biases, multiplyAccumulates: tokens * weights,
                 weightBytes: weights * weightBits / 8 + biases * fp32Bytes)
}

/// A layer norm over `width` features applied to `tokens` rows: 2 × `width` parameters; torchprofile counts one
/// operation per output element.
func layerNorm(_ width: Int, tokens: Int) -> Costs {
    Costs(parameters: 2 * width, profilerExtras: tokens * width, weightBytes: 2 * width * fp32Bytes)
}

/// Only extra element operations (no parameters, no MACs).
func elementOperations(_ count: Int) -> Costs { Costs(profilerExtras: count) }

/// Parameters that exist (stored weights) but that DyNAS-T's parameter count leaves out.
func uncountedWeights(_ count: Int, weightBits: Int = 32) -> Costs { Costs(weightBytes: count * weightBits / 8) }

/// The cost of an OFA-style elastic network (MobileNetV3, ProxylessNAS) whose block costs are tabulated by
/// position, kernel-size index, expand-ratio index and, where blocks have a precision gene, its value index
/// (`table[((position · kernels + k) · expands + e) · precisions + p]`, one precision without such genes): the
/// `fixed` layers plus every block within its stage's depth.
func elasticBlockCosts(
    of configuration: Configuration, fixed: Costs, table: [Costs], kernelGenes: GeneLayout, expandGenes: GeneLayout,
    depthGenes: GeneLayout, precisionGenes: GeneLayout? = nil, stages: Int, blocksPerStage: Int
) -> Costs {
    var total = fixed
    let kernels = kernelGenes.numbers.count, expands = expandGenes.numbers.count
    let precisions = precisionGenes?.numbers.count ?? 1
    for stage in 0..<stages {
        let depth = min(depthGenes.integer(configuration, stage), blocksPerStage)
        for block in 0..<depth {
            let position = stage * blocksPerStage + block
            let k = kernelGenes.index(configuration, position), e = expandGenes.index(configuration, position)
            let p = precisionGenes?.index(configuration, position) ?? 0
            total += table[((position * kernels + k) * expands + e) * precisions + p]
        }
    }
    return total
}
