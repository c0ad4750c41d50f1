import Foundation
import SwiftNASCore

/// One value a parameter can take: an integer, a real number or a string (DyNAS-T's `vars`).
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        }
    }

    /// The numeric value, when there is one (used for ordinal predictor features and cost models).
    public var number: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .string: return nil
        }
    }

    /// The value as a literal, for writing configurations.
    public var literal: Literal {
        switch self {
        case .int(let v): return .int(v)
        case .double(let v): return .double(v)
        case .string(let v): return .string(v)
        }
    }

    /// Whether a literal read from a file names this value (`3` and `3.0` both name `.int(3)`).
    public func matches(_ literal: Literal) -> Bool {
        switch (self, literal) {
        case let (.string(a), .string(b)): return a == b
        case (.string, _), (_, .string): return false
        default:
            guard let a = number else { return false }
            switch literal {
            case .int(let b): return a == Double(b)
            case .double(let b): return a == b
            default: return false
            }
        }
    }
}

/// A named group of `count` genes sharing one ordered list of allowed values (DyNAS-T's `param_dict` entry).
public struct Parameter: Sendable, Hashable, Codable {
    public var name: String
    public var count: Int
    public var values: [ParameterValue]

    public init(name: String, count: Int, values: [ParameterValue]) {
        self.name = name
        self.count = count
        self.values = values
    }

    /// The index of the value a literal names, if any.
    public func valueIndex(of literal: Literal) -> Int? {
        values.firstIndex { $0.matches(literal) }
    }
}

/// An ordered list of parameters: the set of sub-networks a super-network holds.
///
/// Genes are laid out parameter after parameter, in order; a configuration is encoded as one value index per
/// gene. `depthRules` say which genes a configuration does not use (blocks beyond a stage's depth), so that
/// configurations differing only there are the same sub-network.
public struct SearchSpace: Sendable, Hashable, Codable {
    public var name: String
    public var parameters: [Parameter]
    public var depthRules: [DepthRule]

    /// Creates a space, checking it is well formed. `source` names where it came from, for errors.
    public init(name: String, parameters: [Parameter], depthRules: [DepthRule] = [], source: String = "search space") throws {
        self.name = name
        self.parameters = parameters
        self.depthRules = depthRules
        try validate(source: source)
    }

    /// Total number of genes (the length of an encoded configuration).
    public var geneCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// The first gene index of each parameter.
    public var geneOffsets: [Int] {
        var offsets: [Int] = []
        var next = 0
        for p in parameters { offsets.append(next); next += p.count }
        return offsets
    }

    /// The parameter index called `name`.
    public func parameterIndex(_ name: String) -> Int? { parameters.firstIndex { $0.name == name } }

    /// The number of values of each gene, in gene order.
    public var choicesPerGene: [Int] { parameters.flatMap { Array(repeating: $0.values.count, count: $0.count) } }

    /// The most genes a space may have: far beyond any super-network (quantised BERT has 99), small enough that
    /// every per-gene table stays cheap.
    public static let maximumGenes = 100_000

    func validate(source: String) throws {
        if name.isEmpty { throw InputError(source: source, field: "name", "must not be empty") }
        if parameters.isEmpty { throw InputError(source: source, field: "parameters", "must list at least one parameter") }
        var seen = Set<String>()
        for (i, p) in parameters.enumerated() {
            let field = "parameters[\(i)]"
            if p.name.isEmpty { throw InputError(source: source, field: "\(field).name", "must not be empty") }
            if !seen.insert(p.name).inserted {
                throw InputError(source: source, field: "\(field).name", "duplicate parameter name '\(p.name)'")
            }
            if p.count < 1 { throw InputError(source: source, field: "\(field).count", "must be at least 1, got \(p.count)") }
            if p.count > Self.maximumGenes {
                throw InputError(source: source, field: "\(field).count", "\(p.count) genes is more than a search space may have (\(Self.maximumGenes))")
            }
            if p.values.isEmpty { throw InputError(source: source, field: "\(field).values", "must list at least one value") }
            if Set(p.values).count != p.values.count {
                throw InputError(source: source, field: "\(field).values", "values must be distinct")
            }
        }
        if geneCount > Self.maximumGenes {
            throw InputError(source: source, field: "parameters", "\(geneCount) genes in all is more than a search space may have (\(Self.maximumGenes))")
        }
        for (i, rule) in depthRules.enumerated() {
            try rule.validate(in: self, source: source, field: "depth_rules[\(i)]")
        }
    }

