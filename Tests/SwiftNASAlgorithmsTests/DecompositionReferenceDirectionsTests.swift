import Foundation
import SwiftNASCore
import Testing
@testable import SwiftNASAlgorithms

@Suite struct DecompositionReferenceDirectionsTests {
    @Test(arguments: [(2, 99), (3, 12), (3, 1), (4, 5), (5, 3), (6, 0)])
    func latticeHasBinomialCountOnTheSimplex(dimensions: Int, partitions: Int) {
        let directions = ReferenceDirections.dasDennis(partitions: partitions, dimensions: dimensions)
        let expected = ReferenceDirections.latticeCount(partitions: partitions, dimensions: dimensions)
        #expect(directions.count == expected)
        #expect(Set(directions).count == expected)
        for direction in directions {
            #expect(direction.count == dimensions)
            #expect(direction.allSatisfy { $0 >= 0 })
            #expect(abs(direction.reduce(0, +) - 1) < 1e-12)
            if partitions > 0 {
                #expect(direction.allSatisfy { abs(($0 * Double(partitions)).rounded() - $0 * Double(partitions)) < 1e-9 })
            }
        }
    }

    @Test func latticeCountsMatchBinomials() {
        #expect(ReferenceDirections.latticeCount(partitions: 99, dimensions: 2) == 100)
        #expect(ReferenceDirections.latticeCount(partitions: 12, dimensions: 3) == 91)
        #expect(ReferenceDirections.latticeCount(partitions: 6, dimensions: 5) == 210)
        #expect(ReferenceDirections.latticeCount(partitions: 10_000, dimensions: 60) == .max)
    }

    @Test func latticeIsInLexicographicOrderAsPymoo() {
        let directions = ReferenceDirections.dasDennis(partitions: 2, dimensions: 3)
        #expect(directions == [[0, 0, 1], [0, 0.5, 0.5], [0, 1, 0], [0.5, 0, 0.5], [0.5, 0.5, 0], [1, 0, 0]])
    }

    @Test func partitionsNotExceedingMatchPymooDefaults() {
        #expect(ReferenceDirections.partitions(notExceeding: 100, dimensions: 2) == 99)
        #expect(ReferenceDirections.partitions(notExceeding: 100, dimensions: 3) == 12)
        #expect(ReferenceDirections.exactPartitions(for: 91, dimensions: 3) == 12)
        #expect(ReferenceDirections.exactPartitions(for: 92, dimensions: 3) == nil)
    }

    @Test func standardDirectionsFollowTheSettings() throws {
        #expect(try ReferenceDirections.standard(objectives: 2, populationSize: 100, requested: nil, seed: 1).count == 100)
        #expect(try ReferenceDirections.standard(objectives: 3, populationSize: 100, requested: nil, seed: 1).count == 91)
        #expect(try ReferenceDirections.standard(objectives: 3, populationSize: 100, requested: 15, seed: 1)
            == ReferenceDirections.dasDennis(partitions: 4, dimensions: 3))
        // 20 is no 3-objective lattice size: energy directions.
        let energy = try ReferenceDirections.standard(objectives: 3, populationSize: 100, requested: 20, seed: 1)
        #expect(energy.count == 20)
        // The largest 4-objective lattice within 12 has 2 partitions, no interior point: energy directions.
        let coarse = try ReferenceDirections.standard(objectives: 4, populationSize: 12, requested: nil, seed: 1)
        #expect(coarse.count == 12)
        #expect(coarse.contains { $0.allSatisfy { $0 > 0 } })
        #expect(throws: InputError.self) { try ReferenceDirections.standard(objectives: 3, populationSize: 10, requested: 0, seed: 1) }
    }

    /// Energy directions spread as well as pymoo's: their smallest pairwise distance is within 5 % of the
    /// one pymoo 0.6.2 reaches for the same size (measured by benchmarks/pymoo_decomposition_reference.py).
    @Test func energyDirectionsAreSpreadAsWellAsPymoos() throws {
        for size in try DecompositionReference.load().energy {
            let directions = ReferenceDirections.energy(count: size.count, dimensions: size.dimensions, seed: 1)
            #expect(directions.count == size.count)
            for direction in directions {
                #expect(direction.allSatisfy { $0 >= 0 })
                #expect(abs(direction.reduce(0, +) - 1) < 1e-9)
            }
            var smallest = Double.infinity
            for i in directions.indices {
                for j in directions.indices where j > i {
                    let squared = zip(directions[i], directions[j]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                    smallest = min(smallest, squared.squareRoot())
                }
            }
            #expect(smallest >= 0.95 * size.minDistance)
        }
    }

    @Test func energyDirectionsAreDeterministicGivenTheSeed() {
        let first = ReferenceDirections.energy(count: 12, dimensions: 3, seed: 7)
        #expect(first == ReferenceDirections.energy(count: 12, dimensions: 3, seed: 7))
        #expect(first == first.sorted { $0.lexicographicallyPrecedes($1) })
    }
}

/// The reference values measured with pymoo 0.6.2 by benchmarks/pymoo_decomposition_reference.py.
struct DecompositionReference: Decodable {
    struct EnergySize: Decodable {
        var dimensions: Int
        var count: Int
        var minDistance: Double
        enum CodingKeys: String, CodingKey { case dimensions, count, minDistance = "min_distance" }
    }
    struct Run: Decodable {
        var partitions: Int
        var directions: Int
        var evaluations: Int
        var reference: [Double]
        var seeds: [UInt64]
        var hypervolumes: [Double]
        var mean: Double
    }
    var energy: [EnergySize]
    /// Algorithm name → problem name → pymoo's runs.
    var hypervolume: [String: [String: Run]]

    static func load() throws -> DecompositionReference {
        let url = try #require(Bundle.module.url(
            forResource: "pymoo_decomposition_hv", withExtension: "json", subdirectory: "Reference"))
        return try JSONDecoder().decode(DecompositionReference.self, from: Data(contentsOf: url))
    }
}
