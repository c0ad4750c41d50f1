import SwiftNASCore

/// U-NSGA-III (Seada & Deb 2016) as pymoo 0.6.2's `UNSGA3`: NSGA-III's reference-direction survival with a
/// niche-based binary tournament. Feasibility first; among feasible rivals on the same reference line the
/// better-ranked wins, then the one nearer the line; otherwise chance. SBX (prob 1, η 30) and polynomial
/// mutation (η 20), pymoo's NSGA3 defaults, for real domains; duplicates eliminated.
public struct UNSGA3: RegisteredAlgorithm {
    public static let name = "unsga3"
    public static let summary = "U-NSGA-III: reference-direction niching with niche tournaments (Seada & Deb 2016)"
    public static let objectiveCounts = 2...Int.max
    public static let options = AlgorithmSettings.referenceDirectionsDescription

    private var core: GenerationalCore
    private var survival: ReferenceDirectionSurvival
    public private(set) var population: [Individual] = []
    private var survivors = ReferenceDirectionSurvival.Survivors()

    /// U-NSGA-III with `ReferenceDirections.standard` directions. The population is the number of
    /// directions, as pymoo's default; with `referenceDirections` set it is at least `populationSize`.
    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        let requested = try settings.referenceDirections()
        let directions = try ReferenceDirections.standard(
            objectives: domain.objectiveCount, populationSize: settings.populationSize,
            requested: requested, seed: settings.seed)
        var sized = settings
        sized.populationSize = requested == nil
            ? directions.count : Swift.max(settings.populationSize, directions.count)
        let variation = domain.isDiscrete ? Variation.defaults(for: domain) : Variation(
            crossover: SimulatedBinaryCrossover(probability: 1, eta: 30),
            mutation: PolynomialMutation(probability: 0.9, eta: 20))
        core = try GenerationalCore(domain: domain, settings: sized, variation: variation)
        survival = ReferenceDirectionSurvival(directions: directions)
    }

    public var best: [Individual] { FeasibilityFirst.best(of: population) }

    public mutating func ask() -> [[Double]] {
        let members = population, survivors = survivors
        return core.nextBatch(population: members) { a, b, random in
            UNSGA3.tournament(a, b, individuals: members, survivors: survivors, using: &random)
        }
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        let merged = population + core.receive(evaluations)
        survivors = survival.select(merged, count: core.populationSize, using: &core.random)
        population = survivors.indices.map { merged[$0] }
    }

    /// pymoo's `comp_by_rank_and_ref_line_dist`.
    static func tournament(
        _ a: Int, _ b: Int, individuals: [Individual], survivors: ReferenceDirectionSurvival.Survivors,
        using random: inout SeededRandom
    ) -> Int {
        if let decided = BinaryTournament.byViolation(a, b, individuals: individuals, using: &random) { return decided }
        if survivors.niche[a] == survivors.niche[b] {
            if survivors.rank[a] != survivors.rank[b] { return survivors.rank[a] < survivors.rank[b] ? a : b }
            let da = survivors.distanceToNiche[a], db = survivors.distanceToNiche[b]
            if da != db { return da < db ? a : b }
        }
        return random.nextUnit() < 0.5 ? a : b
    }
}
