import Testing
@testable import SwiftNASPareto

@Suite struct IndexSortTests {
    @Test(arguments: [0, 1, 2, 30, 49, 500, 3000])
    func radixOrderIsStableAndSorted(n: Int) {
        var random = TestRandom(seed: UInt64(n + 11))
        let specials: [Double] = [-0.0, 0.0, -1e300, 1e300, -.infinity, .infinity, .leastNonzeroMagnitude, -2.5]
        var values: [Double] = []
        for i in 0..<(2 * n) {
            switch i % 4 {
            case 0: values.append(specials[random.int(specials.count)])
            case 1: values.append(Double(random.int(5)) - 2)
            default: values.append((random.unit() - 0.5) * 1e6)
            }
        }
        let expected = (0..<n).sorted { a, b in
            let x = values[2 * a + 1], y = values[2 * b + 1]
            return x < y || (x == y && a < b)
        }
        let order = values.withUnsafeBufferPointer { IndexSort.stableOrder($0, count: n, stride: 2, column: 1) }
        #expect(order == expected)
        let lexicographic = (0..<n).sorted { a, b in
            let (xa, ya, xb, yb) = (values[2 * a], values[2 * a + 1], values[2 * b], values[2 * b + 1])
            if xa != xb { return xa < xb }
            if ya != yb { return ya < yb }
            return a < b
        }
        #expect(values.withUnsafeBufferPointer { IndexSort.lexicographicOrder($0, count: n, stride: 2, columns: 2) } == lexicographic)
    }
}
