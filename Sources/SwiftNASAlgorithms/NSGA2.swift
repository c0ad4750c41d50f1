import SwiftNASCore

/// NSGA-II (Deb et al. 2002) as pymoo 0.6's `NSGA2`: binary tournament by constraint violation, dominance
/// and crowding distance; SBX and polynomial mutation; feasibility-first rank-and-crowding survival of
/// parents plus offspring; duplicates eliminated.
public struct NSGA2: RegisteredAlgorithm {
    public static let name = "nsga2"
    public static let summary = "NSGA-II: non-dominated sorting and crowding distance (Deb et al. 2002)"
    public static let objectiveCounts = 2...Int.max

    private var core: GenerationalCore
    public private(set) var population: [Individual] = []
    /// Crowding distance of each population member (within its front), used by the tournament.
    private var crowding: [Double] = []

    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        core = try GenerationalCore(domain: domain, settings: settings)
    }

    /// NSGA-II with custom variation operators (e.g. uniform crossover for a search space).
    public init(domain: SearchDomain, settings: AlgorithmSettings, variation: Variation) throws {
        core = try GenerationalCore(domain: domain, settings: settings, variation: variation)
    }

    public var best: [Individual] { FeasibilityFirst.best(of: population) }

    public mutating func ask() -> [[Double]] {
        let members = population, crowding = crowding
        return core.nextBatch(population: members) { a, b, random in
            BinaryTournament.byDominanceThenCrowding(a, b, individuals: members, crowding: crowding, using: &random)
        }
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        let merged = population + core.receive(evaluations)
        let chosen = RankAndCrowdingSurvival.select(merged, count: core.populationSize, using: &core.random)
        population = chosen.survivors.map { merged[$0] }
        crowding = chosen.crowding
    }
}
