import Foundation
import Testing
import SwiftNASFashion
import SwiftNASCore
import SwiftNASSpace
import SwiftNASSupernet
@testable import SwiftNASLatency

/// Behaviour of the per-block latency lookup table: what is timed, what the file holds, how it predicts and how
/// bad files are refused. Nothing here asserts a wall-clock figure.
struct BlockLatencyTableTests {
    /// Two stages of up to 3 blocks, narrow, on 12 × 12 images: fast to time in any build.
    static let tinyPlan: SupernetPlan = {
        var plan = SupernetPlan(stemChannels: 8, stageWidths: [8, 16], stageStrides: [1, 2], stageActivations: [.relu, .hardSwish],
                                stageSqueezeExcitation: [false, true], finalExpandChannels: 32, featureMixChannels: 32, classes: 4)
        plan.depths = [1, 2, 3]
        return plan
    }()
    static let quick = LatencyTableSettings(batchSize: 2, threads: 1, repeats: 1, warmup: 0, imageSize: 12, seed: 3)

    func tinyTable() -> BlockLatencyTable {
        BlockLatencyMeasurement(plan: Self.tinyPlan, settings: Self.quick).buildTable(space: "tiny")
    }

    @Test func timesEveryVariantOncePerShape() throws {
        var rounds: [Int] = []
        var settings = Self.quick
        settings.method = .isolated
        settings.repeats = 3
        settings.rounds = 2
        let table = BlockLatencyMeasurement(plan: Self.tinyPlan, settings: settings).buildTable(space: "tiny") { round, _ in rounds.append(round) }
        let plan = Self.tinyPlan
        #expect(table.blocks.count == plan.blockSlots * 9)
        #expect(table.stages == 2 && table.maxDepth == 3 && table.planSignature == plan.signature && table.settings == settings)
        #expect(rounds == [1, 2])
        #expect(table.blocks.allSatisfy { $0.milliseconds >= 0 && $0.milliseconds.isFinite })
        // Positions 1 and 2 of a stage have one shape: timed at position 1. Stage 0's first slot (stride 1, 8 → 8)
        // has that shape too.
        for block in table.blocks {
            let expected = block.position == 0 && block.stage == 1 ? block.slot : block.stage * plan.maxDepth + (block.stage == 0 ? 0 : 1)
            #expect(block.measuredAt == expected, "\(block)")
        }
        // Equal-shaped slots share one time.
        for block in table.blocks where block.measuredAt != block.slot {
            #expect(block.milliseconds == table.blocks.first { $0.slot == block.measuredAt && $0.kernel == block.kernel && $0.expandRatio == block.expandRatio }!.milliseconds)
        }
    }

    @Test func timedPartsForwardIsTheForward() throws {
        let plan = Self.tinyPlan
        let measurement = BlockLatencyMeasurement(plan: plan, settings: Self.quick)
        var random = SeededRandom(seed: 4)
        for _ in 0..<3 {
            var subnet = measurement.network.extract(SubnetConfig.random(plan, using: &random))
            var parts: [Int] = []
            let timed = subnet.forwardTimingParts(measurement.input) { parts.append($0) }
            #expect(parts == Array(0..<subnet.timingPartCount) && subnet.timingPartCount == subnet.blocks.count + 4)
            #expect(timed.shape == [2, plan.classes])
            #expect(timed.storage == subnet.forward(measurement.input, mode: .inference).storage)
        }
    }

    @Test func contextTimesEveryVariantInEnoughSubnetworks() throws {
        let plan = Self.tinyPlan
        var settings = Self.quick
        settings.subnets = 3
        settings.minSamples = 4
        settings.repeats = 2
        settings.rounds = 2
        let measurement = BlockLatencyMeasurement(plan: plan, settings: settings)
        let configs = measurement.contextSubnetworks()
        #expect(configs == measurement.contextSubnetworks())
        var random = SeededRandom(seed: settings.seed &+ 0x6c75_7463_7478)
        #expect(Array(configs.prefix(3)) == (0..<3).map { _ in SubnetConfig.random(plan, using: &random) })
        var rounds: [Int] = []
        let table = measurement.buildTable(space: "tiny") { round, _ in rounds.append(round) }
        #expect(rounds == [1, 2])
        #expect(table.settings.method == .context && table.blocks.count == plan.blockSlots * 9)
        for block in table.blocks {
            let appearances = configs.filter { $0.isActive(slot: block.slot, plan: plan)
                && $0.kernelSizes[block.slot] == block.kernel && $0.expandRatios[block.slot] == block.expandRatio }.count
            #expect(block.subnetworks == appearances && appearances >= 4, "\(block)")
            #expect(block.samples == appearances * 2 && block.measuredAt == block.slot)
            #expect(block.milliseconds > 0 && block.milliseconds.isFinite)
        }
        #expect(table.fixed.total > 0)
        _ = try table.lookup(source: "t.json")
    }

    @Test func contextRefusesCacheEviction() {
        var settings = LatencyTableSettings()
        settings.cacheEvictionKiB = 64
        #expect(throws: InputError.self) { try settings.validate() }
        settings.method = .isolated
        #expect(throws: Never.self) { try settings.validate() }
        #expect(LatencyTableSettings(method: .isolated).repeats == 50 && LatencyTableSettings().repeats == 10)
    }

