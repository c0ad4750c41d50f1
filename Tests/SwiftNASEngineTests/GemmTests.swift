import Testing
import SwiftNASCore
@testable import SwiftNASEngine

@Suite struct GemmTests {
    func randomArray(_ count: Int, _ random: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in Float(random.nextUnit() * 2 - 1) }
    }

    @Test(arguments: [(1, 1, 1), (7, 13, 5), (6, 16, 256), (13, 37, 300), (50, 17, 3), (145, 20, 9), (3, 150, 520)])
    func matchesNaiveProductOnOddSizes(m: Int, n: Int, k: Int) {
        var random = SeededRandom(seed: UInt64(m * 1000 + n * 10 + k))
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let lda = (transposeA ? m : k) + 2, ldb = (transposeB ? k : n) + 1, ldc = n + 3
            let a = randomArray((transposeA ? k : m) * lda, &random)
            let b = randomArray((transposeB ? n : k) * ldb, &random)
            let expected = Gemm.reference(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA,
                                          b: b, ldb: ldb, transposeB: transposeB)
            for threads in [1, 2] {
                for accumulate in [false, true] {
                    var c = [Float](repeating: accumulate ? 1 : 99, count: m * ldc)
                    Gemm.multiply(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA,
                                  b: b, ldb: ldb, transposeB: transposeB,
                                  c: &c, ldc: ldc, accumulate: accumulate, threads: threads)
                    var worst: Float = 0
                    for i in 0..<m {
                        for j in 0..<n {
                            let want = expected[i * n + j] + (accumulate ? 1 : 0)
                            worst = max(worst, abs(c[i * ldc + j] - want))
                        }
                        // Padding columns beyond n are never written.
                        for j in n..<ldc { #expect(c[i * ldc + j] == (accumulate ? 1 : 99)) }
                    }
                    #expect(worst < 1e-4 * Float(max(1, k)).squareRoot())
                }
            }
        }
    }

    @Test func forcedParallelSplitMatchesSerial() {
        var random = SeededRandom(seed: 9)
        let (m, n, k) = (70, 130, 120)  // above the threading threshold, both split directions
        let a = Tensor(shape: [m, k], storage: randomArray(m * k, &random))
        let b = Tensor(shape: [k, n], storage: randomArray(k * n, &random))
        let serial = Gemm.multiply(a, b, threads: 1)
        let parallel = Gemm.multiply(a, b, threads: 2)
        #expect(serial == parallel)
        let tall = Gemm.multiply(b, a, transposeA: true, transposeB: true, threads: 2)
        let tallSerial = Gemm.multiply(b, a, transposeA: true, transposeB: true, threads: 1)
        #expect(tall == tallSerial)
        #expect(tall.shape == [n, m])
    }

    @Test func zeroDepthClearsOrKeeps() {
        var c: [Float] = [5, 5, 5, 5]
        let empty: [Float] = [0]
        Gemm.multiply(m: 2, n: 2, k: 0, a: empty, lda: 1, b: empty, ldb: 2, c: &c, ldc: 2, accumulate: true)
        #expect(c == [5, 5, 5, 5])
        Gemm.multiply(m: 2, n: 2, k: 0, a: empty, lda: 1, b: empty, ldb: 2, c: &c, ldc: 2)
        #expect(c == [0, 0, 0, 0])
    }
}
