import ArgumentParser
import Foundation
import SwiftNASAlgorithms
import SwiftNASCore
import SwiftNASPareto
import SwiftNASProblems

/// `swiftnas optimize`: runs a search algorithm on a built-in test problem and reports the final front.
///
/// Multi-objective problems print the hypervolume of the final front as the last line (`hv=`), measured
/// against 1.1 × the nadir of the problem's known Pareto front (pymoo's customary reference point).
/// Single-objective problems print the best objective value instead (`best=`): a hypervolume of one
/// objective is only that value shifted by an arbitrary reference.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize", abstract: "Run a search algorithm on a built-in test problem.")

    @Option(help: "Test problem: \(ProblemRegistry.names.joined(separator: ", ")).")
    var problem: String

    @Option(help: "Algorithm: \(AlgorithmRegistry.all.map { $0.name }.joined(separator: ", ")).")
    var algorithm: String = "nsga2"

    @Option(help: "Population (batch) size; CMA-ES uses its default λ = 4 + ⌊3 ln n⌋ instead.")
    var population: Int = 50

    @Option(help: "Evaluation budget.")
    var evals: Int = 10_000

    @Option(name: .customLong("reference-directions"),
            help: "Reference directions for unsga3, moead and ctaea (default: a Das–Dennis lattice near the population).")
    var referenceDirections: Int?

    @Option(name: .customLong("algorithm-option"), help: "An option of the algorithm as name=value (repeatable).")
    var algorithmOptions: [String] = []

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Write the final front as CSV (objectives f1..fm, then genes x1..xn).")
    var out: String?

    func run() async throws {
        guard evals > 0 else { throw InputError(source: "--evals", "must be positive, not \(evals)") }
        guard population >= 2 else { throw InputError(source: "--population", "must be at least 2, not \(population)") }
        let problem = try ProblemRegistry.named(self.problem)
        var settings = AlgorithmSettings(populationSize: population, seed: seed, options: try AlgorithmSettings.options(parsing: algorithmOptions))
        if let referenceDirections { settings.options[AlgorithmSettings.referenceDirectionsOption] = String(referenceDirections) }
        var algorithm = try AlgorithmRegistry.make(self.algorithm, domain: problem.domain, settings: settings)
        let spent = minimize(problem, with: &algorithm, evaluations: evals)
        let front = algorithm.best
        if let out {
            try AtomicFile.write(Self.csv(front, objectives: problem.domain.objectiveCount, genes: problem.domain.variables.count), to: out)
        }
        print("problem=\(problem.name) algorithm=\(self.algorithm.lowercased()) evaluations=\(spent) front=\(front.count)")
        if problem.domain.objectiveCount == 1 {
            print("best=\(front.first?.objectives[0] ?? .infinity)")
        } else {
            let reference = problem.hypervolumeReference ?? []
            let feasible = front.filter(\.isFeasible).map(\.objectives)
            print("hv=\(reference.isEmpty ? 0 : Hypervolume.compute(feasible, reference: reference))")
        }
    }

    static func csv(_ front: [Individual], objectives: Int, genes: Int) -> String {
        let header = (0..<objectives).map { "f\($0 + 1)" } + (0..<genes).map { "x\($0 + 1)" }
        var lines = [header.joined(separator: ",")]
        for individual in front {
            lines.append((individual.objectives + individual.genes).map { "\($0)" }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
