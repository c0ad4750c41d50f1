import SwiftNASCore

/// A mating loop where every mating yields one child, for algorithms whose offspring belong to slots
/// (MOEA/D: one child per subproblem, mated inside its neighbourhood; C-TAEA: pymoo's
/// `SBX(n_offsprings=1)`, which keeps one of the two SBX children at random).
///
/// Like pymoo's mating loop (`pymoo/core/mating.py`) it drops duplicates (through the shared
/// `DuplicateFilter`, so a discrete domain never asks a candidate twice) and retries the slots still
/// missing, up to `maxIterations` rounds; slots that found no new child in time stay empty.
struct OneChildMating: Sendable {
    var variation: Variation
    /// Rounds of selection and variation before giving up (pymoo's `n_max_iterations`, 100).
    var maxIterations = 100

    /// Children for `slots` as (slot, genes) in slot order. `selectParents(missing, &random)` returns one
    /// pair of population indices for each still-missing slot, in the order given.
    func offspring(
        slots: [Int], population: [Individual], variables: [Variable], duplicates: inout DuplicateFilter,
        using random: inout SeededRandom,
        selectParents: (_ missing: [Int], _ random: inout SeededRandom) -> [(Int, Int)]
    ) -> [(slot: Int, genes: [Double])] {
        var children: [Int: [Double]] = [:]
        var missing = slots
        duplicates.beginBatch()
        for _ in 0..<maxIterations where !missing.isEmpty {
            let pairs = selectParents(missing, &random)
            var stillMissing: [Int] = []
            for (slot, (first, second)) in zip(missing, pairs) {
                let (a, b) = variation.children(
                    of: population[first].genes, population[second].genes, variables: variables, using: &random)
                let child = random.nextUnit() < 0.5 ? a : b
                if duplicates.accept(child, population: population) {
                    children[slot] = child
                } else {
                    stillMissing.append(slot)
                }
            }
            missing = stillMissing
        }
        return slots.compactMap { slot in children[slot].map { (slot, $0) } }
    }
}

/// What MOEA/D and C-TAEA build alike: `ReferenceDirections.standard` directions, which fix the population
/// size (one slot per direction), and a generational core with one-child mating over pymoo's operators for
/// real domains (SBX probability 1 with `crossoverEta`, polynomial mutation probability 0.9, η 20) or the
/// search-space defaults for discrete ones.
struct DirectionSlots {
    let directions: [[Double]]
    let core: GenerationalCore
    let mating: OneChildMating

    init(domain: SearchDomain, settings: AlgorithmSettings, crossoverEta: Double) throws {
        directions = try ReferenceDirections.standard(
            objectives: domain.objectiveCount, populationSize: settings.populationSize,
            requested: try settings.referenceDirections(), seed: settings.seed)
        var sized = settings
        sized.populationSize = directions.count
        let variation = domain.isDiscrete ? Variation.defaults(for: domain) : Variation(
            crossover: SimulatedBinaryCrossover(probability: 1, eta: crossoverEta),
            mutation: PolynomialMutation(probability: 0.9, eta: 20))
        core = try GenerationalCore(domain: domain, settings: sized, variation: variation)
        mating = OneChildMating(variation: variation)
    }
}
