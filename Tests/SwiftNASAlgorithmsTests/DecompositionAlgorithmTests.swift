import SwiftNASCore
import SwiftNASPareto
import SwiftNASProblems
import Testing
@testable import SwiftNASAlgorithms

/// A constrained bi-objective problem where only one tenth of the box is feasible (x₁ ≥ 0.9).
private struct NarrowlyFeasible: Problem {
    let name = "narrowly-feasible"
    let domain = SearchDomain(
        variables: Array(repeating: Variable(lower: 0, upper: 1), count: 4), objectiveCount: 2, constraintCount: 1)
    func evaluate(_ x: [Double]) -> Evaluation {
        let g = 1 + x[2] + x[3]
        return Evaluation(objectives: [x[0], g * (1 - x[0] / g)], constraints: [0.9 - x[1]])
    }
}

/// A discrete bi-objective problem with 4 × 4 × 4 = 64 candidates.
private struct SmallGrid: Problem {
    let name = "small-grid"
    let domain = SearchDomain(variables: Array(repeating: Variable.categorical(4), count: 3), objectiveCount: 2)
    func evaluate(_ x: [Double]) -> Evaluation {
        Evaluation(objectives: [x[0] + 0.1 * x[2], 3 - x[0] + 0.1 * x[1] * x[2]])
    }
}

private let decompositionAlgorithms: [any RegisteredAlgorithm.Type] = [UNSGA3.self, MOEAD.self, CTAEA.self]

/// Runs `algorithm` for `budget` evaluations and returns every batch it asked.
private func recordAsks<A: Algorithm>(_ algorithm: inout A, problem: some Problem, budget: Int) -> [[[Double]]] {
    var asks: [[[Double]]] = []
    var spent = 0
    while spent < budget {
        let batch = algorithm.ask()
        if batch.isEmpty { break }
        asks.append(batch)
        algorithm.tell(batch.map(problem.evaluate))
        spent += batch.count
    }
    return asks
}

@Suite struct DecompositionAlgorithmTests {
    @Test func algorithmsAreRegisteredForTwoOrMoreObjectives() throws {
        for name in ["unsga3", "moead", "ctaea"] {
            let type = try AlgorithmRegistry.named(name)
            #expect(type.objectiveCounts == 2...Int.max)
            _ = try AlgorithmRegistry.make(name, domain: DTLZ(.two, objectiveCount: 4).domain, settings: AlgorithmSettings(populationSize: 35))
        }
    }

    @Test func populationFollowsTheReferenceDirections() throws {
        let zdt = ZDT(.one).domain, dtlz = DTLZ(.two, objectiveCount: 3).domain
        for type in decompositionAlgorithms {
            var twoObjectives = try type.init(domain: zdt, settings: AlgorithmSettings(populationSize: 100))
            #expect(twoObjectives.ask().count == 100)
            var threeObjectives = try type.init(domain: dtlz, settings: AlgorithmSettings(populationSize: 100))
            #expect(threeObjectives.ask().count == 91)
            var requested = try type.init(domain: dtlz, settings: AlgorithmSettings(populationSize: 10, referenceDirections: 15))
            #expect(requested.ask().count == 15)
        }
    }

    /// C-TAEA keeps a convergence and a diversity archive, each one slot per reference direction.
    @Test func ctaeaKeepsBothArchivesFull() throws {
        let problem = NarrowlyFeasible()
        var algorithm = try CTAEA(domain: problem.domain, settings: AlgorithmSettings(populationSize: 20, seed: 2))
        _ = minimize(problem, with: &algorithm, evaluations: 200)
        #expect(algorithm.population.count == 20)
        #expect(algorithm.diversityArchive.count == 20)
    }

