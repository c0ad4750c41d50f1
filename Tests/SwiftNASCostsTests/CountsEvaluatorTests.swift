import Testing
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace
@testable import SwiftNASCosts
@testable import SwiftNASCommands
import SwiftNASSupernet

/// The `builtin:counts` evaluator.
@Suite struct CountsEvaluatorTests {
    static let mobileNet = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")

    @Test func everyBuiltinSpaceHasACostModel() throws {
        for space in BuiltinSpaces.all {
            #expect(try CostModels.model(for: space) != nil, "\(space.name)")
        }
        #expect(CostModels.spaceNames.count == BuiltinSpaces.all.count)
    }

    /// The native super-network's counts agree with the networks the engine actually builds.
    @Test func nativeCountsMatchTheExtractedNetworks() async throws {
        let space = try #require(BuiltinSpaces.named("fashion_mbv3"))
        let evaluator = try CountsEvaluator(space: space, options: [:])
        let network = ElasticMobileNetV3(plan: .fashionMBV3, seed: 1)
        var random = SeededRandom(seed: 4)
        for _ in 0..<5 {
            let indices = space.parameters.flatMap { p in (0..<p.count).map { _ in random.nextIndex(p.values.count) } }
            let configuration = Configuration(indices: indices)
            let config = try SubnetConfig(configuration, in: space, plan: .fashionMBV3, source: "t")
            var subnet = network.extract(config)
            let counted = try await evaluator.evaluate(configuration, metrics: ["params"])
            #expect(counted["params"] == Double(subnet.parameterCount()))
        }
    }

    @Test func measuresMacsParamsAndModelSize() async throws {
        let space = try #require(Self.mobileNet)
        let evaluator = try CountsEvaluator(space: space, options: [:])
        #expect(CountsEvaluator.name == "counts")
        #expect(evaluator.identity == "builtin:counts")
        let largest = uniform(space, ks: 2, e: 2, d: 2)
        let result = try await evaluator.evaluate(largest, metrics: ["macs", "params", "model_size"])
        #expect(result == ["macs": 566_170_656, "params": 7_664_760, "model_size": 4 * 7_664_760])
        #expect(try await evaluator.evaluate(largest, metrics: ["params"]) == ["params": 7_664_760])
        #expect(throws: Never.self) { try checkMetrics(["macs", "params", "model_size"], supportedBy: evaluator, source: "--metrics") }
        #expect(throws: InputError.self) { try checkMetrics(["latency"], supportedBy: evaluator, source: "--metrics") }
    }

    @Test func torchprofileConventionAddsElementOperations() async throws {
        let space = try #require(Self.mobileNet)
        let evaluator = try CountsEvaluator(space: space, options: ["macs": "torchprofile"])
        #expect(evaluator.identity == "builtin:counts?macs=torchprofile")
        let plain = try CountsEvaluator(space: space, options: ["macs": "fvcore"])
        let configuration = uniform(space, ks: 1, e: 1, d: 1)
        let extended = try await evaluator.evaluate(configuration, metrics: ["macs"])["macs"] ?? 0
        let basic = try await plain.evaluate(configuration, metrics: ["macs"])["macs"] ?? 0
        #expect(extended > basic)
    }

    @Test func rejectsSpacesWithoutACostModel() throws {
        // A user's space file that reuses a built-in name but not its genes.
        let impostor = try SearchSpace(name: "ofa_mbv3_d234_e346_k357_w1.0",
                                       parameters: [Parameter(name: "ks", count: 2, values: [.int(3), .int(5)])])
        #expect(throws: InputError.self) { try CountsEvaluator(space: impostor, options: [:]) }
    }

    @Test func rejectsUnknownOptions() throws {
        let space = try #require(Self.mobileNet)
        #expect(throws: InputError.self) { try CountsEvaluator(space: space, options: ["macs": "thop"]) }
        #expect(throws: InputError.self) { try CountsEvaluator(space: space, options: ["threads": "2"]) }
    }

    @Test func configurationOfAnotherSpaceFailsTheEvaluation() async throws {
        let evaluator = try CountsEvaluator(space: try #require(Self.mobileNet), options: [:])
        await #expect(throws: EvaluationFailure.self) {
            try await evaluator.evaluate(Configuration(indices: [0, 1]), metrics: ["macs"])
        }
        await #expect(throws: EvaluationFailure.self) {
            try await evaluator.evaluate(Configuration(indices: [Int](repeating: 5, count: 45)), metrics: ["macs"])
        }
    }
}

/// `builtin:counts` as the command line reaches it, through the evaluator registry.
@Suite struct CountsRegistrationTests {
    @Test func registryCreatesCountsWithOptions() async throws {
        let space = try #require(BuiltinSpaces.named("transformer_lt_wmt_en_de"))
        let evaluator = try EvaluatorRegistry.builtin("builtin:counts?macs=torchprofile", space: space)
        #expect(evaluator.identity == "builtin:counts?macs=torchprofile")
        let result = try await evaluator.evaluate(Configuration(indices: [Int](repeating: 0, count: space.geneCount)),
                                                  metrics: ["params"])
        #expect((result["params"] ?? 0) > 0)
        #expect(throws: InputError.self) { try EvaluatorRegistry.builtin("builtin:counts?macs=flops", space: space) }
    }
}
