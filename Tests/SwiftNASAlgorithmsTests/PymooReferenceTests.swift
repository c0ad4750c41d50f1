import Foundation
import SwiftNASPareto
import SwiftNASProblems
import Testing
@testable import SwiftNASAlgorithms

/// Our algorithms against pymoo 0.6's, measured by `benchmarks/pymoo_reference.py` at the same
/// population, budget and reference point (`Reference/pymoo_hv.json`), 5 seeds each.
///
/// Multi-objective: our mean hypervolume must reach pymoo's mean minus 1 %. Single-objective: our mean
/// best value may exceed pymoo's by at most 1 % of the problem's random scale (the mean objective of a
/// uniformly random point, recorded in the JSON: ≈0.83 for sphere, ≈183 for rastrigin).
///
/// Random search is checked where 5 seeds pin its mean down to well within 1 % (BNH, sphere). On DTLZ2
/// and Rastrigin its 5-seed mean varies by more than 1 % between seed sets (pymoo against itself too);
/// those pymoo values stay in the JSON for reference but are not asserted.
@Suite struct PymooReferenceTests {
    struct Reference: Decodable {
        struct Result: Decodable {
            var algorithm: String
            var problem: String
            var metric: String
            var evaluations: Int
            var population: Int
            var reference: [Double]?
            var scale: Double?
            var mean: Double
        }

        var seeds: [UInt64]
        var results: [Result]
    }

    static let reference: Reference? = {
        guard let url = Bundle.module.url(forResource: "pymoo_hv", withExtension: "json", subdirectory: "Reference"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(Reference.self, from: data)
    }()

    static let hypervolumeCases: [(String, String)] = [
        ("nsga2", "zdt1"), ("nsga2", "dtlz2"), ("nsga2", "bnh"),
        ("age", "zdt1"), ("age", "dtlz2"), ("age", "bnh"),
        ("random", "bnh"),
    ]
    static let bestValueCases: [(String, String)] = [
        ("ga", "sphere"), ("ga", "rastrigin"),
        ("cmaes", "sphere"), ("cmaes", "rastrigin"),
        ("random", "sphere"),
    ]

    func measured(_ algorithm: String, _ problem: String, metric: String) throws -> Reference.Result {
        let reference = try #require(Self.reference, "Reference/pymoo_hv.json is missing or malformed")
        return try #require(reference.results.first { $0.algorithm == algorithm && $0.problem == problem && $0.metric == metric })
    }

    @Test(arguments: hypervolumeCases)
    func meanHypervolumeMatchesPymoo(_ algorithmName: String, _ problemName: String) throws {
        let pymoo = try measured(algorithmName, problemName, metric: "hv")
        let problem = try ProblemRegistry.named(problemName)
        let point = try #require(pymoo.reference)
        var total = 0.0
        for seed in try #require(Self.reference).seeds {
            var algorithm = try AlgorithmRegistry.make(
                algorithmName, domain: problem.domain, settings: AlgorithmSettings(populationSize: pymoo.population, seed: seed))
            #expect(minimize(problem, with: &algorithm, evaluations: pymoo.evaluations) == pymoo.evaluations)
            total += Hypervolume.compute(algorithm.best.filter(\.isFeasible).map(\.objectives), reference: point)
        }
        let ours = total / Double(try #require(Self.reference).seeds.count)
        #expect(ours >= pymoo.mean * 0.99, "\(algorithmName) on \(problemName): ours \(ours), pymoo \(pymoo.mean)")
    }

    @Test(arguments: bestValueCases)
    func meanBestValueMatchesPymoo(_ algorithmName: String, _ problemName: String) throws {
        let pymoo = try measured(algorithmName, problemName, metric: "best")
        let problem = try ProblemRegistry.named(problemName)
        var total = 0.0
        for seed in try #require(Self.reference).seeds {
            var algorithm = try AlgorithmRegistry.make(
                algorithmName, domain: problem.domain, settings: AlgorithmSettings(populationSize: pymoo.population, seed: seed))
            _ = minimize(problem, with: &algorithm, evaluations: pymoo.evaluations)
            total += try #require(algorithm.best.first).objectives[0]
        }
        let ours = total / Double(try #require(Self.reference).seeds.count)
        let tolerance = 0.01 * (try #require(pymoo.scale))
        #expect(ours <= pymoo.mean + tolerance, "\(algorithmName) on \(problemName): ours \(ours), pymoo \(pymoo.mean)")
    }
}
