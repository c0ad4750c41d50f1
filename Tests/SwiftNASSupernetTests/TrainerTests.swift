import Foundation
import Testing
import SwiftNASCore
import SwiftNASEngine
@testable import SwiftNASSupernet

/// Three classes of 8 × 8 images: horizontal bars, vertical bars, a bright centre, with noise.
func toyData(count: Int, seed: UInt64) -> ImageDataset {
    var random = SeededRandom(seed: seed)
    var pixels: [Float] = [], labels: [Int] = []
    for i in 0..<count {
        let label = i % 3
        for y in 0..<8 {
            for x in 0..<8 {
                let on = label == 0 ? y % 4 < 2 : label == 1 ? x % 4 < 2 : (2..<6).contains(x) && (2..<6).contains(y)
                pixels.append(min(1, max(0, (on ? 0.8 : 0.2) + Float(random.nextGaussian()) * 0.1)))
            }
        }
        labels.append(label)
    }
    return ImageDataset(height: 8, width: 8, pixels: pixels, labels: labels, classes: 3)
}

@Suite struct TrainerTests {
    static func options() -> SupernetTrainingOptions {
        var o = SupernetTrainingOptions()
        o.epochs = 2
        o.batchSize = 8
        o.learningRate = 0.1
        o.randomSubnets = 1
        o.cropPadding = 1
        o.seed = 5
        return o
    }

    @Test func resumingFromACheckpointMatchesAnUninterruptedRun() throws {
        let data = toyData(count: 24, seed: 1)
        var straight = SupernetTrainer(plan: tinyPlan, data: data, options: Self.options())
        for _ in 0..<4 { straight.trainStep() }

        var first = SupernetTrainer(plan: tinyPlan, data: data, options: Self.options())
        for _ in 0..<2 { first.trainStep() }
        let saved = try Checkpoint(parsing: first.checkpoint().serialized(), source: "ck")
        var resumed = SupernetTrainer(plan: tinyPlan, data: data, options: Self.options())
        try resumed.resume(from: saved, source: "ck")
        #expect(resumed.step == 2)
        for _ in 0..<2 { resumed.trainStep() }
        #expect(resumed.network.namedState() == straight.network.namedState())
        #expect(resumed.optimizer.velocity == straight.optimizer.velocity)
    }

    @Test func resumeRefusesOtherOptionsOrData() throws {
        let data = toyData(count: 24, seed: 1)
        var trainer = SupernetTrainer(plan: tinyPlan, data: data, options: Self.options())
        trainer.trainStep()
        let saved = trainer.checkpoint()
        var changed = Self.options()
        changed.learningRate = 0.2
        var other = SupernetTrainer(plan: tinyPlan, data: data, options: changed)
        #expect(throws: InputError.self) { try other.resume(from: saved, source: "ck") }
        var smaller = SupernetTrainer(plan: tinyPlan, data: toyData(count: 16, seed: 1), options: Self.options())
        #expect(throws: InputError.self) { try smaller.resume(from: saved, source: "ck") }
    }

    @Test func sandwichTrainingLearnsToyData() {
        let data = toyData(count: 48, seed: 2), test = toyData(count: 30, seed: 3)
        var options = Self.options()
        options.epochs = 6
        var trainer = SupernetTrainer(plan: tinyPlan, data: data, options: options)
        var losses: [Float] = []
        while !trainer.isFinished { losses.append(trainer.trainStep()) }
        #expect(losses.count == 36)
        #expect(losses.suffix(3).reduce(0, +) < losses.prefix(3).reduce(0, +))
        let largest = trainer.accuracy(of: .largest(tinyPlan), on: test, calibrationImages: 48)
        let smallest = trainer.accuracy(of: .smallest(tinyPlan), on: test, calibrationImages: 48)
        #expect(largest > 0.5, "largest \(largest), chance 1/3")
        #expect(smallest > 0.5, "smallest \(smallest), chance 1/3")
    }

    @Test func schedulesPickTheirSubnetworks() {
        let data = toyData(count: 24, seed: 1)
        var options = Self.options()
        options.schedule = .progressiveShrinking
        options.epochs = 4
        let trainer = SupernetTrainer(plan: tinyPlan, data: data, options: options)
        let largest = SubnetConfig.largest(tinyPlan)
        var random = SeededRandom(seed: 9)
        let total = trainer.totalSteps
        // Part 1: the largest alone; part 2: elastic kernels only; part 3: + depth; part 4: everything.
        #expect(trainer.subnets(at: 0, &random) == [largest])
        for _ in 0..<5 {
            let kernelOnly = trainer.subnets(at: total / 4, &random)
            #expect(kernelOnly.count == 2 && kernelOnly[0] == largest)
            #expect(kernelOnly[1].depths == largest.depths && kernelOnly[1].expandRatios == largest.expandRatios)
            let depth = trainer.subnets(at: total / 2, &random)[1]
            #expect(depth.expandRatios == largest.expandRatios)
        }
        let late = (0..<20).map { _ in trainer.subnets(at: total - 1, &random)[1] }
        #expect(late.contains { $0.expandRatios != largest.expandRatios } && late.contains { $0.depths != largest.depths })

        let fixedConfig = SubnetConfig.smallest(tinyPlan)
        options.schedule = .fixed(fixedConfig)
        options.weightDecay = 0  // decay would move every weight, trained or not
        var fixed = SupernetTrainer(plan: tinyPlan, data: data, options: options)
        #expect(fixed.subnets(at: 5, &random) == [fixedConfig])
        // Training one architecture leaves the weights only the largest uses untouched.
        let before = fixed.network.namedState()
        fixed.trainStep()
        let after = fixed.network.namedState()
        let lastBlock = tinyPlan.blockSlots - 1  // inactive in the smallest (depth 2 of 4)
        let untouched = zip(before, after).filter { $0.0.name.hasPrefix("blocks.\(lastBlock).") }
        #expect(!untouched.isEmpty && untouched.allSatisfy { $0.0 == $0.1 })
        #expect(zip(before, after).contains { $0.0 != $0.1 })
    }

