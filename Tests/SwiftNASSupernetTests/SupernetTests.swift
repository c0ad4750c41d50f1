import Testing
import SwiftNASSpace
import SwiftNASCore
import SwiftNASEngine
@testable import SwiftNASSupernet

/// A two-stage plan small enough for finite differences in debug builds.
let tinyPlan = SupernetPlan(inputChannels: 1, stemChannels: 4, stageWidths: [8, 8], stageStrides: [2, 1],
                            stageActivations: [.relu, .hardSwish], stageSqueezeExcitation: [false, true],
                            finalExpandChannels: 16, featureMixChannels: 12, classes: 3)

/// The super-network at one configuration as a `Layer`, exposing the elastic parameters of chosen block
/// slots to the gradient checker. (The stem is left out: perturbing the first layer moves
/// every downstream unit across ReLU/h-swish kinks, which spoils central differences; the engine tests
/// check convolution gradients directly.)
struct SupernetProbe: Layer {
    var net: ElasticMobileNetV3
    var config: SubnetConfig
    var slots: [Int]
    mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor { net.forward(input, config: config, mode: mode) }
    mutating func backward(_ outputGradient: Tensor) -> Tensor { net.backward(outputGradient) }
    mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        // The elastic parameters (sliced or transformed); batch-norm and classifier gradients are the engine's.
        for s in slots {
            visit(&net.blocks[s].expandWeight)
            visit(&net.blocks[s].depthwiseWeight)
            for t in net.blocks[s].kernelTransforms.indices { visit(&net.blocks[s].kernelTransforms[t]) }
            if net.blocks[s].squeezeReduce != nil {
                visit(&net.blocks[s].squeezeReduce!.weight)
                visit(&net.blocks[s].squeezeExpand!.weight)
                visit(&net.blocks[s].squeezeExpand!.bias)
            }
            visit(&net.blocks[s].projectWeight)
        }
    }
}

@Suite struct PlanTests {
    @Test func makeDivisibleMatchesOFA() {
        #expect(SupernetPlan.makeDivisible(16 * 3) == 48)
        #expect(SupernetPlan.makeDivisible(24 * 6) == 144)
        #expect(SupernetPlan.makeDivisible(3) == 8)
        #expect(SupernetPlan.makeDivisible(36) == 40)   // SE of 144 channels
        #expect(SupernetPlan.makeDivisible(100) == 104)
        #expect(SupernetPlan.squeezeChannels(144) == 40)
        #expect(SupernetPlan.middleChannels(inChannels: 32, expandRatio: 4) == 128)
    }

    @Test func fashionPlanSlots() {
        let plan = SupernetPlan.fashionMBV3
        let slots = plan.slots
        #expect(slots.count == 20 && plan.blockSlots == 20 && plan.stages == 5)
        #expect(slots[0].inChannels == 16 && slots[0].outChannels == 24 && slots[0].stride == 2 && !slots[0].residual)
        #expect(slots[1].inChannels == 24 && slots[1].residual)
        #expect(slots[4].inChannels == 24 && slots[4].outChannels == 32 && slots[4].stride == 1 && !slots[4].residual)
        #expect(slots[4].squeezeExcitation && !slots[8].squeezeExcitation && slots[19].squeezeExcitation)
        #expect(slots[8].activation == .hardSwish && slots[7].activation == .relu)
        #expect(slots.map(\.stride) == [2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1])
    }

    @Test func configValidationAndCanonicalForm() throws {
        let plan = SupernetPlan.fashionMBV3
        let largest = SubnetConfig.largest(plan)
        #expect(try largest.validated(for: plan, source: "t") == largest)
        var bad = largest
        bad.kernelSizes[3] = 4
        #expect(throws: InputError(source: "t", field: "ks[3]", "4 is not one of [3, 5, 7]")) { try bad.validated(for: plan, source: "t") }
        bad = largest
        bad.depths = [2, 3]
        #expect(throws: InputError.self) { try bad.validated(for: plan, source: "t") }
        var random = SeededRandom(seed: 1)
        for _ in 0..<20 { _ = try SubnetConfig.random(plan, using: &random).validated(for: plan, source: "t") }
        var a = SubnetConfig.smallest(plan), b = a
        b.kernelSizes[3] = 7    // slot 3 is inactive at depth 2
        #expect(a != b && a.canonical(for: plan) == b.canonical(for: plan))
        a.kernelSizes[1] = 7    // slot 1 is active
        #expect(a.canonical(for: plan) != b.canonical(for: plan))
    }
}