    @Test func badSettingsAreInputErrors() {
        for type in decompositionAlgorithms {
            #expect(throws: InputError.self) {
                try type.init(domain: ZDT(.one).domain, settings: AlgorithmSettings(populationSize: 0))
            }
            #expect(throws: InputError.self) {
                try type.init(domain: ZDT(.one).domain, settings: AlgorithmSettings(referenceDirections: -3))
            }
        }
    }

    /// Options are by name: the decomposition family reads `reference_directions`; an algorithm refuses options
    /// it does not declare, and a non-numeric value is an input error.
    @Test func algorithmOptionsAreCheckedByName() throws {
        let dtlz = DTLZ(.two, objectiveCount: 3).domain
        let settings = AlgorithmSettings(populationSize: 10, options: ["reference_directions": "15"])
        let made = try AlgorithmRegistry.make("unsga3", domain: dtlz, settings: settings)
        #expect(made.population.isEmpty)
        #expect(throws: InputError.self) { try AlgorithmRegistry.make("nsga2", domain: dtlz, settings: settings) }
        let bad = AlgorithmSettings(options: ["reference_directions": "many"])
        #expect(throws: InputError.self) { try AlgorithmRegistry.make("moead", domain: dtlz, settings: bad) }
        #expect(throws: InputError.self) { try AlgorithmSettings.options(parsing: ["reference_directions"]) }
    }

    /// Same seed and same answers give the same questions, so replaying a search's ask/tell log resumes it.
    @Test func replayingAnswersReproducesTheQuestions() throws {
        let problem = DTLZ(.two, objectiveCount: 3)
        let settings = AlgorithmSettings(seed: 42, referenceDirections: 15)
        for type in decompositionAlgorithms {
            try replay(type, problem: problem, settings: settings)
        }
    }

    private func replay<A: RegisteredAlgorithm>(_ type: A.Type, problem: some Problem, settings: AlgorithmSettings) throws {
        var original = try A(domain: problem.domain, settings: settings)
        let asks = recordAsks(&original, problem: problem, budget: 15 * 6)
        var resumed = try A(domain: problem.domain, settings: settings)
        for batch in asks.prefix(3) {
            #expect(resumed.ask() == batch)
            resumed.tell(batch.map(problem.evaluate))
        }
        for batch in asks.dropFirst(3) {
            let asked = resumed.ask()
            #expect(asked == batch)
            resumed.tell(asked.map(problem.evaluate))
        }
        #expect(resumed.population == original.population)
        var otherSeed = settings
        otherSeed.seed += 1
        var other = try A(domain: problem.domain, settings: otherSeed)
        #expect(other.ask() != asks[0])
    }

    /// A told prefix of a batch (a budget running out) is accepted and the search goes on.
    @Test func aPartialTellIsAccepted() throws {
        let problem = ZDT(.one)
        for type in decompositionAlgorithms {
            var algorithm = try type.init(domain: problem.domain, settings: AlgorithmSettings(populationSize: 20))
            let first = algorithm.ask()
            algorithm.tell(first.map(problem.evaluate))
            let second = algorithm.ask()
            algorithm.tell(second.prefix(7).map(problem.evaluate))
            #expect(!algorithm.ask().isEmpty)
            #expect(algorithm.population.count == 20)
        }
    }

    /// In a discrete space nothing evaluated is ever asked again, and the search goes on until the space is spent.
    @Test func discreteSearchesNeverRepeatACandidate() throws {
        let problem = SmallGrid()
        for type in decompositionAlgorithms {
            var algorithm = try type.init(domain: problem.domain, settings: AlgorithmSettings(populationSize: 10, seed: 3))
            let asked = recordAsks(&algorithm, problem: problem, budget: 1_000).flatMap { $0 }
            #expect(Set(asked).count == asked.count)
            #expect(asked.allSatisfy { genes in genes.allSatisfy { $0 == $0.rounded() && (0...3).contains($0) } })
            #expect(asked.count == 64)
        }
    }

    /// Feasibility first: with a tenth of the box feasible, every algorithm ends with feasible best solutions.
    @Test func constrainedSearchesEndFeasible() throws {
        let problem = NarrowlyFeasible()
        for type in decompositionAlgorithms {
            var algorithm = try type.init(domain: problem.domain, settings: AlgorithmSettings(populationSize: 20, seed: 5))
            _ = minimize(problem, with: &algorithm, evaluations: 1_200)
            #expect(!algorithm.best.isEmpty)
            #expect(algorithm.best.allSatisfy { $0.isFeasible })
            #expect(algorithm.population.filter { $0.isFeasible }.count >= 15)
        }
    }
}

@Suite struct DecompositionPartsTests {
    @Test func scalarizationsMatchTheirFormulas() {
        let ideal = [0.0, 0.0], point = [0.6, 0.2], weight = [0.5, 0.5]
        #expect(Scalarization.tchebycheff.value(point, weight: weight, ideal: ideal) == 0.3)
        // d1 = (0.6 + 0.2) / √2, d2 = |(0.6, 0.2) − (0.4, 0.4)| = √0.08.
        let pbi = Scalarization.penaltyBoundaryIntersection(theta: 5).value(point, weight: weight, ideal: ideal)
        #expect(abs(pbi - (0.8 / 2.0.squareRoot() + 5 * 0.08.squareRoot())) < 1e-12)
        #expect(Scalarization.achievement(zeroWeight: 1e-4).value(point, weight: [1, 0], ideal: ideal) == 2_000)
        #expect(Scalarization.moeadDefault(objectiveCount: 2) == .tchebycheff)
        #expect(Scalarization.moeadDefault(objectiveCount: 3) == .penaltyBoundaryIntersection(theta: 5))
    }

    @Test func pointsAssociateWithTheNearestReferenceLine() {
        let directions = ReferenceDirections.dasDennis(partitions: 2, dimensions: 2)  // (0,1), (.5,.5), (1,0)
        let (niche, distance) = Scalarization.associate([[0.1, 0.9], [0.5, 0.45], [2, 0.1]], to: directions)
        #expect(niche == [0, 1, 2])
        #expect(abs(distance[2] - 0.1) < 1e-12)
    }

    @Test func hyperplaneNormalizationFindsTheInterceptsOfALinearFront() {
        var normalization = HyperplaneNormalization(objectiveCount: 3)
        let front = [[1.0, 0, 0], [0, 2, 0], [0, 0, 4], [0.5, 1, 0], [0.25, 0.5, 2]]
        normalization.update(front + [[3, 3, 5]], front: Array(front.indices))
        #expect(normalization.ideal == [0, 0, 0])
        #expect(zip(normalization.nadir, [1.0, 2, 4]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test func degenerateHyperplanesFallBackToTheWorstOfTheFront() {
        var normalization = HyperplaneNormalization(objectiveCount: 2)
        normalization.update([[1, 1], [1, 1], [2, 3]], front: [0, 1])
        // One distinct extreme point: singular system, then a zero range on both axes → worst of population.
        #expect(normalization.nadir == [2, 3])
    }

    @Test func nichingFillsTheEmptiestLinesWithTheirClosestMembers() {
        var random = SeededRandom(seed: 1)
        var nicheCount = [1, 0, 0]
        let chosen = ReferenceDirectionSurvival.niching(
            count: 2, niche: [0, 1, 1, 2, 2], distance: [0, 0.3, 0.1, 0.2, 0.4], nicheCount: &nicheCount, using: &random)
        #expect(Set(chosen) == [2, 3])
        #expect(nicheCount == [1, 1, 1])
    }
}