    @Test func optionsFromOlderCheckpointsTakeDefaults() throws {
        let old = #"{"batchSize":64,"cropPadding":2,"distillation":true,"epochs":12,"horizontalFlip":true,"labelSmoothing":0.1,"learningRate":0.05,"momentum":0.9,"nesterov":true,"randomSubnets":2,"seed":0,"warmupEpochs":1,"weightDecay":3e-05}"#
        let decoded = try JSONDecoder().decode(SupernetTrainingOptions.self, from: Data(old.utf8))
        #expect(decoded.schedule == .sandwich && decoded.epochs == 12)
        var options = SupernetTrainingOptions()
        options.schedule = .fixed(.largest(tinyPlan))
        let roundTrip = try JSONDecoder().decode(SupernetTrainingOptions.self, from: JSONEncoder().encode(options))
        #expect(roundTrip == options)
    }

    @Test func sortingChannelsKeepsTheLargestExpandRatiosFunctionAndOrdersByImportance() {
        var trainer = SupernetTrainer(plan: tinyPlan, data: toyData(count: 24, seed: 1), options: Self.options())
        for _ in 0..<3 { trainer.trainStep() }
        var random = SeededRandom(seed: 4)
        let x = Tensor.randomNormal(shape: [3, 8, 8, 1], using: &random)
        let largest = SubnetConfig.largest(tinyPlan)
        var fullWidth = SubnetConfig.random(tinyPlan, using: &random)
        fullWidth.expandRatios = largest.expandRatios
        var narrow = SubnetConfig.smallest(tinyPlan)
        narrow.depths = largest.depths
        let before = [largest, fullWidth, narrow].map { trainer.network.forward(x, config: $0, mode: .inference) }
        let orders = trainer.network.blocks.map { $0.middleChannelOrder() }
        #expect(orders.contains { $0.middle != Array($0.middle.indices) }, "trained weights are not already sorted")

        // The momentum buffers must move with their weights: start them equal to the weights.
        var velocityIsWeights = trainer.optimizer
        velocityIsWeights.velocity = []
        trainer.network.visitParameters { velocityIsWeights.velocity.append($0.value.storage) }
        trainer.network.sortMiddleChannels(optimizer: &velocityIsWeights)
        var index = 0
        trainer.network.visitParameters { p in
            #expect(velocityIsWeights.velocity[index] == p.value.storage)
            index += 1
        }

        let after = [largest, fullWidth, narrow].map { trainer.network.forward(x, config: $0, mode: .inference) }
        #expect(after[0].maxAbsDifference(before[0]) <= 1e-5)
        #expect(after[1].maxAbsDifference(before[1]) <= 1e-5)
        #expect(after[2].maxAbsDifference(before[2]) > 1e-4, "the narrowest ratio now keeps other channels")
        for block in trainer.network.blocks {
            // Sorted: the importance order is now the identity.
            let order = block.middleChannelOrder()
            #expect(order.middle == Array(order.middle.indices))
            if let squeeze = order.squeeze { #expect(squeeze == Array(squeeze.indices)) }
        }
    }

    @Test func progressiveShrinkingSortsChannelsOnceAndResumesAcrossTheSort() throws {
        let data = toyData(count: 24, seed: 1)
        var options = Self.options()
        options.schedule = .progressiveShrinking
        var straight = SupernetTrainer(plan: tinyPlan, data: data, options: options)
        let sorting = (0..<straight.totalSteps).filter { straight.sortsChannels(before: $0) }
        #expect(sorting == [(3 * straight.totalSteps + 3) / 4])
        #expect(!(0..<straight.totalSteps).contains { SupernetTrainer(plan: tinyPlan, data: data, options: Self.options()).sortsChannels(before: $0) })
        while !straight.isFinished { straight.trainStep() }

        var first = SupernetTrainer(plan: tinyPlan, data: data, options: options)
        while first.step < sorting[0] { first.trainStep() }
        let saved = try Checkpoint(parsing: first.checkpoint().serialized(), source: "ck")
        var resumed = SupernetTrainer(plan: tinyPlan, data: data, options: options)
        try resumed.resume(from: saved, source: "ck")
        while !resumed.isFinished { resumed.trainStep() }
        #expect(resumed.network.namedState() == straight.network.namedState())
        #expect(resumed.optimizer.velocity == straight.optimizer.velocity)
    }
}
