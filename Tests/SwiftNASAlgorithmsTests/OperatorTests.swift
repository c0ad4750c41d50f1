import SwiftNASCore
import Testing
@testable import SwiftNASAlgorithms

@Suite struct OperatorTests {
    let reals = Array(repeating: Variable(lower: -1, upper: 2), count: 8)
    let integers = [Variable.categorical(5), Variable(lower: -3, upper: 3, isInteger: true), Variable.categorical(1)]

    @Test func simulatedBinaryCrossoverStaysInBoundsAndChangesGenes() {
        var random = SeededRandom(seed: 3)
        let sbx = SimulatedBinaryCrossover(probability: 1, eta: 15)
        var changed = 0
        for _ in 0..<200 {
            let a = UniformSampling.sample(reals, using: &random), b = UniformSampling.sample(reals, using: &random)
            let (c, d) = sbx.cross(a, b, variables: reals, using: &random)
            #expect((c + d).allSatisfy { $0 >= -1 && $0 <= 2 })
            changed += zip(c, a).filter { $0 != $1 }.count
        }
        // prob_var 0.5: about half the genes cross.
        #expect(changed > 200 * 8 / 3 && changed < 200 * 8 * 2 / 3)
    }

    @Test func crossoverWithoutProbabilityCopiesParents() {
        var random = SeededRandom(seed: 3)
        let a = UniformSampling.sample(reals, using: &random), b = UniformSampling.sample(reals, using: &random)
        let (c, d) = SimulatedBinaryCrossover(probability: 0).cross(a, b, variables: reals, using: &random)
        #expect(c == a && d == b)
    }

    @Test func polynomialMutationMutatesAboutOneGenePerChild() {
        var random = SeededRandom(seed: 4)
        let mutation = PolynomialMutation(probability: 1, eta: 20)
        var changed = 0
        for _ in 0..<500 {
            let genes = UniformSampling.sample(reals, using: &random)
            var mutant = genes
            mutation.mutate(&mutant, variables: reals, using: &random)
            #expect(mutant.allSatisfy { $0 >= -1 && $0 <= 2 })
            changed += zip(genes, mutant).filter { $0 != $1 }.count
        }
        #expect(changed > 350 && changed < 650)
    }

    @Test func variationRoundsIntegerGenesIntoRange() {
        var random = SeededRandom(seed: 5)
        let variation = Variation(crossover: SimulatedBinaryCrossover(probability: 1), mutation: PolynomialMutation(probability: 1))
        for _ in 0..<300 {
            let a = UniformSampling.sample(integers, using: &random), b = UniformSampling.sample(integers, using: &random)
            let (c, d) = variation.children(of: a, b, variables: integers, using: &random)
            for child in [c, d] {
                #expect(child.allSatisfy { $0 == $0.rounded() })
                #expect(child[0] >= 0 && child[0] <= 4 && child[1] >= -3 && child[1] <= 3 && child[2] == 0)
            }
        }
    }

    @Test func roundingIsHalfToEvenLikeNumpy() {
        var genes = [0.5, 1.5, 2.5, -0.5, 0.4]
        Repair.round(&genes, to: Array(repeating: Variable(lower: -5, upper: 5, isInteger: true), count: 5))
        #expect(genes == [0, 2, 2, 0, 0])
    }

    @Test func uniformCrossoverAndResamplingKeepValues() {
        var random = SeededRandom(seed: 6)
        let a = [0.0, 0, 0, 0], b = [1.0, 1, 1, 1]
        let (c, d) = UniformCrossover(probability: 1).cross(a, b, variables: Array(repeating: .categorical(2), count: 4), using: &random)
        #expect(zip(c, d).allSatisfy { $0 + $1 == 1 })
        var genes = [0.0, 0, 0, 0]
        ResamplingMutation(variableProbability: 1).mutate(&genes, variables: Array(repeating: .categorical(3), count: 4), using: &random)
        #expect(genes.allSatisfy { [0, 1, 2].contains($0) })
    }

    @Test func tournamentPrefersFeasibleThenDominatingThenCrowded() {
        let individuals = [
            Individual(genes: [0], evaluation: Evaluation(objectives: [0, 0], constraints: [1])),
            Individual(genes: [1], evaluation: Evaluation(objectives: [5, 5], constraints: [0])),
            Individual(genes: [2], evaluation: Evaluation(objectives: [4, 4], constraints: [-1])),
            Individual(genes: [3], evaluation: Evaluation(objectives: [1, 9], constraints: [0])),
        ]
        let crowding = [0, 0, 1, 2.0]
        var random = SeededRandom(seed: 1)
        #expect(BinaryTournament.byDominanceThenCrowding(0, 1, individuals: individuals, crowding: crowding, using: &random) == 1)
        #expect(BinaryTournament.byDominanceThenCrowding(1, 2, individuals: individuals, crowding: crowding, using: &random) == 2)
        #expect(BinaryTournament.byDominanceThenCrowding(2, 3, individuals: individuals, crowding: crowding, using: &random) == 3)
        let winners = BinaryTournament.select(count: 40, populationSize: 4, using: &random) { a, b, random in
            BinaryTournament.byViolationThenFitness(a, b, individuals: individuals, using: &random)
        }
        #expect(winners.count == 40 && !winners.contains(0))
    }

    @Test func survivalPutsFeasibleFirstThenLeastViolating() {
        let individuals = [
            Individual(genes: [0], evaluation: Evaluation(objectives: [0, 0], constraints: [3])),
            Individual(genes: [1], evaluation: Evaluation(objectives: [5, 5], constraints: [0])),
            Individual(genes: [2], evaluation: Evaluation(objectives: [1, 1], constraints: [1])),
            Individual(genes: [3], evaluation: Evaluation(objectives: [6, 6], constraints: [-2])),
        ]
        var random = SeededRandom(seed: 1)
        let chosen = RankAndCrowdingSurvival.select(individuals, count: 3, using: &random)
        #expect(chosen.survivors == [1, 3, 2])
        #expect(chosen.rank == [0, 1, .max])
        #expect(FeasibilityFirst.best(of: individuals).map(\.genes) == [[1]])
    }

    @Test func duplicateFilterUsesCanonicalHistoryForDiscreteDomains() {
        let problem = GridProblem(valueCounts: [2, 3], ignoresLastGene: true)
        var filter = DuplicateFilter(domain: problem.domain)
        filter.recordEvaluated([0, 2])
        filter.beginBatch()
        let answers = [[0.0, 1], [1, 1], [1, 1]].map { filter.accept($0, population: []) }
        #expect(answers == [false, true, false])
        var reals = DuplicateFilter(domain: SearchDomain(variables: [Variable(lower: 0, upper: 1)], objectiveCount: 1))
        reals.beginBatch()
        let member = Individual(genes: [0.5], evaluation: Evaluation(objectives: [0]))
        let realAnswers = [[0.5], [0.5000001]].map { reals.accept($0, population: [member]) }
        #expect(realAnswers == [false, true])
    }
}
