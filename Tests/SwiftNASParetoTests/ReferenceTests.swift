import Foundation
import Testing
@testable import SwiftNASPareto

/// One case written by benchmarks/pareto_reference.py (values from moocore 0.3.2 and pymoo 0.6.2).
struct ReferenceCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let points: [[Double]]
    let senses: [String]
    let reference: [Double]
    let hypervolume: Double
    let front: [[Double]]?
    let igd: Double?
    let igd_plus: Double?
    let igd_pymoo: Double?
    let igd_plus_pymoo: Double?
    let fronts: [[Int]]
    let crowding: [Double?]

    var testDescription: String { name }

    var objectiveSenses: [ObjectiveSense] { senses.map { $0 == "max" ? .maximize : .minimize } }
    var minimizationPoints: [[Double]] { Objectives.toMinimization(points, senses: objectiveSenses) }

    static func load(_ file: String) -> [ReferenceCase] {
        guard let url = Bundle.module.url(forResource: file, withExtension: "json", subdirectory: "Reference"),
              let data = try? Data(contentsOf: url),
              let cases = try? JSONDecoder().decode([ReferenceCase].self, from: data)
        else { return [] }
        return cases
    }

    static let all: [ReferenceCase] = load("random") + load("degenerate")
}

/// |a - b| ≤ 1e-9 · max(|a|, |b|), with exact equality for zeros and infinities.
func closeRelative(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    if a == b { return true }
    return abs(a - b) <= tolerance * max(abs(a), abs(b))
}

@Suite struct ReferenceTests {
    @Test func referenceFilesLoad() {
        #expect(ReferenceCase.all.count >= 50)
        #expect(Set(ReferenceCase.all.map { $0.reference.count }) == [2, 3, 4, 5, 6])
    }

    @Test(arguments: ReferenceCase.all)
    func hypervolumeMatchesMoocore(_ c: ReferenceCase) {
        let hv = Hypervolume.compute(c.points, reference: c.reference, senses: c.objectiveSenses)
        #expect(closeRelative(hv, c.hypervolume), "\(c.name): \(hv) vs moocore \(c.hypervolume)")
        if c.senses.allSatisfy({ $0 == "min" }) {
            #expect(Hypervolume.compute(c.points, reference: c.reference) == hv)
        }
    }

    @Test(arguments: ReferenceCase.all)
    func frontsMatchPymoo(_ c: ReferenceCase) {
        let points = c.minimizationPoints
        #expect(NonDominatedSorting.fronts(points) == c.fronts, "\(c.name)")
    }

    @Test(arguments: ReferenceCase.all)
    func crowdingMatchesPymoo(_ c: ReferenceCase) {
        let d = CrowdingDistance.compute(c.minimizationPoints)
        #expect(d.count == c.crowding.count)
        for (ours, theirs) in zip(d, c.crowding) {
            #expect(closeRelative(ours, theirs ?? .infinity), "\(c.name): \(ours) vs pymoo \(theirs ?? .infinity)")
        }
    }

    @Test(arguments: ReferenceCase.all.filter { $0.front != nil })
    func igdMatchesMoocoreAndPymoo(_ c: ReferenceCase) throws {
        let front = try #require(c.front)
        let points = c.minimizationPoints
        let igd = Indicators.igd(front: points, reference: front)
        let igdPlus = Indicators.igdPlus(front: points, reference: front)
        for expected in [c.igd, c.igd_pymoo] {
            #expect(closeRelative(igd, try #require(expected)), "\(c.name): IGD \(igd) vs \(expected ?? .nan)")
        }
        for expected in [c.igd_plus, c.igd_plus_pymoo] {
            #expect(closeRelative(igdPlus, try #require(expected)), "\(c.name): IGD+ \(igdPlus) vs \(expected ?? .nan)")
        }
    }
}
