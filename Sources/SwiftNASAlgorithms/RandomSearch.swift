import SwiftNASCore

/// Random search: batches of uniformly sampled candidates, never repeating one (as pymoo's `RandomSearch`
/// with duplicate elimination). The population is the best set found so far plus the last batch.
public struct RandomSearch: RegisteredAlgorithm {
    public static let name = "random"
    public static let summary = "Random search: uniform samples without repeats"
    public static let objectiveCounts = 1...Int.max

    private var core: GenerationalCore
    public private(set) var best: [Individual] = []
    public private(set) var population: [Individual] = []

    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        core = try GenerationalCore(domain: domain, settings: settings)
    }

    public mutating func ask() -> [[Double]] {
        core.asking(core.sample(count: core.populationSize, avoiding: population))
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        let batch = core.receive(evaluations)
        best = FeasibilityFirst.best(of: best + batch)
        if core.domain.objectiveCount == 1, let first = best.first { best = [first] }
        population = best + batch
    }
}
