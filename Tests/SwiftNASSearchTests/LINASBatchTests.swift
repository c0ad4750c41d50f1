import SwiftNASPareto
import Testing
import SwiftNASAlgorithms
import SwiftNASSpace
@testable import SwiftNASSearch

/// How LINAS picks and orders the sub-networks it measures from an inner run's proposals.
@Suite struct LINASBatchTests {
    let measured = [Evaluation(objectives: [1, 4]), Evaluation(objectives: [4, 1])]

    @Test func largestPredictedContributionFirstThenTheGapsItLeaves() {
        let proposals = [
            Evaluation(objectives: [5, 5]),      // dominated by the measured front: adds nothing
            Evaluation(objectives: [3.9, 0.9]),  // a sliver beyond a measured point
            Evaluation(objectives: [2, 2]),      // fills the middle of the front
            Evaluation(objectives: [2.1, 2.1]),  // as good as 2 until 2 is chosen, then almost nothing
            Evaluation(objectives: [0.8, 3.5]),  // a corner of the front
        ]
        let order = LINASTactic.orderByPredictedContribution(proposals, measured: measured, count: 5)
        #expect(order == [2, 4, 1, 0, 3])
        #expect(LINASTactic.orderByPredictedContribution(proposals, measured: measured, count: 2) == [2, 4])
    }

    @Test func predictedInfeasibleProposalsComeLastInSurvivalOrder() {
        let proposals = [
            Evaluation(objectives: [0, 0], constraints: [1]),
            Evaluation(objectives: [5, 5], constraints: [0]),
            Evaluation(objectives: [2, 2], constraints: [0]),
        ]
        #expect(LINASTactic.orderByPredictedContribution(proposals, measured: measured, count: 3) == [2, 0, 1])
        #expect(LINASTactic.orderByPredictedContribution(proposals, measured: measured, count: 1) == [2])
    }

    @Test func withoutMeasurementsTheSpreadOfTheProposalsDecides() {
        let proposals = [Evaluation(objectives: [1, 1]), Evaluation(objectives: [0, 3]), Evaluation(objectives: [3, 0])]
        let order = LINASTactic.orderByPredictedContribution(proposals, measured: [], count: 2)
        #expect(order.count == 2 && order[0] == 0)
    }

    @Test func measuresAFifthOfAPopulationPerIterationByDefault() throws {
        let space = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!
        let goal = SearchGoal(objectives: [.init(metric: "accuracy_top1", sense: .maximize), .init(metric: "macs", sense: .minimize)])
        var tactic = try LINASTactic(context: TacticContext(space: space, goal: goal, populationSize: 50, innerEvaluations: 500))
        let first = tactic.ask()
        #expect(first.count == 50)
        tactic.tell(first.map { configuration in
            let genes = configuration.indices
            return Measurement(configuration: configuration, metrics: ["accuracy_top1": 70 + Double(genes.reduce(0, +)) / 10,
                                                                       "macs": 1e8 + 1e6 * Double(genes.prefix(20).reduce(0, +))])
        })
        #expect(tactic.ask().count == 10)
        var custom = try LINASTactic(context: TacticContext(space: space, goal: goal, populationSize: 50, measuredPerIteration: 7))
        #expect(custom.ask().count == 50)
        #expect(custom.batchSize == 7)
    }
}
