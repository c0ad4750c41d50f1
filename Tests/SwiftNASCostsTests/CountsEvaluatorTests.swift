import Testing
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace
@testable import SwiftNASCosts
import SwiftNASBuiltins
import SwiftNASFashion
import SwiftNASSearch
import SwiftNASSupernet

/// The `builtin:counts` evaluator.
@Suite struct CountsEvaluatorTests {
    static let mobileNet = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")
    static let supernetworks = Registry.standard.supernetworks

    @Test func everyRegisteredSupernetworkWithoutATableHasACostModel() throws {
        // nasbench201 is measured by a table of results (builtin:table), not by counting.
        for supernetwork in Self.supernetworks.all where supernetwork.defaultEvaluator != "builtin:table" {
            #expect(try supernetwork.costModel() != nil, "\(supernetwork.name)")
        }
        #expect(Set(Self.supernetworks.all.map(\.name)) == Set(BuiltinSpaces.all.map(\.name) + ["fashion_mbv3", "fashion_mbv3_quant", "nasbench201"]))
    }

    /// The evaluator for `space` with `options`, given the super-network the registry has for it.
    static func counts(_ space: SearchSpace, _ options: EvaluatorOptions = [:]) throws -> CountsEvaluator {
        try CountsEvaluator(space: space, supernetwork: supernetworks.owning(space), options: options)
    }

    /// The native super-network's counts agree with the networks the engine actually builds.
    @Test func nativeCountsMatchTheExtractedNetworks() async throws {
        let space = FashionMBV3Supernetwork().space
        let evaluator = try Self.counts(space)
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
        let evaluator = try Self.counts(space)
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
        let evaluator = try Self.counts(space, ["macs": "torchprofile"])
        #expect(evaluator.identity == "builtin:counts?macs=torchprofile")
        let plain = try Self.counts(space, ["macs": "fvcore"])
        let configuration = uniform(space, ks: 1, e: 1, d: 1)
        let extended = try await evaluator.evaluate(configuration, metrics: ["macs"])["macs"] ?? 0
        let basic = try await plain.evaluate(configuration, metrics: ["macs"])["macs"] ?? 0
        #expect(extended > basic)
    }

    @Test func rejectsSpacesWithoutACostModel() throws {
        // A user's space file that reuses a built-in name but not its genes.
        let impostor = try SearchSpace(name: "ofa_mbv3_d234_e346_k357_w1.0",
                                       parameters: [Parameter(name: "ks", count: 2, values: [.int(3), .int(5)])])
        #expect(throws: InputError.self) { try Self.counts(impostor) }
    }

    @Test func rejectsUnknownOptions() throws {
        let space = try #require(Self.mobileNet)
        #expect(throws: InputError.self) { try Self.counts(space, ["macs": "thop"]) }
        #expect(throws: InputError.self) { try Self.counts(space, ["threads": "2"]) }
    }

    @Test func configurationOfAnotherSpaceFailsTheEvaluation() async throws {
        let evaluator = try Self.counts(try #require(Self.mobileNet))
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
        let registry = Registry.standard
        let supernetwork = registry.supernetworks.owning(space)
        let evaluator = try await registry.evaluators.make("builtin:counts?macs=torchprofile", space: space, supernetwork: supernetwork)
        #expect(evaluator.identity == "builtin:counts?macs=torchprofile")
        let result = try await evaluator.evaluate(Configuration(indices: [Int](repeating: 0, count: space.geneCount)),
                                                  metrics: ["params"])
        #expect((result["params"] ?? 0) > 0)
        await #expect(throws: InputError.self) {
            try await registry.evaluators.make("builtin:counts?macs=flops", space: space, supernetwork: supernetwork)
        }
    }
}
