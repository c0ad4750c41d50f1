import SwiftNASCore

/// A single-objective genetic algorithm as pymoo 0.6's `GA`: binary tournament by constraint violation then
/// fitness, SBX and polynomial mutation, and fitness survival (sorted by violation, then objective) of
/// parents plus offspring; duplicates eliminated.
public struct GeneticAlgorithm: RegisteredAlgorithm {
    public static let name = "ga"
    public static let summary = "Genetic algorithm for one objective: tournament, SBX, polynomial mutation"
    public static let objectiveCounts = 1...1

    private var core: GenerationalCore
    /// Sorted best first (least violation, then smallest objective).
    public private(set) var population: [Individual] = []

    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        core = try GenerationalCore(domain: domain, settings: settings)
    }

    /// A GA with custom variation operators.
    public init(domain: SearchDomain, settings: AlgorithmSettings, variation: Variation) throws {
        core = try GenerationalCore(domain: domain, settings: settings, variation: variation)
    }

    /// The best individual: the feasible one with the smallest objective, or the least violating one.
    public var best: [Individual] { population.first.map { [$0] } ?? [] }

    public mutating func ask() -> [[Double]] {
        let members = population
        return core.nextBatch(population: members) { a, b, random in
            BinaryTournament.byViolationThenFitness(a, b, individuals: members, using: &random)
        }
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        var merged = population + core.receive(evaluations)
        // pymoo's FitnessSurvival: np.lexsort([F, CV]), a stable sort by violation, then objective.
        merged = merged.enumerated().sorted {
            ($0.element.violation, $0.element.objectives[0], $0.offset) < ($1.element.violation, $1.element.objectives[0], $1.offset)
        }.map(\.element)
        population = Array(merged.prefix(core.populationSize))
    }
}
