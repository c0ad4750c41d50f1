import SwiftNASCore

/// The ask/tell bookkeeping population-based algorithms share: the seeded generator, the duplicate filter,
/// the mating loop, and the batch awaiting its evaluations.
struct GenerationalCore: Sendable {
    let domain: SearchDomain
    let populationSize: Int
    var random: SeededRandom
    var duplicates: DuplicateFilter
    var mating: Mating
    /// Candidates returned by the last `ask()`, waiting for `tell(_:)`.
    var pending: [[Double]] = []

    init(domain: SearchDomain, settings: AlgorithmSettings, variation: Variation? = nil) throws {
        guard settings.populationSize >= 2 else {
            throw InputError(source: "--population", "must be at least 2, not \(settings.populationSize)")
        }
        guard !domain.variables.isEmpty else {
            throw InputError(source: "domain", field: "variables", "a search needs at least one variable")
        }
        for (i, variable) in domain.variables.enumerated() where !(variable.lower <= variable.upper) {
            throw InputError(source: "domain", field: "variables[\(i)]", "lower bound \(variable.lower) exceeds upper bound \(variable.upper)")
        }
        self.domain = domain
        populationSize = settings.populationSize
        random = SeededRandom(seed: settings.seed)
        duplicates = DuplicateFilter(domain: domain)
        mating = Mating(variation: variation ?? Variation.defaults(for: domain))
    }

    /// Up to `count` unique uniform samples (see `UniformSampling.unique`).
    mutating func sample(count: Int, avoiding population: [Individual]) -> [[Double]] {
        UniformSampling.unique(
            count: count, variables: domain.variables, duplicates: &duplicates, avoiding: population,
            maxIterations: mating.maxIterations, using: &random)
    }

    /// `children` completed to a full batch with unique uniform samples when mating could not produce
    /// enough new candidates (a converged population in a discrete space), so a search only stops early
    /// when the space is exhausted. pymoo would end the run here instead.
    mutating func toppedUp(_ children: [[Double]], population: [Individual]) -> [[Double]] {
        guard children.count < populationSize else { return children }
        return children + UniformSampling.unique(
            count: populationSize - children.count, variables: domain.variables, duplicates: &duplicates,
            avoiding: population, maxIterations: mating.maxIterations, continuingBatch: true, using: &random)
    }

    /// The next batch of a generational algorithm: a unique uniform sample while `population` is empty, then
    /// offspring of parents chosen by binary tournaments decided by `winner` (the algorithm's own rule), topped
    /// up with samples. Remembered as asked.
    mutating func nextBatch(
        population: [Individual], winner: (_ first: Int, _ second: Int, _ random: inout SeededRandom) -> Int
    ) -> [[Double]] {
        if population.isEmpty {
            return asking(sample(count: populationSize, avoiding: []))
        }
        let children = mating.offspring(
            count: populationSize, population: population, variables: domain.variables,
            duplicates: &duplicates, using: &random
        ) { count, random in
            BinaryTournament.select(count: count, populationSize: population.count, using: &random, winner: winner)
        }
        return asking(toppedUp(children, population: population))
    }

    /// Remembers `batch` as asked and returns it.
    mutating func asking(_ batch: [[Double]]) -> [[Double]] {
        pending = batch
        return batch
    }

    /// Pairs the told evaluations with the pending candidates (a shorter tell drops the rest of the batch)
    /// and records them as evaluated.
    mutating func receive(_ evaluations: [Evaluation]) -> [Individual] {
        let count = min(evaluations.count, pending.count)
        var told: [Individual] = []
        told.reserveCapacity(count)
        for i in 0..<count {
            duplicates.recordEvaluated(pending[i])
            told.append(Individual(genes: pending[i], evaluation: evaluations[i]))
        }
        pending = []
        return told
    }
}
