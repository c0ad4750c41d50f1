import SwiftNASCore

/// Crossover followed by mutation and rounding repair: how two parents become two children.
public struct Variation: Sendable {
    public var crossover: any CrossoverOperator
    public var mutation: any MutationOperator

    public init(crossover: any CrossoverOperator, mutation: any MutationOperator) {
        self.crossover = crossover
        self.mutation = mutation
    }

    /// pymoo NSGA-II's defaults for real-valued problems (`pymoo/algorithms/moo/nsga2.py`): SBX with
    /// probability 0.9 and eta 15, polynomial mutation with eta 20 (pymoo's `PM` applies to an individual
    /// with probability 0.9 and to each variable with probability 1/n).
    public static let realValued = Variation(
        crossover: SimulatedBinaryCrossover(probability: 0.9, eta: 15),
        mutation: PolynomialMutation(probability: 0.9, eta: 20))

    /// DyNAS-T's defaults for search spaces: `SBX(prob=0.9, eta=15.0)` and `PM(prob=0.02, eta=20.0)`, both
    /// with `RoundingRepair`, as passed by `EvolutionaryManager.configure_nsga2` / `configure_ga` /
    /// `configure_age` in IntelLabs/DyNAS-T `dynast/search/evolutionary.py`. DyNAS-T pins pymoo 0.6.0, where
    /// `PM(prob=0.02)` is the probability of mutating an individual at all, each variable then mutating with
    /// probability 1/n; we keep exactly that meaning.
    public static let searchSpace = Variation(
        crossover: SimulatedBinaryCrossover(probability: 0.9, eta: 15),
        mutation: PolynomialMutation(probability: 0.02, eta: 20))

    /// The defaults for `domain`: `searchSpace` when every variable is an integer, else `realValued`.
    public static func defaults(for domain: SearchDomain) -> Variation {
        domain.isDiscrete ? searchSpace : realValued
    }

    /// Two children of `first` and `second`: crossed, mutated, then clamped and rounded where integer.
    public func children(
        of first: [Double], _ second: [Double], variables: [Variable], using random: inout SeededRandom
    ) -> ([Double], [Double]) {
        var (child1, child2) = crossover.cross(first, second, variables: variables, using: &random)
        Repair.round(&child1, to: variables)
        Repair.round(&child2, to: variables)
        mutation.mutate(&child1, variables: variables, using: &random)
        mutation.mutate(&child2, variables: variables, using: &random)
        Repair.round(&child1, to: variables)
        Repair.round(&child2, to: variables)
        return (child1, child2)
    }
}

/// pymoo's mating loop (`pymoo/core/infill.py`, `core/mating.py`): select parents, vary them, drop
/// duplicates, and repeat until enough new children exist or `maxIterations` rounds produced too few (a
/// nearly exhausted space), in which case fewer are returned.
public struct Mating: Sendable {
    public var variation: Variation
    /// Rounds of selection and variation before giving up (pymoo's `n_max_iterations`, 100).
    public var maxIterations: Int

    public init(variation: Variation, maxIterations: Int = 100) {
        self.variation = variation
        self.maxIterations = maxIterations
    }

    /// Up to `count` children of `population`, none duplicating each other, a population member or (in a
    /// discrete domain) anything evaluated. `selectParents(n, &random)` returns `n` parent indices (pairs are
    /// consecutive), e.g. from `BinaryTournament.select`.
    public func offspring(
        count: Int, population: [Individual], variables: [Variable], duplicates: inout DuplicateFilter,
        using random: inout SeededRandom,
        selectParents: (_ count: Int, _ random: inout SeededRandom) -> [Int]
    ) -> [[Double]] {
        var children: [[Double]] = []
        children.reserveCapacity(count)
        guard count > 0, !population.isEmpty else { return children }
        duplicates.beginBatch()
        for _ in 0..<maxIterations where children.count < count {
            let matings = (count - children.count + 1) / 2
            let parents = selectParents(2 * matings, &random)
            var firsts: [[Double]] = [], seconds: [[Double]] = []
            firsts.reserveCapacity(matings)
            seconds.reserveCapacity(matings)
            for m in 0..<matings {
                let (a, b) = variation.children(
                    of: population[parents[2 * m]].genes, population[parents[2 * m + 1]].genes,
                    variables: variables, using: &random)
                firsts.append(a)
                seconds.append(b)
            }
            // pymoo lays out all first children, then all second ones, and truncates the surplus at the end.
            for child in firsts + seconds where children.count < count {
                if duplicates.accept(child, population: population) { children.append(child) }
            }
        }
        return children
    }
}
