import SwiftNASAlgorithms
import SwiftNASSpace

extension SearchSpace {
    /// The algorithm's view of this space: one categorical variable per gene (its value index), and a
    /// canonicaliser that resets inactive genes, so duplicate elimination sees sub-networks, not gene vectors.
    public func domain(objectiveCount: Int, constraintCount: Int = 0) -> SearchDomain {
        let activity = GeneActivity(space: self)
        return SearchDomain(
            variables: choicesPerGene.map(Variable.categorical),
            objectiveCount: objectiveCount,
            constraintCount: constraintCount,
            canonicalize: { genes in
                var indices = genes.map { Int($0.rounded()) }
                activity.canonicalize(&indices)
                return indices.map(Double.init)
            })
    }
}
