import Testing
import SwiftNASSpace
import SwiftNASBuiltins
import SwiftNASEvaluation
import SwiftNASSearch
@testable import SwiftNASCosts

/// OFA ResNet50 against the published ResNet-50-D and the quantised variant's weight bytes.
@Suite struct ResNet50CostsTests {
    static func model(_ name: String = "ofa_resnet50") throws -> any CostModel {
        return try #require(try Registry.standard.supernetworks.named(name)?.costModel())
    }

    /// A configuration from per-parameter value indices (`q_bits`/`q_weights_mode` at index 0 unless given).
    static func configuration(_ space: SearchSpace, d: [Int], e: Int, w: Int, bits: Int = 0) -> Configuration {
        var indices = [Int](repeating: 0, count: space.geneCount)
        func set(_ name: String, _ values: [Int]) {
            guard let p = space.parameterIndex(name) else { return }
            for g in 0..<space.parameters[p].count { indices[space.geneOffsets[p] + g] = values[min(g, values.count - 1)] }
        }
        set("d", d)
        set("e", [e])
        set("w", [w])
        set("q_bits", [bits])
        return Configuration(indices: indices)
    }

    /// Depths 3, 4, 6, 3 (base 2, 2, 4, 2 plus 1, 2, 2, 1), expand 0.25, full width and the deep stem kept is
    /// ResNet-50-D (He et al. 2019, "Bag of Tricks"): timm's `resnet50d` has 25 576 264 parameters and 4.35 GMACs.
    @Test func resNet50DIsASubNetwork() throws {
        let model = try Self.model()
        let costs = model.costs(of: Self.configuration(model.space, d: [2, 1, 2, 2, 1], e: 1, w: 2))
        #expect(costs.parameters == 25_576_264)
        #expect(costs.multiplyAccumulates == 4_328_824_832)
        #expect(abs(Double(costs.multiplyAccumulates) - 4.35e9) / 4.35e9 < 0.01)
        #expect(costs.weightBytes == 4 * costs.parameters)
    }

    @Test(arguments: ["ofa_resnet50", "inc_quantization_ofa_resnet50"])
    func growsWithEveryGene(name: String) throws {
        try expectMonotone(try Self.model(name))
    }

    @Test func quantisedStructureEqualsFloatStructure() throws {
        let float = try Self.model(), quantised = try Self.model("inc_quantization_ofa_resnet50")
        for depth in 0..<3 {
            let a = float.costs(of: Self.configuration(float.space, d: [depth], e: depth, w: 2 - depth))
            let b = quantised.costs(of: Self.configuration(quantised.space, d: [depth], e: depth, w: 2 - depth, bits: 1))
            #expect(a == b)  // q_bits index 1 is 32 bits
        }
    }

    /// With the stem's residual convolution skipped (`d[0] ≠ 2`), DyNAS-T's masked bit list gives the last stem
    /// convolution `q_bits[1]` and leaves `q_bits[2]` unused.
    @Test func skippedStemShiftsItsBitGenes() throws {
        let model = try Self.model("inc_quantization_ofa_resnet50")
        let bits = try #require(model.space.parameterIndex("q_bits"))
        let first = model.space.geneOffsets[bits]
        var configuration = Self.configuration(model.space, d: [0], e: 0, w: 0, bits: 1)
        let base = model.costs(of: configuration)
        configuration.indices[first + 2] = 0  // 8 bits for the skipped layer: no effect
        #expect(model.costs(of: configuration) == base)
        configuration.indices[first + 1] = 0  // 8 bits for the last stem convolution 24 → 40, 3×3
        #expect(base.weightBytes - model.costs(of: configuration).weightBytes == 3 * 40 * 24 * 9)
    }
}
