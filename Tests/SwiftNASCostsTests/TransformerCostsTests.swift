import Testing
import SwiftNASSpace
import SwiftNASBuiltins
import SwiftNASEvaluation
import SwiftNASSearch
@testable import SwiftNASCosts

/// TransformerLT against DyNAS-T's measured rows; BERT and ViT against published model sizes.
@Suite struct TransformerCostsTests {
    static func model(_ name: String) throws -> any CostModel {
        return try #require(try Registry.standard.supernetworks.named(name)?.costModel())
    }

    /// DyNAS-T's `EvaluationInterfaceTransformerLT` writes latency, MACs, params under the headers
    /// `Model Parameters`, `Latency (ms)`, `MACs`: by magnitude the `MACs` column (≈ 4·10⁷) holds the
    /// parameters, `Latency (ms)` (≈ 2·10⁹) the torchprofile MACs, and `Model Parameters` the unmeasured latency (0).
    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func matchesEveryMeasuredTransformerLT() throws {
        let model = try Self.model("transformer_lt_wmt_en_de")
        let file = "hat-latency/transformerlt_dynast_sample.csv"
        var distinct = Set<String>(), largestFvcoreError = 0.0
        for row in try SharedData.rows(file) {
            let configuration = try model.space.configuration(fromText: try #require(row["Sub-network"]), source: file)
            guard distinct.insert(model.space.json(of: model.space.canonical(configuration))).inserted else { continue }
            let costs = model.costs(of: configuration)
            let parameters = try #require(Int(row["MACs"] ?? ""))
            let macs = try #require(Int(row["Latency (ms)"] ?? ""))
            #expect(costs.parameters == parameters)
            #expect(costs.macs(.torchprofile) == macs)
            largestFvcoreError = max(largestFvcoreError, abs(Double(costs.macs(.fvcore) - macs)) / Double(macs))
        }
        #expect(distinct.count == 19)
        #expect(largestFvcoreError <= 0.01)
    }

    @Test func attentionHeadsChangeNothing() throws {
        let model = try Self.model("transformer_lt_wmt_en_de")
        var configuration = Configuration(indices: [Int](repeating: 0, count: model.space.geneCount))
        let before = model.costs(of: configuration)
        for name in ["encoder_self_attention_heads", "decoder_self_attention_heads", "decoder_ende_attention_heads"] {
            let p = try #require(model.space.parameterIndex(name))
            configuration.indices[model.space.geneOffsets[p]] = 1
        }
        #expect(model.costs(of: configuration) == before)
    }

    @Test(arguments: ["transformer_lt_wmt_en_de", "bert_base_sst2", "vit_base_imagenet"])
    func growsWithEveryGene(name: String) throws {
        try expectMonotone(try Self.model(name))
    }

    /// BERT-base (Devlin et al. 2019, "110M"; Hugging Face `BertModel`: 109 482 240 parameters, plus 1 538 for a
    /// 2-label classifier). DyNAS-T's count leaves out the 25 LayerNorms (38 400) and the classifier.
    @Test func fullBertMatchesBertBase() throws {
        let model = try Self.model("bert_base_sst2")
        let costs = model.costs(of: Configuration(indices: largestIndices(model.space)))
        #expect(costs.parameters == 109_482_240 - 38_400)
        #expect(costs.weightBytes == 4 * (109_482_240 + 1_538))
        // 12 × (4 × 128 × 768² + 2 × 128² × 768 + 2 × 128 × 768 × 3072) + pooler + classifier ≈ 11.2 G.
        #expect(costs.multiplyAccumulates == 11_174_217_216)
    }

    /// ViT-B/16: torchvision's `vit_b_16` has 86 567 656 parameters and 17.56 GFLOPS (fvcore MACs); DyNAS-T's
    /// super-network adds a LayerNorm after each attention output (12 × 1 536 parameters, no MACs).
    @Test func fullViTMatchesViTBase() throws {
        let model = try Self.model("vit_base_imagenet")
        let costs = model.costs(of: Configuration(indices: largestIndices(model.space)))
        #expect(costs.parameters == 86_567_656 + 12 * 1_536)
        #expect(costs.multiplyAccumulates == 17_563_828_224)
        #expect(costs.weightBytes == 4 * costs.parameters)
    }

    @Test func quantisedBertStoresInt8Weights() throws {
        let model = try Self.model("bert_base_sst2_quantized")
        let bits = try #require(model.space.parameterIndex("q_bits"))
        var indices = largestIndices(model.space)
        let fp32 = model.costs(of: Configuration(indices: indices))
        let eight = try #require(model.space.parameters[bits].values.firstIndex(of: .int(8)))
        for g in 0..<model.space.parameters[bits].count { indices[model.space.geneOffsets[bits] + g] = eight }
        let int8 = model.costs(of: Configuration(indices: indices))
        // Embedding tables, 12 × 6 layer weights and the classifier drop from 4 to 1 byte per weight.
        let layerWeights = 12 * (4 * 768 * 768 + 2 * 768 * 3072)
        let quantised = (30_522 + 512 + 2) * 768 + layerWeights + 768 * 2
        #expect(fp32.weightBytes - int8.weightBytes == 3 * quantised)
        #expect(fp32.parameters == int8.parameters)
        #expect(fp32.multiplyAccumulates == int8.multiplyAccumulates)
    }
}

/// Value indices of the numerically largest value of every gene.
func largestIndices(_ space: SearchSpace) -> [Int] {
    space.parameters.flatMap { p -> [Int] in
        let numbers = p.values.map { $0.number ?? 0 }
        let largest = numbers.indices.max { numbers[$0] < numbers[$1] } ?? 0
        return Array(repeating: largest, count: p.count)
    }
}
