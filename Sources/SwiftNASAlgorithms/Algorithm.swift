import SwiftNASCore

/// A search algorithm driven by ask/tell, so evaluations may be slow, parallel, remote or replayed.
///
/// `ask()` returns the next batch of gene vectors to evaluate; `tell(_:)` receives their evaluations in the
/// same order. Algorithms are value types holding their own `SeededRandom`: the same seed and the same
/// answers give the same questions, which is what makes a search resumable by replay.
public protocol Algorithm: Sendable {
    /// The next candidates to evaluate. Empty when the algorithm has nothing left to ask (e.g. a finite
    /// space is exhausted). Never contains a candidate evaluated before (after canonicalisation).
    mutating func ask() -> [[Double]]
    /// Evaluations of the candidates returned by the last `ask()`, in the same order. When a budget runs out
    /// mid-batch the caller may tell only a prefix of the batch; the rest is dropped.
    mutating func tell(_ evaluations: [Evaluation])
    /// The current population (survivors after the last `tell`).
    var population: [Individual] { get }
    /// The best solutions found so far: the feasible non-dominated set (or, with no feasible solution,
    /// the least-violating ones), pymoo's `opt`.
    var best: [Individual] { get }
}

/// Settings every algorithm understands; each one ignores what does not apply to it.
public struct AlgorithmSettings: Sendable {
    public var populationSize: Int
    public var seed: UInt64
    /// Reference-direction partitions or count for decomposition-based algorithms (nil = algorithm default).
    public var referenceDirections: Int?

    public init(populationSize: Int = 50, seed: UInt64 = 1, referenceDirections: Int? = nil) {
        self.populationSize = populationSize
        self.seed = seed
        self.referenceDirections = referenceDirections
    }
}

/// An algorithm that can be created by name from the command line or a config file.
///
/// Adding an algorithm to SwiftNAS is one new type conforming to this protocol plus its line in
/// `AlgorithmRegistry.all`.
public protocol RegisteredAlgorithm: Algorithm {
    /// The name used on the command line (`nsga2`).
    static var name: String { get }
    /// A one-line description for `--help` and listings.
    static var summary: String { get }
    /// Objective counts this algorithm can handle.
    static var objectiveCounts: ClosedRange<Int> { get }
    init(domain: SearchDomain, settings: AlgorithmSettings) throws
}

/// Drives an algorithm against an in-process problem until `evaluations` have been spent.
public func minimize<A: Algorithm>(
    _ problem: some Problem, with algorithm: inout A, evaluations budget: Int
) -> Int {
    var spent = 0
    while spent < budget {
        var batch = algorithm.ask()
        if batch.isEmpty { break }
        if batch.count > budget - spent { batch.removeLast(batch.count - (budget - spent)) }
        let results = batch.map(problem.evaluate)
        algorithm.tell(results)
        spent += batch.count
    }
    return spent
}
