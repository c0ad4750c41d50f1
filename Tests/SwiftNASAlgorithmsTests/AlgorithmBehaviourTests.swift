import SwiftNASCore
import SwiftNASProblems
import Testing
@testable import SwiftNASAlgorithms

@Suite struct AlgorithmBehaviourTests {
    static let multiObjective = ["nsga2", "age", "random"]
    static let singleObjective = ["ga", "cmaes", "random"]

    @Test func everyAlgorithmIsRegisteredOnce() {
        let names = AlgorithmRegistry.all.map { $0.name }
        #expect(Set(names) == ["nsga2", "age", "ga", "cmaes", "random", "unsga3", "moead", "ctaea"])
        #expect(names.count == 8)
    }

    @Test func unsupportedObjectiveCountsAreInputErrors() {
        #expect(throws: InputError.self) { try make("ga", for: ZDT(.one)) }
        #expect(throws: InputError.self) { try make("cmaes", for: ZDT(.one)) }
        #expect(throws: InputError.self) { try make("nsga2", for: SingleObjectiveFunction(.sphere)) }
        #expect(throws: InputError.self) { try make("simulated-annealing", for: ZDT(.one)) }
    }

    @Test(arguments: multiObjective + ["ga", "cmaes"])
    func sameSeedAndAnswersGiveSameQuestions(_ name: String) throws {
        let problem: any Problem = Self.singleObjective.contains(name) && name != "random" ? SingleObjectiveFunction(.rastrigin) : ZDT(.three)
        let first = recordAsks(problem, try make(name, for: problem), evaluations: 400).asked
        let second = recordAsks(problem, try make(name, for: problem), evaluations: 400).asked
        let other = recordAsks(problem, try make(name, for: problem, seed: 8), evaluations: 400).asked
        #expect(first == second)
        #expect(first != other)
    }

    @Test(arguments: multiObjective + ["ga", "cmaes"])
    func discreteSearchNeverAsksACanonicalDuplicate(_ name: String) throws {
        let objectives = Self.singleObjective.contains(name) && name != "random" ? 1 : 2
        let problem = GridProblem(valueCounts: [3, 4, 4, 3, 5], ignoresLastGene: true, objectiveCount: objectives)
        let asked = recordAsks(problem, try make(name, for: problem), evaluations: 300).asked.flatMap { $0 }
        #expect(asked.count == 300)
        #expect(Set(asked.map(problem.domain.canonicalize)).count == asked.count)
        #expect(asked.allSatisfy { genes in genes.allSatisfy { $0 == $0.rounded() } })
    }

    @Test(arguments: multiObjective + ["ga", "cmaes"])
    func tinySpaceIsExhaustedThenAlgorithmStops(_ name: String) throws {
        let objectives = Self.singleObjective.contains(name) && name != "random" ? 1 : 2
        let problem = GridProblem(valueCounts: [3, 3], objectiveCount: objectives)
        let run = recordAsks(problem, try make(name, for: problem, population: 4), evaluations: 100)
        let asked = run.asked.flatMap { $0 }
        #expect(asked.count == 9)
        #expect(Set(asked).count == 9)
        var algorithm = run.algorithm
        #expect(algorithm.ask().isEmpty)
    }

    @Test(arguments: ["nsga2", "age", "random"])
    func constrainedFrontIsFeasible(_ name: String) throws {
        let problem = BNH()
        let run = recordAsks(problem, try make(name, for: problem, population: 40), evaluations: 2000)
        #expect(!run.algorithm.best.isEmpty)
        #expect(run.algorithm.best.allSatisfy { $0.isFeasible })
    }

    @Test(arguments: ["ga", "cmaes", "random"])
    func constrainedOptimumIsFeasibleAndOnTheBoundary(_ name: String) throws {
        let problem = ConstrainedSphere()
        let run = recordAsks(problem, try make(name, for: problem), evaluations: 3000)
        let best = try #require(run.algorithm.best.first)
        #expect(best.isFeasible)
        #expect(best.objectives[0] < (name == "random" ? 0.3 : 0.1))
    }

    @Test func infeasibleOnlyPopulationKeepsTheLeastViolating() throws {
        // Every candidate is infeasible; survival must still order by violation.
        struct AlwaysInfeasible: Problem {
            let domain = SearchDomain(variables: [Variable(lower: 0, upper: 1), Variable(lower: 0, upper: 1)], objectiveCount: 2, constraintCount: 1)
            var name: String { "infeasible" }
            func evaluate(_ x: [Double]) -> Evaluation { Evaluation(objectives: x, constraints: [1 + x[0]]) }
        }
        let run = recordAsks(AlwaysInfeasible(), try make("nsga2", for: AlwaysInfeasible()), evaluations: 400)
        let best = try #require(run.algorithm.best.first)
        #expect(run.algorithm.best.count == 1)
        #expect(best.genes[0] < 0.05)
    }

    @Test func partialTellDropsTheRestOfTheBatch() throws {
        let problem = GridProblem(valueCounts: [4, 4, 4])
        var algorithm = try make("nsga2", for: problem, population: 10)
        let first = algorithm.ask()
        algorithm.tell(first.prefix(4).map(problem.evaluate))
        #expect(algorithm.population.count == 4)
        let second = algorithm.ask()
        #expect(second.count == 10)
        #expect(Set(second).isDisjoint(with: first.prefix(4)))
    }

    @Test func optimisersImproveOnRandomStart() throws {
        var nsga2 = try NSGA2(domain: ZDT(.one).domain, settings: AlgorithmSettings(populationSize: 40, seed: 2))
        _ = minimize(ZDT(.one), with: &nsga2, evaluations: 4000)
        #expect(nsga2.best.count >= 20)
        #expect(nsga2.best.allSatisfy { $0.objectives[1] < 1.5 })
        var cmaes = try CMAES(domain: SingleObjectiveFunction(.sphere).domain, settings: AlgorithmSettings(seed: 2))
        _ = minimize(SingleObjectiveFunction(.sphere), with: &cmaes, evaluations: 2000)
        #expect(try #require(cmaes.best.first).objectives[0] < 1e-8)
    }
}