@Suite struct SupernetTests {
    @Test func identityTransformsGiveCentreKernels() {
        let net = ElasticMobileNetV3(plan: tinyPlan, seed: 3)
        let block = net.blocks[0]
        let k7 = block.kernel(size: 7, middle: 16)
        let k5 = block.kernel(size: 5, middle: 16), k3 = block.kernel(size: 3, middle: 16)
        #expect(k7.storage == Array(block.depthwiseWeight.value.storage[..<(16 * 49)]))
        for c in [0, 7, 15] {
            for y in 0..<5 { for x in 0..<5 { #expect(k5[c, 0, y, x] == k7[c, 0, y + 1, x + 1]) } }
            for y in 0..<3 { for x in 0..<3 { #expect(k3[c, 0, y, x] == k7[c, 0, y + 2, x + 2]) } }
        }
    }

    @Test func extractedSubnetStructure() {
        let net = ElasticMobileNetV3(plan: tinyPlan, seed: 4)
        let config = SubnetConfig(kernelSizes: [3, 5, 7, 7, 7, 5, 3, 3], expandRatios: [3, 6, 4, 4, 4, 6, 3, 3], depths: [2, 3])
        let sub = net.extract(config)
        #expect(sub.blocks.count == 1 + 5)
        #expect(sub.blocks.map(\.depthwise.geometry.kernel) == [3, 3, 5, 7, 5, 3])
        // middle = mkdiv(in · e): 4·3 → 16, 8·6 → 48, then the second stage 8·4, 8·6, 8·3.
        #expect(sub.blocks.dropFirst().map(\.depthwise.geometry.inChannels) == [16, 48, 32, 48, 24])
        #expect(sub.blocks.map(\.residual) == [true, false, true, true, true, true])
        #expect(sub.blocks[1].squeezeExcitation == nil && sub.blocks[3].squeezeExcitation?.reducedChannels == 8)
        #expect(sub.blocks[4].squeezeExcitation?.reducedChannels == 16)
        // Leading slices of the shared tensors.
        #expect(sub.blocks[1].expand!.weight.value.storage == Array(net.blocks[0].expandWeight.value.storage[..<(16 * 4)]))
    }

    @Test func extractedSubnetMatchesSupernet() {
        var net = ElasticMobileNetV3(plan: tinyPlan, seed: 5)
        var random = SeededRandom(seed: 6)
        let x = Tensor.randomNormal(shape: [3, 8, 8, 1], using: &random)
        // Move the weights and statistics away from their initial values with a couple of SGD steps.
        var sgd = SGD()
        for _ in 0..<2 {
            let config = SubnetConfig.random(tinyPlan, using: &random)
            net.zeroGradients()
            let y = net.forward(x, config: config, mode: .training)
            let (_, g) = SoftmaxCrossEntropy().lossAndGradient(logits: y, labels: [0, 1, 2])
            _ = net.backward(g)
            sgd.step(&net, learningRate: 0.05)
        }
        for _ in 0..<4 {
            let config = SubnetConfig.random(tinyPlan, using: &random)
            var sub = net.extract(config)
            for mode in [ForwardMode.inference, .training] {
                let expected = net.forward(x, config: config, mode: mode)
                let got = sub.forward(x, mode: mode)
                #expect(got.maxAbsDifference(expected) <= 1e-5)
            }
        }
    }

    @Test func trainingStatisticsReachOnlyActiveChannels() {
        var net = ElasticMobileNetV3(plan: tinyPlan, seed: 7)
        var random = SeededRandom(seed: 8)
        let x = Tensor.randomNormal(shape: [2, 8, 8, 1], using: &random)
        let config = SubnetConfig.smallest(tinyPlan)
        _ = net.forward(x, config: config, mode: .training)
        let norm = net.blocks[0].expandNorm   // active, middle 16 of 24
        #expect(norm.runningMean[..<16].contains { $0 != 0 })
        #expect(norm.runningMean[16...].allSatisfy { $0 == 0 } && norm.runningVariance[16...].allSatisfy { $0 == 1 })
        #expect(net.blocks[2].expandNorm.runningMean.allSatisfy { $0 == 0 })   // slot 2 inactive at depth 2
    }

    @Test func gradientsFlowThroughKernelTransformsAndSlices() {
        var net = ElasticMobileNetV3(plan: tinyPlan, seed: 9)
        var random = SeededRandom(seed: 10)
        // Non-identity transformation matrices so their gradients are exercised in general position.
        for s in [0, 4] {
            for t in net.blocks[s].kernelTransforms.indices {
                for i in net.blocks[s].kernelTransforms[t].value.storage.indices {
                    net.blocks[s].kernelTransforms[t].value.storage[i] += Float(random.nextGaussian()) * 0.1
                }
            }
        }
        let config = SubnetConfig(kernelSizes: [3, 5, 7, 7, 5, 3, 7, 7], expandRatios: [3, 4, 6, 6, 4, 3, 6, 6], depths: [2, 2])
        let probe = SupernetProbe(net: net, config: config, slots: [0, 4])
        let x = Tensor.randomNormal(shape: [3, 8, 8, 1], using: &random)
        let bad = GradientCheck.mismatches(probe, input: x, epsilon: 2e-3, samples: 4,
                                           absoluteTolerance: 5e-3, relativeTolerance: 5e-2)
        #expect(bad.isEmpty, "\(bad.prefix(8))")
    }
}

@Suite struct SupernetCheckpointTests {
    @Test func saveAndRestoreReproducesOutputs() throws {
        var trained = ElasticMobileNetV3(plan: tinyPlan, seed: 11)
        var random = SeededRandom(seed: 12)
        let x = Tensor.randomNormal(shape: [2, 8, 8, 1], using: &random)
        let config = SubnetConfig.random(tinyPlan, using: &random)
        _ = trained.forward(x, config: config, mode: .training)   // moves the running statistics
        let bytes = trained.checkpoint(metadata: ["epoch": "1"]).serialized()
        var fresh = ElasticMobileNetV3(plan: tinyPlan, seed: 99)
        let loaded = try Checkpoint(parsing: bytes, source: "ck")
        #expect(loaded.metadata["epoch"] == "1" && loaded.metadata["architecture"] == ElasticMobileNetV3.architecture)
        try fresh.restore(from: loaded, source: "ck")
        #expect(fresh.namedState() == trained.namedState())
        #expect(fresh.forward(x, config: config, mode: .inference) == trained.forward(x, config: config, mode: .inference))
        #expect(trained.namedState().contains { $0.name == "blocks.4.depthwise.transform5" })
    }

    @Test func mismatchedPlanIsAnInputError() throws {
        let other = SupernetPlan(inputChannels: 1, stemChannels: 8, stageWidths: [8, 8], stageStrides: [2, 1],
                                 stageActivations: [.relu, .hardSwish], stageSqueezeExcitation: [false, true],
                                 finalExpandChannels: 16, featureMixChannels: 12, classes: 3)
        let checkpoint = ElasticMobileNetV3(plan: other, seed: 1).checkpoint()
        var net = ElasticMobileNetV3(plan: tinyPlan, seed: 1)
        let before = net.namedState()
        #expect(throws: InputError.self) { try net.restore(from: checkpoint, source: "ck") }
        var renamed = checkpoint
        renamed.metadata["plan"] = tinyPlan.signature   // same label, wrong tensors
        #expect(throws: InputError.self) { try net.restore(from: renamed, source: "ck") }
        #expect(net.namedState() == before)
    }
}

@Suite struct SearchSpaceTests {
    @Test func planMatchesTheBuiltinFashionSpace() throws {
        // The built-in `fashion_mbv3` space (SwiftNASSpace) is the one definition; the plan must agree with it.
        let space = BuiltinSpaces.mobileNetV3(name: "fashion_mbv3")
        let plan = SupernetPlan.fashionMBV3
        #expect(space.parameters.map(\.name) == ["ks", "e", "d"])
        #expect(space.parameters.map(\.count) == [plan.blockSlots, plan.blockSlots, plan.stages])
        #expect(space.parameters[0].values == plan.kernelSizes.map { .int($0) })
        #expect(space.parameters[1].values == plan.expandRatios.map { .int($0) })
        #expect(space.parameters[2].values == plan.depths.map { .int($0) })
    }

    @Test func genesRoundTripAndValidate() throws {
        let plan = SupernetPlan.fashionMBV3
        var random = SeededRandom(seed: 3)
        let config = SubnetConfig.random(plan, using: &random)
        #expect(try SubnetConfig(genes: config.genes, plan: plan, source: "g") == config)
        #expect(throws: InputError.self) { try SubnetConfig(genes: Array(config.genes.dropLast()), plan: plan, source: "g") }
        var bad = config.genes
        bad[44] = 5
        #expect(throws: InputError(source: "g", field: "d[4]", "5 is not one of [2, 3, 4]")) { try SubnetConfig(genes: bad, plan: plan, source: "g") }
        let space = BuiltinSpaces.mobileNetV3(name: "fashion_mbv3")
        #expect(!config.json.contains(" "))
        #expect(try SubnetConfig(space.configuration(fromText: config.json, source: "j", strict: true), in: space, plan: plan, source: "j") == config)
    }
}
