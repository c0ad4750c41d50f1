import SwiftNASAlgorithms

/// A small discrete bi-objective problem: `valueCounts[i]` values per gene. With `ignoresLastGene`, the
/// last gene is unused whenever the first gene is 0 (as a disabled layer's width), and canonicalisation
/// sets it to 0 then.
struct GridProblem: Problem {
    let domain: SearchDomain

    init(valueCounts: [Int], ignoresLastGene: Bool = false, objectiveCount: Int = 2) {
        let last = valueCounts.count - 1
        domain = SearchDomain(
            variables: valueCounts.map { Variable.categorical($0) }, objectiveCount: objectiveCount,
            canonicalize: { genes in
                guard ignoresLastGene, genes[0] == 0 else { return genes }
                var canonical = genes
                canonical[last] = 0
                return canonical
            })
    }

    var name: String { "grid" }

    func evaluate(_ genes: [Double]) -> Evaluation {
        let size = genes.reduce(0, +)
        let spread = genes.enumerated().reduce(0) { $0 + ($1.element - Double($1.offset % 3)) * ($1.element - Double($1.offset % 3)) }
        return Evaluation(objectives: domain.objectiveCount == 1 ? [spread] : [size, spread])
    }
}

/// Sphere with the constraint x₀ ≥ 0.8 (g = 0.8 − x₀ ≤ 0): the optimum 0.09 lies on the boundary.
struct ConstrainedSphere: Problem {
    let domain = SearchDomain(
        variables: Array(repeating: Variable(lower: 0, upper: 1), count: 5), objectiveCount: 1, constraintCount: 1)

    var name: String { "constrained-sphere" }

    func evaluate(_ x: [Double]) -> Evaluation {
        Evaluation(objectives: [x.reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) }], constraints: [0.8 - x[0]])
    }
}

/// Runs `algorithm` on `problem` and returns every batch it asked, in order.
func recordAsks(_ problem: some Problem, _ algorithm: inout some Algorithm, evaluations budget: Int) -> [[[Double]]] {
    var asked: [[[Double]]] = []
    var spent = 0
    while spent < budget {
        var batch = algorithm.ask()
        if batch.isEmpty { break }
        if batch.count > budget - spent { batch.removeLast(batch.count - (budget - spent)) }
        asked.append(batch)
        algorithm.tell(batch.map(problem.evaluate))
        spent += batch.count
    }
    return asked
}

/// Creates the registered algorithm `name` for `problem`.
func make(_ name: String, for problem: some Problem, population: Int = 20, seed: UInt64 = 7) throws -> any Algorithm {
    try AlgorithmRegistry.make(name, domain: problem.domain, settings: AlgorithmSettings(populationSize: population, seed: seed))
}

/// `recordAsks` for an existential algorithm.
func recordAsks(_ problem: some Problem, _ algorithm: any Algorithm, evaluations: Int) -> (asked: [[[Double]]], algorithm: any Algorithm) {
    var opened = algorithm
    let asked = recordAsks(problem, &opened, evaluations: evaluations)
    return (asked, opened)
}