    /// The number of distinct sub-networks: configurations that differ only in inactive genes count once.
    /// A `Double` because real spaces exceed 64 bits (OFA-MobileNetV3: about 2.2 × 10^19).
    public var size: Double {
        var covered = Set<Int>()
        var total = 1.0
        let offsets = geneOffsets
        for rule in depthRules {
            let (count, genes) = rule.distinctCount(in: self, offsets: offsets)
            total *= count
            covered.formUnion(genes)
        }
        for (p, parameter) in parameters.enumerated() {
            for g in 0..<parameter.count where !covered.contains(offsets[p] + g) {
                total *= Double(parameter.values.count)
            }
        }
        return total
    }
}

/// Declares genes inactive beyond a depth: "stage s uses only its first `base + depth` blocks".
///
/// OFA-MobileNetV3: depth parameter `d` (one gene per stage, values 2/3/4), block parameters `ks` and `e`
/// (one gene per block, 4 blocks per stage). BERT: `num_layers` (one gene) over 12 layers of
/// `num_attention_heads` and `intermediate_size`.
public struct DepthRule: Sendable, Hashable, Codable {
    /// A parameter whose genes belong to blocks: `genesPerBlock` consecutive genes per block, after `offset`
    /// leading genes that are always active (e.g. an embedding layer's quantisation bits).
    public struct BlockParameter: Sendable, Hashable, Codable {
        public var name: String
        public var offset: Int
        public var genesPerBlock: Int

        public init(_ name: String, offset: Int = 0, genesPerBlock: Int = 1) {
            self.name = name
            self.offset = offset
            self.genesPerBlock = genesPerBlock
        }
    }

    /// The parameter whose gene `s` gives the depth of stage `s` (numeric values).
    public var depthParameter: String
    /// The parameters with genes per block.
    public var blockParameters: [BlockParameter]
    /// The maximum number of blocks of each stage; one entry per depth gene.
    public var stageBlocks: [Int]
    /// Added to the depth value to give the number of active blocks (OFA-ResNet50's depth genes are 0/1/2
    /// on top of base depths 2, 2, 4, 2).
    public var baseDepth: [Int]
    /// The first depth gene used by stage 0 (OFA-ResNet50's gene 0 is the input stem, not a stage).
    public var firstDepthGene: Int

    public init(
        depthParameter: String, blockParameters: [BlockParameter], stageBlocks: [Int],
        baseDepth: [Int]? = nil, firstDepthGene: Int = 0
    ) {
        self.depthParameter = depthParameter
        self.blockParameters = blockParameters
        self.stageBlocks = stageBlocks
        self.baseDepth = baseDepth ?? Array(repeating: 0, count: stageBlocks.count)
        self.firstDepthGene = firstDepthGene
    }

    var totalBlocks: Int { stageBlocks.reduce(0, +) }

