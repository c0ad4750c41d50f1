import SwiftNASCore

/// MOEA/D (Zhang & Li 2007) as pymoo 0.6.2's `MOEAD`: one subproblem per reference direction, scalarized by
/// Tchebycheff (two objectives) or PBI θ = 5 (more), each mated inside its 20 nearest neighbours with
/// probability 0.9 (else with the whole population), the child replacing every neighbour it improves.
///
/// pymoo runs the subproblems one evaluation at a time in a random order; here one ask holds one child per
/// subproblem in that order (mated from the population as it was when asked), and `tell` replays pymoo's
/// steady-state updates in that order: ideal point first, then neighbour replacement. pymoo's MOEAD rejects
/// constrained problems; here a child replaces a neighbour by feasibility first (smaller violation wins,
/// then the scalarized value), Deb's constraint-domination rules.
public struct MOEAD: RegisteredAlgorithm {
    public static let name = "moead"
    public static let summary = "MOEA/D: decomposition into neighbouring scalar subproblems (Zhang & Li 2007)"
    public static let objectiveCounts = 2...Int.max
    public static let options = AlgorithmSettings.referenceDirectionsDescription

    /// pymoo `MOEAD(n_neighbors=20, prob_neighbor_mating=0.9)`.
    static let neighbourCount = 20
    static let neighbourMatingProbability = 0.9

    private var core: GenerationalCore
    private let mating: OneChildMating
    let directions: [[Double]]
    /// For each subproblem, the indices of its nearest directions (itself first).
    let neighbours: [[Int]]
    let scalarization: Scalarization
    /// Subproblem `i` is held by `population[i]`.
    public private(set) var population: [Individual] = []
    private var ideal: [Double] = []
    /// Subproblem of each pending child.
    private var pendingSubproblems: [Int] = []

    /// MOEA/D with pymoo's MOEAD operators for real domains (SBX prob 1 η 20, polynomial mutation η 20) or
    /// the search-space defaults for discrete ones; one subproblem per reference direction
    /// (`ReferenceDirections.standard`).
    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        let slots = try DirectionSlots(domain: domain, settings: settings, crossoverEta: 20)
        core = slots.core
        mating = slots.mating
        directions = slots.directions
        neighbours = MOEAD.nearest(Swift.min(MOEAD.neighbourCount, directions.count), of: directions)
        scalarization = Scalarization.moeadDefault(objectiveCount: domain.objectiveCount)
    }

    /// The feasible non-dominated subproblem holders, each once (a child may hold several subproblems).
    public var best: [Individual] {
        var seen = Set<[Double]>()
        return FeasibilityFirst.best(of: population).filter { seen.insert($0.genes).inserted }
    }

    public mutating func ask() -> [[Double]] {
        if population.count < directions.count {
            pendingSubproblems = []
            let samples = core.sample(count: directions.count - population.count, avoiding: population)
            if !samples.isEmpty || population.isEmpty { return core.asking(samples) }
            // A discrete space too small for one new candidate per subproblem: the rest share members.
            for subproblem in population.count..<directions.count {
                population.append(population[subproblem % population.count])
            }
        }
        var order = Array(directions.indices)
        order.shuffle(using: &core.random)
        let members = population, neighbours = neighbours
        let children = mating.offspring(
            slots: order, population: members, variables: core.domain.variables,
            duplicates: &core.duplicates, using: &core.random
        ) { missing, random in
            missing.map { subproblem in
                let pool = random.nextUnit() < MOEAD.neighbourMatingProbability
                    ? neighbours[subproblem] : Array(members.indices)
                return MOEAD.distinctPair(from: pool, using: &random)
            }
        }
        // Subproblems whose mating found nothing new (a converged discrete population) get unique samples.
        let batch = core.toppedUp(children.map(\.genes), population: members)
        let mated = Set(children.map(\.slot))
        pendingSubproblems = children.map(\.slot) + order.filter { !mated.contains($0) }.prefix(batch.count - children.count)
        return core.asking(batch)
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        let subproblems = pendingSubproblems
        let told = core.receive(evaluations)
        if subproblems.isEmpty {
            population += told
            for member in told { updateIdeal(with: member) }
            return
        }
        for (child, subproblem) in zip(told, subproblems) {
            updateIdeal(with: child)
            for neighbour in neighbours[subproblem] where improves(child, on: neighbour) {
                population[neighbour] = child
            }
        }
    }

    private mutating func updateIdeal(with member: Individual) {
        if ideal.isEmpty { ideal = member.objectives; return }
        for k in ideal.indices { ideal[k] = Swift.min(ideal[k], member.objectives[k]) }
    }

    /// Whether `child` is better than the holder of `subproblem`: less violating, or as feasible with a
    /// strictly smaller scalarized value.
    private func improves(_ child: Individual, on subproblem: Int) -> Bool {
        let holder = population[subproblem]
        if child.violation != holder.violation { return child.violation < holder.violation }
        let weight = directions[subproblem]
        return scalarization.value(child.objectives, weight: weight, ideal: ideal)
            < scalarization.value(holder.objectives, weight: weight, ideal: ideal)
    }

    /// Two different members of `pool` drawn uniformly (pymoo `choice(..., 2, replace=False)`); the same
    /// one twice only when the pool has a single member.
    static func distinctPair(from pool: [Int], using random: inout SeededRandom) -> (Int, Int) {
        guard pool.count > 1 else { return (pool[0], pool[0]) }
        let first = random.nextIndex(pool.count)
        var second = random.nextIndex(pool.count - 1)
        if second >= first { second += 1 }
        return (pool[first], pool[second])
    }

    /// For each direction the `count` nearest directions by Euclidean distance, nearest first (ties by
    /// index), so each starts with itself.
    static func nearest(_ count: Int, of directions: [[Double]]) -> [[Int]] {
        directions.map { direction in
            let distances = directions.map { other in
                zip(direction, other).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            }
            return Array(directions.indices.sorted { (distances[$0], $0) < (distances[$1], $1) }.prefix(count))
        }
    }
}
