import Testing
import SwiftNASCore
import SwiftNASPareto
import SwiftNASSpace
@testable import SwiftNASSearch

/// The `mobo` tactic on small spaces it scores whole.
@Suite struct BayesianTacticTests {
    let space = try! SearchSpace(name: "cells", parameters: [
        Parameter(name: "op", count: 4, values: [.string("none"), .string("skip"), .string("conv1"), .string("conv3"), .string("pool")]),
    ])
    let goal = SearchGoal(objectives: [.init(metric: "acc", sense: .maximize), .init(metric: "lat", sense: .minimize)])

    /// A non-additive accuracy (a `none` cuts the cell, convolutions help more together) and an additive latency.
    static func measure(_ configuration: Configuration) -> [String: Double] {
        let ops = configuration.indices
        let convolutions = ops.filter { $0 == 2 || $0 == 3 }.count
        let cut = ops.prefix(2).allSatisfy { $0 == 0 }
        let acc = cut ? 10 : 60 + 6 * Double(convolutions * convolutions) + Double(ops.filter { $0 == 3 }.count) - 2 * Double(ops.filter { $0 == 4 }.count)
        let lat = ops.map { [0.1, 0.2, 1.0, 2.5, 0.6][$0] }.reduce(0, +)
        return ["acc": acc, "lat": lat]
    }

    func search(seed: UInt64, budget: Int, tactic name: String = "mobo", goal: SearchGoal? = nil) throws -> [Configuration] {
        var tactic = try SearchTactics.make(name, context: TacticContext(space: space, goal: goal ?? self.goal, populationSize: 10, seed: seed))
        var asked: [Configuration] = []
        while asked.count < budget {
            let batch = tactic.ask()
            if batch.isEmpty { break }
            asked += batch
            tactic.tell(batch.map { Measurement(configuration: $0, metrics: Self.measure($0)) })
        }
        return asked
    }

    @Test func asksEverySubNetworkOnceThenStops() throws {
        let small = try SearchSpace(name: "pair", parameters: [Parameter(name: "op", count: 2, values: space.parameters[0].values)])
        var tactic = try BayesianTactic(context: TacticContext(space: small, goal: goal, populationSize: 10, seed: 1))
        var asked: [Configuration] = []
        while true {
            let batch = tactic.ask()
            if batch.isEmpty { break }
            asked += batch
            tactic.tell(batch.map { Measurement(configuration: $0, metrics: Self.measure(Configuration(indices: $0.indices + [1, 1]))) })
        }
        #expect(asked.count == 25)
        #expect(Set(asked.map(\.indices)).count == 25)
    }

    @Test func findsMoreOfTheFrontThanRandomSampling() throws {
        let reference = [-60.0, 6.0]
        func hypervolume(_ configurations: [Configuration]) -> Double {
            Hypervolume.compute(configurations.map { let m = Self.measure($0); return [-m["acc"]!, m["lat"]!] }, reference: reference)
        }
        var mobo = 0.0, random = 0.0
        for seed: UInt64 in 1...3 {
            mobo += hypervolume(try search(seed: seed, budget: 40))
            random += hypervolume(try search(seed: seed, budget: 40, tactic: "random"))
        }
        #expect(mobo > random)
    }

    @Test func predictionsAreReportedAndConstraintsSteerTheChoice() throws {
        let constrained = SearchGoal(objectives: goal.objectives, constraints: [SearchConstraint(metric: "lat", relation: .atMost, bound: 2)])
        var tactic = try BayesianTactic(context: TacticContext(space: space, goal: constrained, populationSize: 10, seed: 4))
        var initial: [Configuration] = [], later: [Configuration] = []
        for round in 0..<8 {
            let batch = tactic.ask()
            if round == 0 {
                initial = batch
                #expect(tactic.lastIteration == nil)
            } else {
                later += batch
                let iteration = try #require(tactic.lastIteration)
                #expect(iteration.predictors == ["acc": "gp", "lat": "gp"])
                #expect(iteration.predicted.count == batch.count && iteration.predicted[0]?["acc"] != nil)
            }
            tactic.tell(batch.map { Measurement(configuration: $0, metrics: Self.measure($0)) })
        }
        func feasibleShare(_ configurations: [Configuration]) -> Double {
            Double(configurations.filter { Self.measure($0)["lat"]! <= 2 }.count) / Double(configurations.count)
        }
        #expect(initial.count == 5 && later.count == 14)
        #expect(feasibleShare(later) > feasibleShare(initial))
    }

    @Test func theRegionOfInterestIsAMaximisedObjectivesBestQuarterAndTheOthersBetterHalf() throws {
        func reference(_ objectives: [SearchObjective]) throws -> [Double] {
            try BayesianTactic(context: TacticContext(space: space, goal: SearchGoal(objectives: objectives))).regionOfInterest
        }
        #expect(try reference(goal.objectives) == [0.25, 0.5])
        #expect(try reference([.init(metric: "lat", sense: .minimize), .init(metric: "acc", sense: .maximize), .init(metric: "macs", sense: .minimize)]) == [0.5, 0.25, 0.5])
        #expect(try reference([.init(metric: "error", sense: .minimize), .init(metric: "lat", sense: .minimize)]) == [0.25, 0.5])
    }

