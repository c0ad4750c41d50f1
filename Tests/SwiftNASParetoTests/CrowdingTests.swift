import Testing
@testable import SwiftNASPareto

@Suite struct CrowdingTests {
    @Test func smallFrontsAreInfinite() {
        #expect(CrowdingDistance.compute([]) == [])
        #expect(CrowdingDistance.compute([[1, 2]]) == [.infinity])
        #expect(CrowdingDistance.compute([[1, 2], [2, 1]]) == [.infinity, .infinity])
    }

    @Test func interiorPointsAreNormalisedAndAveragedOverObjectives() {
        // Objective ranges 3 and 3; the middle point's gaps are 1+2 in f1 and 2+1 in f2: (1 + 1) / 2.
        let d = CrowdingDistance.compute([[0, 3], [1, 1], [3, 0]])
        #expect(d[0] == .infinity && d[2] == .infinity)
        #expect(abs(d[1] - 1) < 1e-15)
    }

    @Test func constantObjectiveContributesNothingEvenAtBoundaries() {
        let d = CrowdingDistance.compute([[0, 5], [1, 5], [3, 5]])
        #expect(d[0] == .infinity && d[2] == .infinity)
        #expect(abs(d[1] - 0.5) < 1e-15)  // f1: (1 + 2) / 3 = 1, f2: 0, divided by 2 objectives
        #expect(CrowdingDistance.compute([[2, 2], [2, 2], [2, 2]]) == [0, 0, 0])
    }

    @Test func duplicatesAtBoundaryFollowIndexOrder() {
        // Stable order: the first copy of the minimum is the boundary, the second is interior (gap 0 + 1).
        let d = CrowdingDistance.compute([[0, 0], [0, 0], [1, 1], [2, 2]])
        #expect(d[0] == .infinity)
        #expect(d[1] == 0.5)  // per objective (0 + 1) / 2, averaged over 2 objectives
        #expect(d[2] == 1.0)
        #expect(d[3] == .infinity)
    }
}
