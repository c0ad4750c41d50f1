import Foundation
import Testing
import SwiftNASCore
@testable import SwiftNASSpace

@Suite struct SearchSpaceTests {
    let mbv3 = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!

    @Test func builtinNamesMatchDyNAST() {
        let names = Set(BuiltinSpaces.all.map(\.name))
        for name in ["ofa_mbv3_d234_e346_k357_w1.0", "ofa_mbv3_d234_e346_k357_w1.2", "ofa_proxyless_d234_e346_k357_w1.3",
                     "ofa_resnet50", "transformer_lt_wmt_en_de", "bert_base_sst2", "vit_base_imagenet",
                     "inc_quantization_ofa_resnet50", "bert_base_sst2_quantized"] {
            #expect(names.contains(name), "missing \(name)")
        }
        // SwiftNAS's own super-network has OFA-MobileNetV3's genes under its own name.
        #expect(BuiltinSpaces.mobileNetV3(name: "fashion_mbv3").parameters == mbv3.parameters)
        #expect(mbv3.geneCount == 45)
        #expect(mbv3.choicesPerGene.reduce(0, +) == 135)
    }

    /// An absurd gene count is refused at once, never enumerated.
    @Test func absurdCountsAreInputErrors() throws {
        let text = #"{"name": "huge", "parameters": [{"name": "a", "count": 100000000000, "values": [1, 2]}]}"#
        #expect(throws: InputError.self) { try SpaceFile.parse(text, source: "huge.json", yaml: false) }
        let many = (0..<3).map { #"{"name": "p\#($0)", "count": 40000, "values": [1, 2]}"# }.joined(separator: ", ")
        #expect(throws: InputError.self) { try SpaceFile.parse(#"{"name": "wide", "parameters": [\#(many)]}"#, source: "wide.json", yaml: false) }
    }

    @Test func ofaSizeCountsDistinctSubnetworks() {
        // Each stage: 9^2 + 9^3 + 9^4 = 7371 distinct block settings; five stages.
        let expected = Foundation.pow(7371.0, 5.0)
        #expect(abs(mbv3.size - expected) / expected < 1e-12)
        // A space without depth rules is the plain product.
        let plain = try! SearchSpace(name: "p", parameters: [Parameter(name: "a", count: 3, values: [.int(1), .int(2)])])
        #expect(plain.size == 8)
        // ResNet50: stem gene free (3), stages with base depths 2,2,4,2 plus 0..2 blocks of 3 choices, widths 3^6.
        let resnet = BuiltinSpaces.named("ofa_resnet50")!
        func stage(_ base: Int) -> Double { (0...2).map { Foundation.pow(3.0, Double(base + $0)) }.reduce(0, +) }
        let resnetExpected = 3 * stage(2) * stage(2) * stage(4) * stage(2) * 729.0
        #expect(abs(resnet.size - resnetExpected) / resnetExpected < 1e-12)
    }

    @Test func configurationRoundTripsThroughJSON() throws {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<50 {
            let config = mbv3.randomConfiguration(using: &rng)
            let text = mbv3.json(of: config)
            let back = try mbv3.configuration(fromText: text, source: "test")
            #expect(back == config)
            #expect(mbv3.configuration(genes: mbv3.genes(of: config)) == config)
        }
        let config = try mbv3.configuration(fromText: #"{"ks":[3,5,7,3,5,7,3,5,7,3,5,7,3,5,7,3,5,7,3,5],"e":[3,4,6,3,4,6,3,4,6,3,4,6,3,4,6,3,4,6,3,4],"d":[2,3,4,2,3]}"#, source: "t")
        #expect(mbv3.json(of: config).hasPrefix(#"{"ks":[3,5,7,"#))
    }

    @Test func readsDyNASTPythonLiterals() throws {
        let cell = "{'wid': None, 'ks': [7, 7, 3, 3, 5, 3, 3, 7, 7, 7, 3, 7, 5, 3, 5, 5, 3, 3, 7, 3], 'e': [3, 3, 4, 3, 3, 6, 6, 4, 4, 4, 4, 4, 3, 4, 6, 4, 6, 3, 4, 3], 'd': [2, 3, 2, 3, 4], 'r': [224]}"
        let config = try mbv3.configuration(fromText: cell, source: "csv")
        #expect(mbv3.literal(of: config)["d"] == .array([.int(2), .int(3), .int(2), .int(3), .int(4)]))
        #expect(throws: InputError.self) { try mbv3.configuration(fromText: cell, source: "csv", strict: true) }
    }

    @Test func inactiveGenesHashEqual() throws {
        var rng = SeededRandom(seed: 9)
        var config = mbv3.randomConfiguration(using: &rng)
        config.indices[40] = 0  // d[0] = 2: blocks 2 and 3 of stage 0 inactive
        var other = config
        other.indices[2] = (config.indices[2] + 1) % 3      // ks of block 2
        other.indices[20 + 3] = (config.indices[23] + 1) % 3 // e of block 3
        #expect(mbv3.hash(of: config) == mbv3.hash(of: other))
        #expect(mbv3.canonical(config) == mbv3.canonical(other))
        var active = config
        active.indices[1] = (config.indices[1] + 1) % 3      // ks of block 1 is active
        #expect(mbv3.hash(of: config) != mbv3.hash(of: active))
        #expect(mbv3.oneHotFeatures(of: config) == mbv3.oneHotFeatures(of: other))
        #expect(mbv3.ordinalFeatures(of: config) == mbv3.ordinalFeatures(of: other))
    }

    @Test func hashIsStable() throws {
        let config = Configuration(indices: Array(repeating: 0, count: 45))
        // FNV-1a of the canonical JSON: a fixed value, so stores written on one machine match another.
        // Computed independently: FNV-1a 64 of {"ks":[3,...],"e":[3,...],"d":[2,2,2,2,2]} in Python.
        #expect(mbv3.hash(of: config) == "e7d19ee6aa865366")
    }

    @Test func oneHotHasOneSlotPerValue() {
        var rng = SeededRandom(seed: 2)
        let config = mbv3.randomConfiguration(using: &rng)
        let full = mbv3.oneHotFeatures(of: config, zeroInactive: false)
        #expect(full.count == 135)
        #expect(full.reduce(0, +) == 45)
        let active = mbv3.oneHotFeatures(of: config)
        let activeGenes = GeneActivity(space: mbv3).activeMask(config.indices).filter { $0 }.count
        #expect(Int(active.reduce(0, +)) == activeGenes)
    }

    @Test func valueCountsCountEachRepeatedParametersActiveGenes() throws {
        // NAS-Bench-201's space: one parameter `op` over six edges, five values.
        let operations = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
        let cell = try SearchSpace(name: "nasbench201", parameters: [Parameter(name: "op", count: 6, values: operations.map { .string($0) })])
        let ops = Configuration(indices: [3, 3, 1, 0, 3, 2])
        #expect(cell.valueCountFeatureCount == 5)
        #expect(cell.valueCountFeatures(of: ops) == [1, 1, 1, 3, 0])
        // The same values on other edges: other one-hot features, the same counts.
        let shuffled = Configuration(indices: [0, 1, 2, 3, 3, 3])
        #expect(cell.oneHotFeatures(of: shuffled) != cell.oneHotFeatures(of: ops))
        #expect(cell.valueCountFeatures(of: shuffled) == cell.valueCountFeatures(of: ops))
        // OFA-MobileNetV3: ks, e (20 genes each) and d (5); inactive blocks are not counted.
        var rng = SeededRandom(seed: 4)
        var config = mbv3.randomConfiguration(using: &rng)
        config.indices[40] = 0  // d[0] = 2: blocks 2 and 3 of stage 0 inactive
        let counts = mbv3.valueCountFeatures(of: config)
        #expect(mbv3.valueCountFeatureCount == 3 + 3 + 3 && counts.count == 9)
        let active = GeneActivity(space: mbv3).activeMask(config.indices)
        let activeBlocks = Double(active[0..<20].filter { $0 }.count)
        #expect(counts[0..<3].reduce(0, +) == activeBlocks && counts[3..<6].reduce(0, +) == activeBlocks)
        #expect(counts[6..<9].reduce(0, +) == 5)
        // A parameter with one gene adds nothing.
        let single = try SearchSpace(name: "s", parameters: [Parameter(name: "a", count: 1, values: [.int(1), .int(2)])])
        #expect(single.valueCountFeatureCount == 0 && single.valueCountFeatures(of: Configuration(indices: [1])).isEmpty)
    }

    @Test func samplingIsSeededAndUnique() {
        var a = SeededRandom(seed: 11), b = SeededRandom(seed: 11)
        let first = mbv3.sample(200, using: &a)
        #expect(first == mbv3.sample(200, using: &b))
        #expect(Set(first.map { mbv3.hash(of: $0) }).count == 200)
        // A tiny space is exhausted, not looped over forever.
        let tiny = try! SearchSpace(name: "t", parameters: [Parameter(name: "a", count: 2, values: [.int(1), .int(2)])])
        var rng = SeededRandom(seed: 1)
        #expect(tiny.sample(10, using: &rng).count == 4)
    }

    @Test func quantizedBertRuleCoversLayerBits() {
        let space = BuiltinSpaces.named("bert_base_sst2_quantized")!
        var config = Configuration(indices: Array(repeating: 0, count: space.geneCount))
        config.indices[0] = 0  // 6 layers
        let mask = GeneActivity(space: space).activeMask(config.indices)
        let qBits = space.geneOffsets[3]
        #expect(mask[qBits])                      // embeddings
        #expect(mask[qBits + 36])                 // last gene of layer 6
        #expect(!mask[qBits + 37])                // layer 7
        #expect(mask[qBits + 73])                 // classifier
    }
}

@Suite struct SpaceFileTests {
    func error(_ text: String, yaml: Bool = false) -> InputError? {
        do { _ = try SpaceFile.parse(text, source: "space.json", yaml: yaml); return nil } catch let e as InputError { return e } catch { return nil }
    }

    @Test func parsesJSONAndYAML() throws {
        let json = #"{"name": "s", "parameters": [{"name": "ks", "count": 2, "values": [3, 5]}, {"name": "act", "count": 1, "values": ["relu", "hswish"]}, {"name": "w", "count": 1, "values": [0.5, 1.0]}]}"#
        let space = try SpaceFile.parse(json, source: "s.json", yaml: false)
        #expect(space.size == 16)
        #expect(space.parameters[2].values == [.double(0.5), .double(1.0)])
        let yaml = """
        name: s
        parameters:
          - {name: ks, count: 2, values: [3, 5]}
          - name: act
            count: 1
            values: [relu, hswish]
          - {name: w, count: 1, values: [0.5, 1.0]}
        """
        #expect(try SpaceFile.parse(yaml, source: "s.yaml", yaml: true) == space)
    }

    @Test func depthRulesFromFile() throws {
        let json = #"{"name": "m", "parameters": [{"name": "ks", "count": 4, "values": [3, 5]}, {"name": "d", "count": 2, "values": [1, 2]}], "depth_rules": [{"depth": "d", "blocks": ["ks"], "stage_blocks": [2, 2]}]}"#
        let space = try SpaceFile.parse(json, source: "m.json", yaml: false)
        #expect(space.size == (2 + 4) * (2 + 4))
    }

    @Test func badInputNamesFileAndField() {
        #expect(error("{")?.description.hasPrefix("space.json: not valid JSON") == true)
        #expect(error(#"{"name": "s"}"#)?.field == "parameters")
        #expect(error(#"{"name": "s", "parameters": []}"#)?.field == "parameters")
        #expect(error(#"{"name": "s", "parameters": [{"name": "a", "count": 0, "values": [1]}]}"#)?.field == "parameters[0].count")
        #expect(error(#"{"name": "s", "parameters": [{"name": "a", "count": 1, "values": []}]}"#)?.field == "parameters[0].values")
        #expect(error(#"{"name": "s", "parameters": [{"name": "a", "count": 1, "values": [1]}, {"name": "a", "count": 1, "values": [2]}]}"#)?.field == "parameters[1].name")
        #expect(error(#"{"name": "s", "parameters": [{"name": "a", "count": "x", "values": [1]}]}"#)?.field == "parameters[0].count")
        #expect(error(#"{"name": "s", "parameters": [{"name": "a", "count": 1, "values": [[1]]}]}"#)?.field == "parameters[0].values[0]")
        #expect(error(#"{"name": "s", "parameters": [{"name": "a", "count": 1, "values": [1, 1]}]}"#)?.field == "parameters[0].values")
        #expect(error(#"{"name": "s", "parameters": [{"name": "a", "count": 1, "values": [1]}], "depth_rules": [{"depth": "zz", "blocks": [], "stage_blocks": [1]}]}"#)?.field == "depth_rules[0].depth")
        #expect(error("name: [", yaml: true)?.description.contains("not valid YAML") == true)
    }

    @Test func configurationErrorsNameTheField() {
        let space = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!
        func field(_ text: String) -> String? {
            do { _ = try space.configuration(fromText: text, source: "c"); return nil } catch let e as InputError { return e.field } catch { return nil }
        }
        #expect(field(#"{"ks": [3], "e": [], "d": []}"#) == "ks")
        let ks = Array(repeating: "3", count: 20).joined(separator: ",")
        #expect(field(#"{"ks": [\#(ks)], "e": [\#(ks)]}"#) == "d")
        #expect(field(#"{"ks": [\#(ks)], "e": [\#(ks)], "d": [2,2,2,2,9]}"#) == "d[4]")
    }
}

@Suite struct LiteralTests {
    @Test func parsesJSONAndPython() throws {
        #expect(try Literal.parse(#"{"a": [1, 2.5, "x", true, null]}"#) == .object([("a", .array([.int(1), .double(2.5), .string("x"), .bool(true), .null]))]))
        #expect(try Literal.parse("{'a': (1, 2,), 'b': None, 'c': False}") == .object([("a", .array([.int(1), .int(2)])), ("b", .null), ("c", .bool(false))]))
        #expect(Literal.object([("k", .string("a\"b\n"))]).json == #"{"k":"a\"b\n"}"#)
        #expect(throws: LiteralSyntaxError.self) { try Literal.parse("[1, 2") }
        #expect(throws: LiteralSyntaxError.self) { try Literal.parse("{} x") }
    }
}
