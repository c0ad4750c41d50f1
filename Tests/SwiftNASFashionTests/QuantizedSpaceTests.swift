import Foundation
import Testing
import SwiftNASCore
import SwiftNASCosts
import SwiftNASEngine
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet
@testable import SwiftNASFashion

@Suite struct QuantizedSpaceTests {
    let space = FashionMBV3QuantSupernetwork().space
    let float = FashionMBV3Supernetwork().space

    /// A configuration of the quantized space: `float`'s genes, then a precision index per block and the head's.
    func configuration(_ base: Configuration, blocks: [Int], head: Int) -> Configuration {
        Configuration(indices: base.indices + blocks + [head])
    }

    @Test func addsAPrecisionPerBlockAndForTheHead() throws {
        #expect(space.name == "fashion_mbv3_quant")
        #expect(Array(space.parameters.prefix(3)) == float.parameters)
        #expect(space.parameters.map(\.name) == ["ks", "e", "d", "q", "q_head"])
        #expect(space.geneCount == 45 + 20 + 1)
        #expect(space.parameters[3].values == [.string("fp32"), .string("int8")])
    }

    @Test func precisionsOfInactiveBlocksDoNotMakeANewSubnetwork() throws {
        var random = SeededRandom(seed: 4)
        var config = space.randomConfiguration(using: &random)
        config.indices[40] = 0  // d[0] = 2: blocks 2 and 3 of stage 0 are inactive
        var other = config
        other.indices[45 + 2] = 1 - config.indices[45 + 2]
        other.indices[45 + 3] = 1 - config.indices[45 + 3]
        #expect(space.hash(of: config) == space.hash(of: other))
        var active = config
        active.indices[45 + 1] = 1 - config.indices[45 + 1]
        #expect(space.hash(of: config) != space.hash(of: active))
        var head = config
        head.indices[65] = 1 - config.indices[65]
        #expect(space.hash(of: config) != space.hash(of: head))
    }

    /// `model_size` from the cost model is exactly what the quantized network stores; parameters and MACs do not
    /// depend on precision.
    @Test func theCostModelCountsTheBytesTheQuantizedNetworkStores() throws {
        let costs = try MobileNetV3Costs(space: space, layout: .init(plan: .fashionMBV3))
        let floatCosts = try MobileNetV3Costs(space: float, layout: .init(plan: .fashionMBV3))
        let supernet = ElasticMobileNetV3(plan: .fashionMBV3, seed: 1)
        var random = SeededRandom(seed: 5)
        let calibration = Tensor(shape: [2, 28, 28, 1], storage: (0..<(2 * 28 * 28)).map { _ in Float.random(in: 0...1, using: &random) })
        for _ in 0..<4 {
            let base = float.randomConfiguration(using: &random)
            let blocks = (0..<20).map { _ in Int.random(in: 0...1, using: &random) }
            let head = Int.random(in: 0...1, using: &random)
            let config = configuration(base, blocks: blocks, head: head)
            let subnet = try SubnetConfig(config, in: space, plan: .fashionMBV3, source: "test")
            let network = supernet.extract(subnet)
            let precisions = [BlockPrecision.fp32] + (0..<20).filter { subnet.isActive(slot: $0, plan: .fashionMBV3) }
                .map { blocks[$0] == 1 ? BlockPrecision.int8 : .fp32 }
            let mixed = try MixedPrecisionMobileNetV3(network, precisions: precisions, head: head == 1 ? .int8 : .fp32,
                                                      calibration: calibration)
            let counted = costs.costs(of: config), floatCounted = floatCosts.costs(of: base)
            #expect(counted.weightBytes == mixed.weightBytes)
            #expect(counted.parameters == floatCounted.parameters)
            #expect(counted.multiplyAccumulates == floatCounted.multiplyAccumulates)
            #expect(counted.weightBytes <= floatCounted.weightBytes)
        }
        // All fp32: the float space's figure.
        let base = float.randomConfiguration(using: &random)
        #expect(costs.costs(of: configuration(base, blocks: Array(repeating: 0, count: 20), head: 0)) == floatCosts.costs(of: base))
    }
}