    @Test func predictsTheSumOfActiveBlocksAndFixedParts() throws {
        let table = tinyTable()
        let lookup = try table.lookup(source: "t.json")
        var random = SeededRandom(seed: 9)
        for _ in 0..<10 {
            let config = SubnetConfig.random(Self.tinyPlan, using: &random)
            var expected = table.fixed.stem + table.fixed.firstBlock + table.fixed.finalExpand + table.fixed.pool + table.fixed.head
            for block in table.blocks where config.isActive(slot: block.slot, plan: Self.tinyPlan)
                && block.kernel == config.kernelSizes[block.slot] && block.expandRatio == config.expandRatios[block.slot] {
                expected += block.milliseconds
            }
            #expect(abs(table.predict(config, lookup: lookup) - expected) <= 1e-12 * expected)
        }
    }

    @Test func checkMeasuresSeededSubnetworks() throws {
        let table = tinyTable()
        let measurement = BlockLatencyMeasurement(plan: Self.tinyPlan, settings: Self.quick)
        let check = measurement.check(table, lookup: try table.lookup(source: "t.json"), count: 4, seed: 2)
        let again = measurement.check(table, lookup: try table.lookup(source: "t.json"), count: 4, seed: 2)
        #expect(check.rows.count == 4)
        #expect(check.rows.map(\.config) == again.rows.map(\.config))
        #expect(check.rows.allSatisfy { $0.measured > 0 && $0.predicted > 0 })
        #expect(check.mape.isFinite && (-1...1).contains(check.kendall))
    }

    @Test func roundTripsAndRefusesBrokenFiles() throws {
        let table = tinyTable()
        let path = temporaryPath("lut.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try table.write(to: path)
        let (loaded, lookup) = try BlockLatencyTable.load(path: path)
        let config = SubnetConfig.largest(Self.tinyPlan)
        #expect(loaded.predict(config, lookup: lookup) == table.predict(config, lookup: try table.lookup(source: path)))
        #expect(loaded.blocks == table.blocks && loaded.fixed == table.fixed)

        func error(_ edit: (inout [String: Any]) -> Void) throws -> String {
            var object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            edit(&object)
            do { _ = try BlockLatencyTable.decode(try JSONSerialization.data(withJSONObject: object), source: "lut.json"); return "no error" }
            catch let error as InputError { return error.description }
        }
        #expect(try error { $0["blocks"] = Array(($0["blocks"] as! [Any]).dropLast()) }
                == "lut.json: blocks: holds 53 block variants, expected 54 (every slot × kernel × expand ratio)")
        #expect(try error { object in
            var blocks = object["blocks"] as! [[String: Any]]
            blocks[4]["milliseconds"] = -1.0
            object["blocks"] = blocks
        } == "lut.json: blocks[4].milliseconds: must be a non-negative number")
        #expect(try error { object in
            var blocks = object["blocks"] as! [[String: Any]]
            blocks[7]["kernel"] = 9
            object["blocks"] = blocks
        } == "lut.json: blocks[7].kernel: 9 is not one of [3, 5, 7]")
        #expect(try error { object in
            var fixed = object["fixed"] as! [String: Any]
            fixed.removeValue(forKey: "pool")
            object["fixed"] = fixed
        }.hasPrefix("lut.json: fixed.pool: not a valid latency table (missing 'pool')"))
        #expect(try error { $0["formatVersion"] = 7 }.hasPrefix("lut.json: formatVersion: is 7;"))
        #expect(try error { $0["formatVersion"] = 1 }.hasPrefix("lut.json: formatVersion: is 1; this SwiftNAS reads version 2 (version 1 tables timed blocks in isolation"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: InputError.self) { try BlockLatencyTable.decode(bytes.prefix(100), source: "lut.json") }
    }
}

struct LatencyTableEvaluatorTests {
    static let space = BuiltinSpaces.mobileNetV3(name: "fashion_mbv3")
    /// A real fashion_mbv3 table, timed once per variant at batch 1 (fast; the values are not asserted).
    static let table = BlockLatencyMeasurement(plan: .fashionMBV3, settings: LatencyTableSettings(method: .isolated, repeats: 1, warmup: 0))
        .buildTable(space: "fashion_mbv3")

    @Test func pricesConfigurationsAsTheTable() async throws {
        let path = temporaryPath("fashion-lut.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.table.write(to: path)
        let evaluator = try LatencyTableEvaluator(space: Self.space, supernetwork: FashionMBV3Supernetwork(), options: ["latency_lut": path])
        #expect(evaluator.supportedMetrics == ["latency_lut"])
        let lookup = try Self.table.lookup(source: path)
        var random = SeededRandom(seed: 1)
        for _ in 0..<5 {
            let config = SubnetConfig.random(.fashionMBV3, using: &random)
            let configuration = try Self.space.configuration(
                fromText: "{'ks': \(config.kernelSizes), 'e': \(config.expandRatios), 'd': \(config.depths)}", source: "test")
            let priced = try await evaluator.evaluate(configuration, metrics: ["latency_lut"])
            #expect(priced["latency_lut"] == Self.table.predict(config, lookup: lookup))
        }
    }

    @Test func refusesTablesOfAnotherSpace() throws {
        var other = Self.table
        other.space = "tiny"
        let path = temporaryPath("other-lut.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try other.write(to: path)
        #expect(throws: InputError(source: path, field: "space", "the table is for space 'tiny', the search explores 'fashion_mbv3'")) {
            try LatencyTableEvaluator(space: Self.space, supernetwork: FashionMBV3Supernetwork(), options: ["latency_lut": path])
        }
        #expect(throws: InputError.self) { try LatencyTableEvaluator(space: Self.space, supernetwork: FashionMBV3Supernetwork(), options: [:]) }
        let mbv3 = try #require(BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0"))
        try Self.table.write(to: path)
        #expect(throws: InputError.self) { try LatencyTableEvaluator(space: mbv3, supernetwork: nil, options: ["latency_lut": path]) }
    }
}
