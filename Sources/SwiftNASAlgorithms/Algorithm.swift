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

/// What every algorithm is created with: the population size and seed that population-based algorithms share,
/// and options by name that only the algorithms declaring them read (`reference_directions` for the
/// decomposition family), so a new algorithm with its own knobs changes nothing here.
public struct AlgorithmSettings: Sendable {
    public var populationSize: Int
    public var seed: UInt64
    /// Algorithm-specific options by name (`--algorithm-option name=value`); `AlgorithmRegistry.make` refuses
    /// names the algorithm does not declare in `RegisteredAlgorithm.options`.
    public var options: [String: String]

    public init(populationSize: Int = 50, seed: UInt64 = 1, options: [String: String] = [:]) {
        self.populationSize = populationSize
        self.seed = seed
        self.options = options
    }

    /// Parses `name=value` texts (`--algorithm-option reference_directions=91`) into options.
    public static func options(parsing texts: [String], source: String = "--algorithm-option") throws -> [String: String] {
        var options: [String: String] = [:]
        for text in texts {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw InputError(source: source, field: text, "expected name=value") }
            options[parts[0]] = parts[1]
        }
        return options
    }

    /// The whole-number option `name`, or nil when it is not given; an `InputError` when it is not a whole number.
    public func integerOption(_ name: String) throws -> Int? {
        guard let text = options[name] else { return nil }
        guard let value = Int(text) else {
            throw InputError(source: "--algorithm-option", field: name, "'\(text)' is not a whole number")
        }
        return value
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
    /// The options it reads from `AlgorithmSettings.options`, each with a one-line description.
    static var options: [String: String] { get }
    init(domain: SearchDomain, settings: AlgorithmSettings) throws
}

extension RegisteredAlgorithm {
    /// No options of its own.
    public static var options: [String: String] { [:] }
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
