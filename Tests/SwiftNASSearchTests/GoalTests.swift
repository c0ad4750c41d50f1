import Testing
import SwiftNASCore
import SwiftNASPareto
@testable import SwiftNASSearch

@Suite struct GoalTests {
    @Test func directionsAreInferredOrGiven() throws {
        #expect(try SearchObjective(parsing: "accuracy_top1").sense == .maximize)
        #expect(try SearchObjective(parsing: "bleu").sense == .maximize)
        #expect(try SearchObjective(parsing: "latency").sense == .minimize)
        #expect(try SearchObjective(parsing: "macs").sense == .minimize)
        #expect(try SearchObjective(parsing: "model_size").sense == .minimize)
        #expect(try SearchObjective(parsing: "energy_mj:min").sense == .minimize)
        #expect(try SearchObjective(parsing: "score:max").sense == .maximize)
        #expect(throws: InputError.self) { try SearchObjective(parsing: "score") }
        #expect(throws: InputError.self) { try SearchObjective(parsing: "score:up") }
    }

    @Test func constraintsParseAndEvaluate() throws {
        let latency = try SearchConstraint(parsing: "latency <= 20")
        #expect(latency.value(15) == -5)
        #expect(latency.value(25) == 5)
        let accuracy = try SearchConstraint(parsing: "accuracy_top1>=70")
        #expect(accuracy.value(72) == -2)
        #expect(throws: InputError.self) { try SearchConstraint(parsing: "latency=20") }
        #expect(throws: InputError.self) { try SearchConstraint(parsing: "latency<=fast") }
        #expect(throws: InputError.self) { try SearchConstraint(parsing: "<=3") }
    }

    @Test func goalMapsMetricsToMinimisation() throws {
        let goal = SearchGoal(objectives: [try .init(parsing: "accuracy_top1"), try .init(parsing: "macs")],
                              constraints: [try .init(parsing: "latency<=20")], extraMeasurements: ["params", "macs"])
        #expect(goal.metrics == ["accuracy_top1", "macs", "latency", "params"])
        let evaluation = goal.evaluation(from: ["accuracy_top1": 76, "macs": 3e8, "latency": 25, "params": 5e6])
        #expect(evaluation.objectives == [-76, 3e8])
        #expect(evaluation.constraints == [5, 0])
        #expect(goal.failedEvaluation.violation > 1e6)
    }
}
