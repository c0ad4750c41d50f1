import Testing
import SwiftNASCore
import SwiftNASSpace
import SwiftNASBuiltins
import SwiftNASEvaluation
import SwiftNASSearch
@testable import SwiftNASCosts

/// OFA MobileNetV3 against DyNAS-T's measured rows, and structural sanity.
@Suite struct MobileNetV3CostsTests {
    static let spaceName = "ofa_mbv3_d234_e346_k357_w1.0"

    /// DyNAS-T measured the 2022 search runs with fvcore and the 2023 latency sample with torchprofile
    /// (both with batch normalisation removed); see docs/costs.md.
    static func convention(ofFile file: String) -> MACConvention {
        file.hasSuffix("ofa_latency_sample.csv") ? .torchprofile : .fvcore
    }

    static func model(_ name: String = spaceName) throws -> any CostModel {
        return try #require(try Registry.standard.supernetworks.named(name)?.costModel())
    }

    @Test(.enabled(if: SharedData.available, "../shared/data is absent"))
    func matchesEveryMeasuredSubNetwork() throws {
        let model = try Self.model()
        var checked = Set<String>(), distinctNetworks = Set<String>()
        var parameterMismatches: [String] = [], macMismatches: [String] = []
        var largestRelativeError = 0.0
        for file in try SharedData.files(in: "ofa-mbv3-imagenet") {
            let convention = Self.convention(ofFile: file)
            for row in try SharedData.rows(file) {
                let text = try #require(row["Sub-network"])
                let configuration = try model.space.configuration(fromText: text, source: file)
                let key = model.space.json(of: model.space.canonical(configuration))
                distinctNetworks.insert(key)
                guard checked.insert("\(convention):\(key)").inserted else { continue }
                let costs = model.costs(of: configuration)
                let parameters = try #require(Int(row["Model Parameters"] ?? ""))
                let macs = try #require(Int(row["MACs"] ?? ""))
                if costs.parameters != parameters { parameterMismatches.append("\(key): \(costs.parameters) ≠ \(parameters)") }
                let predicted = costs.macs(convention)
                largestRelativeError = max(largestRelativeError, abs(Double(predicted - macs)) / Double(macs))
                if predicted != macs { macMismatches.append("\(key) [\(convention)]: \(predicted) ≠ \(macs)") }
            }
        }
        #expect(distinctNetworks.count > 1000)
        #expect(parameterMismatches.isEmpty, "\(parameterMismatches.prefix(3))")
        #expect(largestRelativeError <= 0.01)
        #expect(macMismatches.isEmpty, "\(macMismatches.prefix(3))")
    }

    /// The whole super-network (ks 7, e 6, d 4): 7.66 M parameters, the ≈ 7.7 M usually quoted for OFA
    /// MobileNetV3 w1.0; the smallest sub-network (ks 3, e 3, d 2): 3.41 M parameters, 121 M MACs.
    @Test func extremesOfWidthOne() throws {
        let model = try Self.model()
        let largest = model.costs(of: uniform(model.space, ks: 2, e: 2, d: 2))
        #expect(largest.parameters == 7_664_760)
        #expect(largest.multiplyAccumulates == 566_170_656)
        let smallest = model.costs(of: uniform(model.space, ks: 0, e: 0, d: 0))
        #expect(smallest.parameters == 3_410_792)
        #expect(smallest.multiplyAccumulates == 121_278_672)
        #expect(largest.weightBytes == 4 * largest.parameters)
    }

    /// w1.2 widens every stage; its head is 1152 → 1536 (make_divisible(960 × 1.2), make_divisible(1280 × 1.2)).
    @Test func extremesOfWidthOnePointTwo() throws {
        let model = try Self.model("ofa_mbv3_d234_e346_k357_w1.2")
        let largest = model.costs(of: uniform(model.space, ks: 2, e: 2, d: 2))
        #expect(largest.parameters == 10_701_632)
        #expect(largest.multiplyAccumulates == 843_101_040)
        let smallest = model.costs(of: uniform(model.space, ks: 0, e: 0, d: 0))
        #expect(smallest.parameters == 4_602_456)
        #expect(smallest.multiplyAccumulates == 193_078_200)
    }

    @Test(arguments: ["ofa_mbv3_d234_e346_k357_w1.0", "ofa_mbv3_d234_e346_k357_w1.2", "ofa_proxyless_d234_e346_k357_w1.3"])
    func growsWithEveryGene(name: String) throws {
        try expectMonotone(try Self.model(name))
    }

    @Test func inactiveBlocksCostNothing() throws {
        let model = try Self.model()
        var configuration = uniform(model.space, ks: 0, e: 0, d: 0)
        let before = model.costs(of: configuration)
        configuration.indices[3] = 2  // ks of the fourth block of stage 1, inactive at depth 2
        #expect(model.costs(of: configuration) == before)
    }
}

/// A configuration with every gene of `ks`, `e` and `d` at the given value index (other genes at 0).
func uniform(_ space: SearchSpace, ks: Int, e: Int, d: Int) -> Configuration {
    var indices = [Int](repeating: 0, count: space.geneCount)
    for (name, index) in [("ks", ks), ("e", e), ("d", d)] {
        guard let p = space.parameterIndex(name) else { continue }
        for g in 0..<space.parameters[p].count { indices[space.geneOffsets[p] + g] = index }
    }
    return Configuration(indices: indices)
}

/// Checks that raising any one gene's numeric value never lowers MACs or parameters, from random starting points.
func expectMonotone(_ model: any CostModel, samples: Int = 40,
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
    var random = SeededRandom(seed: 7)
    let choices = model.space.choicesPerGene
    let numbers = model.space.parameters.flatMap { p in Array(repeating: p.values.map { $0.number ?? 0 }, count: p.count) }
    for _ in 0..<samples {
        var indices = choices.map { random.nextIndex($0) }
        let gene = random.nextIndex(choices.count)
        let values = numbers[gene]
        guard let largest = values.indices.max(by: { values[$0] < values[$1] }),
              let smallest = values.indices.min(by: { values[$0] < values[$1] }) else { continue }
        indices[gene] = smallest
        let low = model.costs(of: Configuration(indices: indices))
        indices[gene] = largest
        let high = model.costs(of: Configuration(indices: indices))
        #expect(high.multiplyAccumulates >= low.multiplyAccumulates, "gene \(gene)", sourceLocation: sourceLocation)
        #expect(high.parameters >= low.parameters, "gene \(gene)", sourceLocation: sourceLocation)
    }
}
