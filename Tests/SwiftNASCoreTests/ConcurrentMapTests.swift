import Testing
@testable import SwiftNASCore

/// Counts how many transformations run at once.
actor ConcurrencyGauge {
    private(set) var current = 0
    private(set) var peak = 0
    func enter() { current += 1; peak = max(peak, current) }
    func leave() { current -= 1 }
}

@Suite struct ConcurrentMapTests {
    @Test func keepsOrderAndBoundsConcurrency() async throws {
        let gauge = ConcurrencyGauge()
        let results = await Array(0..<40).concurrentMap(limit: 3) { value in
            await gauge.enter()
            try? await Task.sleep(for: .milliseconds(Double((value * 7) % 5)))
            await gauge.leave()
            return value * value
        }
        #expect(results == (0..<40).map { $0 * $0 })
        #expect(await gauge.peak <= 3)
    }

    struct Boom: Error {}

    @Test func rethrowsTheFirstError() async {
        await #expect(throws: Boom.self) {
            _ = try await Array(0..<10).concurrentMap(limit: 2) { value in
                if value == 4 { throw Boom() }
                return value
            }
        }
        #expect(await [Int]().concurrentMap(limit: 4) { $0 } == [])
    }
}