    func validate(in space: SearchSpace, source: String, field: String) throws {
        guard let d = space.parameterIndex(depthParameter) else {
            throw InputError(source: source, field: "\(field).depth", "no parameter named '\(depthParameter)'")
        }
        if baseDepth.count != stageBlocks.count {
            throw InputError(source: source, field: "\(field).base_depth", "needs one entry per stage (\(stageBlocks.count))")
        }
        // Every count below is bounded by the space's gene limit before any arithmetic, so that absurd numbers in a
        // space file are errors, never overflows or loops over billions of blocks.
        let limit = SearchSpace.maximumGenes
        if let i = stageBlocks.firstIndex(where: { !(0...limit).contains($0) }) {
            throw InputError(source: source, field: "\(field).stage_blocks[\(i)]", "must be from 0 to \(limit), got \(stageBlocks[i])")
        }
        if let i = baseDepth.firstIndex(where: { !(-limit...limit).contains($0) }) {
            throw InputError(source: source, field: "\(field).base_depth[\(i)]", "must be from -\(limit) to \(limit), got \(baseDepth[i])")
        }
        if firstDepthGene < 0 || firstDepthGene > space.parameters[d].count - stageBlocks.count {
            throw InputError(source: source, field: "\(field).stage_blocks",
                             "\(stageBlocks.count) stages need that many genes of '\(depthParameter)' (it has \(space.parameters[d].count))")
        }
        // GeneActivity keeps the active blocks of every stage for every depth value.
        if stageBlocks.count * space.parameters[d].values.count > 1_000_000 {
            throw InputError(source: source, field: "\(field).stage_blocks",
                             "\(stageBlocks.count) stages × \(space.parameters[d].values.count) depth values is more than 1000000")
        }
        for (i, v) in space.parameters[d].values.enumerated() {
            guard let n = v.number, n == n.rounded(), n >= 0, n <= Double(limit) else {
                throw InputError(source: source, field: "parameters[\(d)].values[\(i)]", "a depth must be a whole number from 0 to \(limit)")
            }
        }
        for (i, block) in blockParameters.enumerated() {
            guard let p = space.parameterIndex(block.name) else {
                throw InputError(source: source, field: "\(field).blocks[\(i)]", "no parameter named '\(block.name)'")
            }
            let genes = space.parameters[p].count
            if block.genesPerBlock < 1 || block.genesPerBlock > genes || block.offset < 0 || block.offset > genes
                || block.offset + block.genesPerBlock * totalBlocks > genes {
                throw InputError(source: source, field: "\(field).blocks[\(i)]",
                                 "'\(block.name)' has \(space.parameters[p].count) genes, fewer than its blocks need")
            }
        }
    }

    /// Number of active blocks of `stage` for the depth value at `valueIndex`, clamped to the stage's blocks.
    func activeBlocks(stage: Int, depthValue: ParameterValue) -> Int {
        let depth = Int(depthValue.number ?? 0)
        return max(0, min(stageBlocks[stage], baseDepth[stage] + depth))
    }

    /// For each gene index of the space this rule governs: the stage and block it belongs to.
    func blockGenes(in space: SearchSpace, offsets: [Int]) -> [(gene: Int, stage: Int, block: Int, choices: Int)] {
        var result: [(Int, Int, Int, Int)] = []
        for block in blockParameters {
            guard let p = space.parameterIndex(block.name) else { continue }
            var blockIndex = 0
            for (stage, blocks) in stageBlocks.enumerated() {
                for b in 0..<blocks {
                    for k in 0..<block.genesPerBlock {
                        let gene = offsets[p] + block.offset + blockIndex * block.genesPerBlock + k
                        result.append((gene, stage, b, space.parameters[p].values.count))
                    }
                    blockIndex += 1
                }
            }
        }
        return result
    }

    /// Exact number of distinct assignments of the depth genes and block genes, and the genes covered.
    func distinctCount(in space: SearchSpace, offsets: [Int]) -> (Double, Set<Int>) {
        guard let d = space.parameterIndex(depthParameter) else { return (1, []) }
        let genes = blockGenes(in: space, offsets: offsets)
        var covered = Set(genes.map(\.gene))
        // Per stage, the product of the choices of its first b blocks' genes (prefix products over blocks), so the
        // count takes one pass over the genes and one lookup per stage and depth value.
        var perBlock = stageBlocks.map { [Double](repeating: 1, count: $0) }
        for g in genes { perBlock[g.stage][g.block] *= Double(g.choices) }
        var total = 1.0
        for stage in stageBlocks.indices {
            covered.insert(offsets[d] + firstDepthGene + stage)
            var prefix = [1.0]
            prefix.reserveCapacity(stageBlocks[stage] + 1)
            for product in perBlock[stage] { prefix.append(prefix[prefix.count - 1] * product) }
            var stageTotal = 0.0
            for value in space.parameters[d].values {
                stageTotal += prefix[activeBlocks(stage: stage, depthValue: value)]
            }
            total *= stageTotal
        }
        return (total, covered)
    }
}

extension SearchSpace {
    /// The number of distinct sub-networks for messages: exact below 10^15, scientific notation above
    /// (`2.183e+19`).
    public var sizeDescription: String {
        size < 1e15 ? String(Int(size)) : String(format: "%.3e", size)
    }
}
