import Testing
@testable import SwiftNASSpace

@Suite struct SearchSpaceTests {
    @Test func geneCount() {
        let space = SearchSpace(name: "s", parameters: [
            Parameter(name: "a", count: 3, values: [.int(1), .int(2)]),
            Parameter(name: "b", count: 2, values: [.string("x")]),
        ])
        #expect(space.geneCount == 5)
    }
}
