import SwiftNASCore
import SwiftNASPareto
import Testing
@testable import SwiftNASProblems
import SwiftNASAlgorithms

@Suite struct ProblemTests {
    @Test func variableCountsFollowPymooAndTheDTLZPaper() {
        #expect(ZDT.Variant.allCases.map { ZDT($0).domain.variables.count } == [30, 30, 30, 10, 10])
        #expect(DTLZ.Variant.allCases.map { DTLZ($0).domain.variables.count } == [7, 12, 12, 12, 22])
        #expect(ZDT(.four).domain.variables[1] == Variable(lower: -5, upper: 5))
    }

    @Test func paretoOptimalPointsLieOnTheFront() {
        var x = [Double](repeating: 0, count: 30)
        x[0] = 0.25
        #expect(ZDT(.one).evaluate(x).objectives == [0.25, 0.5])
        #expect(ZDT(.two).evaluate(x).objectives == [0.25, 1 - 0.0625])
        let dtlz2 = DTLZ(.two).evaluate([0.3, 0.6] + Array(repeating: 0.5, count: 10)).objectives
        #expect(abs(dtlz2.reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
        let dtlz1 = DTLZ(.one).evaluate([0.3, 0.6] + Array(repeating: 0.5, count: 5)).objectives
        #expect(abs(dtlz1.reduce(0, +) - 0.5) < 1e-12)
        #expect(SingleObjectiveFunction(.rastrigin).evaluate(Array(repeating: 0, count: 10)).objectives == [0])
        #expect(abs(SingleObjectiveFunction(.ackley).evaluate(Array(repeating: 0, count: 10)).objectives[0]) < 1e-12)
    }

    @Test func frontsAndReferencePointsMatchPymoo() throws {
        #expect(ZDT(.one).hypervolumeReference == [1.1, 1.1])
        #expect(DTLZ(.two).paretoFront()?.count == 136)
        let dtlz2Reference = try #require(DTLZ(.two).hypervolumeReference)
        #expect(dtlz2Reference.allSatisfy { abs($0 - 1.1) < 1e-12 })
        let bnhReference = try #require(BNH().hypervolumeReference)
        #expect(abs(bnhReference[0] - 149.6) < 1e-9 && abs(bnhReference[1] - 55) < 1e-9)
        let dtlz7 = try #require(DTLZ(.seven).paretoFront())
        #expect(NonDominatedSorting.nonDominated(dtlz7).count == dtlz7.count)
        #expect(ReferenceLattice.points(dimensions: 2, partitions: 99).count == 100)
    }

    @Test func registryNamesEveryProblemAndRejectsUnknownOnes() throws {
        #expect(ProblemRegistry.names == [
            "zdt1", "zdt2", "zdt3", "zdt4", "zdt6", "dtlz1", "dtlz2", "dtlz3", "dtlz4", "dtlz7",
            "sphere", "rastrigin", "ackley", "bnh",
        ])
        #expect(try ProblemRegistry.named("ZDT1").name == "zdt1")
        #expect(throws: InputError.self) { try ProblemRegistry.named("zdt5") }
    }
}
