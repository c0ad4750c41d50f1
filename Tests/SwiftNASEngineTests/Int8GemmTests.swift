import SwiftNASCore
import Testing
@testable import SwiftNASEngine

@Suite struct Int8GemmTests {
    static let kernels = Int8Gemm.Kernel.allCases.filter(\.isAvailable)

    @Test(arguments: kernels)
    func everyKernelIsExactOnEveryShape(kernel: Int8Gemm.Kernel) {
        var random = SeededRandom(seed: 17)
        // Tails in every dimension: m not a multiple of 8, n not of 16, k not of 4; and extreme values.
        for (m, n, k) in [(1, 1, 1), (3, 5, 7), (8, 16, 4), (9, 17, 5), (37, 40, 147), (64, 96, 576), (2, 33, 1030)] {
            for extreme in [false, true] {
                let top = UInt64(kernel.activationMaximum)
                let a = (0..<(m * k)).map { _ in extreme ? UInt8(top) : UInt8(random.next() % (top + 1)) }
                let b = (0..<(k * n)).map { _ in extreme ? Int8.min : Int8(truncatingIfNeeded: random.next()) }
                let weights = Int8Gemm.PackedWeights(k: k, n: n, b: b)
                var c = [Int32](repeating: -1, count: m * n)
                a.withUnsafeBufferPointer { ap in
                    c.withUnsafeMutableBufferPointer { cp in
                        Int8Gemm.multiply(m: m, a: ap.baseAddress!, lda: k, weights: weights, c: cp.baseAddress!, ldc: n,
                                          kernel: kernel, threads: 2)
                    }
                }
                #expect(c == Int8Gemm.reference(m: m, n: n, k: k, a: a, b: b), "\(kernel) \(m)×\(n)×\(k) extreme \(extreme)")
                #expect(weights.columnSums == (0..<n).map { j in (0..<k).reduce(Int32(0)) { $0 + Int32(b[$1 * n + j]) } })
            }
        }
    }

    @Test func writesOnlyItsBlockOfAWiderOutput() {
        // C with a row stride wider than n: the columns beyond n stay untouched.
        let (m, n, k, ldc) = (5, 7, 9, 12)
        let a = (0..<(m * k)).map { UInt8($0 % 100) }
        let b = (0..<(k * n)).map { Int8($0 % 50 - 25) }
        var c = [Int32](repeating: 99, count: m * ldc)
        a.withUnsafeBufferPointer { ap in
            c.withUnsafeMutableBufferPointer { cp in
                Int8Gemm.multiply(m: m, a: ap.baseAddress!, lda: k, weights: .init(k: k, n: n, b: b), c: cp.baseAddress!, ldc: ldc)
            }
        }
        let expected = Int8Gemm.reference(m: m, n: n, k: k, a: a, b: b)
        for i in 0..<m {
            #expect(Array(c[(i * ldc)..<(i * ldc + n)]) == Array(expected[(i * n)..<(i * n + n)]))
            #expect(c[(i * ldc + n)..<(i * ldc + ldc)].allSatisfy { $0 == 99 })
        }
    }

    @Test func theBestKernelIsAvailable() {
        #expect(Int8Gemm.Kernel.best.isAvailable)
        #expect(Int8Gemm.Kernel.scalar.isAvailable)
    }
}
