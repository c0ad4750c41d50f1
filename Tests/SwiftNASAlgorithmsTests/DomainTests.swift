import Testing
@testable import SwiftNASAlgorithms

@Suite struct DomainTests {
    @Test func violationSumsPositiveParts() {
        #expect(Evaluation(objectives: [1], constraints: [-1, 2, 0.5]).violation == 2.5)
    }
}
