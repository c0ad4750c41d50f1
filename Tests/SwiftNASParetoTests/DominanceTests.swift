import Testing
@testable import SwiftNASPareto

@Suite struct DominanceTests {
    @Test func frontsOfSmallSet() {
        let points: [[Double]] = [[1, 4], [2, 2], [4, 1], [3, 3], [5, 5], [2, 2]]
        #expect(NonDominatedSorting.fronts(points) == [[0, 1, 2, 5], [3], [4]])
    }

    @Test func hypervolume2D() {
        let hv = Hypervolume.compute([[1, 2], [2, 1]], reference: [3, 3])
        #expect(abs(hv - 3) < 1e-12)
    }
}
