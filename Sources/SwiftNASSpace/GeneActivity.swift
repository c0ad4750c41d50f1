/// Which genes a configuration actually uses, compiled once from a space's depth rules.
///
/// `canonicalize` resets unused genes to value index 0, so configurations that describe the same
/// sub-network get the same encoding, hash and key, and are never evaluated twice.
public struct GeneActivity: Sendable, Hashable {
    /// For every governed gene: the depth gene that controls it and its block position within its stage.
    struct Governed: Sendable, Hashable {
        var gene: Int
        var depthGene: Int
        var block: Int
    }

    var governed: [Governed]
    /// For each gene, the number of active blocks per depth value index (empty for non-depth genes).
    var activeBlocksByValue: [[Int]]

    public init(space: SearchSpace) {
        let offsets = space.geneOffsets
        governed = []
        activeBlocksByValue = Array(repeating: [], count: space.geneCount)
        for rule in space.depthRules {
            guard let d = space.parameterIndex(rule.depthParameter) else { continue }
            for stage in rule.stageBlocks.indices {
                let depthGene = offsets[d] + rule.firstDepthGene + stage
                activeBlocksByValue[depthGene] = space.parameters[d].values.map { rule.activeBlocks(stage: stage, depthValue: $0) }
            }
            for g in rule.blockGenes(in: space, offsets: offsets) {
                governed.append(Governed(gene: g.gene, depthGene: offsets[d] + rule.firstDepthGene + g.stage, block: g.block))
            }
        }
    }

    /// True when the space declares no inactive genes.
    public var isTrivial: Bool { governed.isEmpty }

    /// Resets inactive genes of a value-index vector to 0.
    public func canonicalize(_ indices: inout [Int]) {
        for g in governed where g.block >= activeBlocksByValue[g.depthGene][indices[g.depthGene]] {
            indices[g.gene] = 0
        }
    }

    /// Whether each gene is used by the configuration with these value indices.
    public func activeMask(_ indices: [Int]) -> [Bool] {
        var mask = [Bool](repeating: true, count: indices.count)
        for g in governed where g.block >= activeBlocksByValue[g.depthGene][indices[g.depthGene]] {
            mask[g.gene] = false
        }
        return mask
    }
}