    @Test func aBatchAlternatesPrimaryFirstPicksWithHypervolumeGainsInBothRegions() throws {
        let kinds = BayesianTactic.picks.map { pick -> String in
            switch pick {
            case .primaryFirst: "primary"
            case .largestGain(let inSpace): inSpace ? "space" : "measured"
            }
        }
        #expect(kinds == ["primary", "measured", "primary", "space"])
    }

    @Test func thePrimaryFirstPickIsTheMostOptimisticInsideTheOtherBounds() throws {
        let tactic = try BayesianTactic(context: TacticContext(space: space, goal: goal))
        // Minimised scores: accuracy (primary, index 0), latency; the region bounds latency at 0.5.
        let optimistic = [[0.30, 0.20], [0.05, 0.70], [0.10, 0.45], [0.10, 0.40], [0.60, 0.10]]
        #expect(tactic.primaryFirst(optimistic, within: [0.25, 0.5]) == 2)  // 1 is more accurate but too slow; 2 before its tie 3
        #expect(tactic.primaryFirst(optimistic, within: [0.25, 0.05]) == nil)
        // No maximised objective: the first one is primary.
        let latencyFirst = try BayesianTactic(context: TacticContext(space: space, goal: SearchGoal(objectives: [
            .init(metric: "lat", sense: .minimize), .init(metric: "error", sense: .minimize)])))
        #expect(latencyFirst.primaryObjective == 0)
        #expect(latencyFirst.primaryFirst([[0.2, 0.9], [0.3, 0.1]], within: [0.25, 0.5]) == 1)
        // Hypervolume gains: the point adding most; none adding any, the one closest to the region.
        #expect(tactic.largestGain([[0.2, 0.4], [0.1, 0.1], [0.3, 0.3]], over: [[0.15, 0.45]], reference: [0.25, 0.5]) == 1)
        #expect(tactic.largestGain([[0.9, 0.9], [0.3, 0.6]], over: [], reference: [0.25, 0.5]) == 1)
    }

    @Test func theSpaceRegionTakesTheQuantilesOverMeasuredAndPredictedValues() throws {
        var tactic = try BayesianTactic(context: TacticContext(space: space, goal: goal, populationSize: 10, seed: 2))
        var batch = tactic.ask()
        tactic.tell(batch.map { Measurement(configuration: $0, metrics: Self.measure($0)) })
        batch = tactic.ask()
        tactic.tell(batch.map { Measurement(configuration: $0, metrics: Self.measure($0)) })
        let models = try #require(tactic.fitModels())
        let measured = tactic.regionOfInterest
        // Predicted values (minimised: −accuracy, latency) far slower than anything measured move the latency bound
        // up to the slowest measurement's probability; far more accurate ones tighten accuracy's quarter.
        let slowAndAccurate = [[Double]](repeating: [-1000, 1000], count: 1000)
        let loose = tactic.wholeSpaceRegion(models, predicted: slowAndAccurate)
        #expect(loose[0] <= measured[0] && loose[1] > 0.9)
        // Fast, inaccurate predictions: a tight latency bound, and accuracy's quarter no looser than measured.
        let fastAndPoor = [[Double]](repeating: [1000, -1000], count: 1000)
        let tight = tactic.wholeSpaceRegion(models, predicted: fastAndPoor)
        #expect(tight[1] < 0.1 && tight[0] == measured[0])
    }

    @Test(arguments: ["random", "linas", "mobo", "auto"])
    func theFirstBatchStartsWithTheInitialConfigurations(name: String) throws {
        let initial = [[0, 1, 2, 3], [4, 4, 4, 4], [0, 1, 2, 3], [3, 3, 2, 2]].map { Configuration(indices: $0) }
        var context = TacticContext(space: space, goal: goal, populationSize: 10, seed: 3)
        context.initialConfigurations = initial
        var tactic = try SearchTactics.make(name, context: context)
        let first = tactic.ask()
        // Each given sub-network once, first and in order; then random ones up to the tactic's first batch.
        #expect(Array(first.prefix(3)) == [initial[0], initial[1], initial[3]])
        #expect(first.count == (name == "random" || name == "linas" ? 10 : 5))
        tactic.tell(first.map { Measurement(configuration: $0, metrics: Self.measure($0)) })
        var later: [Configuration] = []
        for _ in 0..<3 {
            let batch = tactic.ask()
            later += batch
            tactic.tell(batch.map { Measurement(configuration: $0, metrics: Self.measure($0)) })
        }
        #expect(!later.isEmpty && later.allSatisfy { !initial.contains($0) })
    }

    @Test func theEvolutionaryTacticRefusesInitialConfigurations() throws {
        var context = TacticContext(space: space, goal: goal, populationSize: 10)
        context.initialConfigurations = [Configuration(indices: [0, 1, 2, 3])]
        #expect(throws: InputError.self) { _ = try SearchTactics.make("evolutionary", context: context) }
    }

    @Test func spacesBeyondTheLimitAreSearchedNotEnumerated() throws {
        let large = try SearchSpace(name: "large", parameters: [Parameter(name: "op", count: 8, values: (0..<5).map { .int($0) })])
        #expect(large.allConfigurations(limit: BayesianTactic.enumerationLimit) == nil)
        #expect(space.allConfigurations(limit: 625)?.count == 625)
        #expect(space.allConfigurations(limit: 624) == nil)
        let tactic = try BayesianTactic(context: TacticContext(space: large, goal: goal))
        #expect(tactic.pool == nil)
    }
}
