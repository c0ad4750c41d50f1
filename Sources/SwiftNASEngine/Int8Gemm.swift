import CSwiftNASInt8

/// Integer matrix product for quantized inference, `C[m×n] = A[m×k] · B[k×n]` with uint8 activations A, int8
/// weights B and int32 accumulation, exact.
///
/// The kernels live in a small C target (`CSwiftNASInt8`) because they need instructions the Swift compiler does
/// not emit from portable code: AVX-512 VNNI `vpdpbusd` (four u8 × s8 products summed into int32 in one
/// instruction), else AVX2 `vpmaddubsw` + `vpmaddwd`, else plain loops; `Kernel.best` is chosen at run time from the
/// CPU's features. Weights are packed once (`PackedWeights`) into panels of 16 columns × groups of 4 rows, the
/// layout both vector kernels read with one load per group.
public enum Int8Gemm {
    /// An int8 kernel.
    public enum Kernel: String, Sendable, CaseIterable {
        /// Plain loops, any uint8 activations.
        case scalar
        /// AVX2: products are paired in int16 with saturation, so activations must be ≤ 127 to stay exact.
        case avx2
        /// AVX-512 VNNI: any uint8 activations.
        case avx512VNNI = "avx512-vnni"

        var c: swiftnas_int8_kernel {
            switch self {
            case .scalar: SWIFTNAS_INT8_SCALAR
            case .avx2: SWIFTNAS_INT8_AVX2
            case .avx512VNNI: SWIFTNAS_INT8_AVX512_VNNI
            }
        }

        /// Whether this CPU can run it.
        public var isAvailable: Bool { swiftnas_int8_kernel_available(c) != 0 }

        /// The largest activation value for which the kernel is exact (the quantizer's upper bound).
        public var activationMaximum: UInt8 { self == .avx2 ? 127 : 255 }

        /// The fastest kernel this CPU runs.
        public static let best: Kernel = [.avx512VNNI, .avx2].first { $0.isAvailable } ?? .scalar
    }

    /// Weights `B[k×n]` packed for the kernels, with each column's sum (for the activations' zero point).
    public struct PackedWeights: Sendable {
        /// Rows of B (the reduction dimension).
        public let k: Int
        /// Columns of B (output channels).
        public let n: Int
        /// The packed bytes.
        let bytes: [Int8]
        /// Σ_p B[p][j] for each column j.
        public let columnSums: [Int32]

        /// Packs `b`, stored `k×n` row-major.
        public init(k: Int, n: Int, b: [Int8]) {
            precondition(b.count == k * n, "weights hold \(b.count) values, expected \(k * n)")
            self.k = k
            self.n = n
            var bytes = [Int8](repeating: 0, count: swiftnas_int8_packed_size(Int32(k), Int32(n)))
            b.withUnsafeBufferPointer { source in
                bytes.withUnsafeMutableBufferPointer { packed in
                    swiftnas_int8_pack(Int32(k), Int32(n), source.baseAddress, Int32(n), packed.baseAddress)
                }
            }
            self.bytes = bytes
            var sums = [Int32](repeating: 0, count: n)
            for p in 0..<k {
                for j in 0..<n { sums[j] += Int32(b[p * n + j]) }
            }
            columnSums = sums
        }
    }

    /// Computes `C[m×k·k×n]` into `c` (row stride `ldc`) from `a` (row stride `lda`) and packed weights, splitting
    /// rows over `threads` for large products.
    public static func multiply(m: Int, a: UnsafePointer<UInt8>, lda: Int, weights: PackedWeights,
                                c: UnsafeMutablePointer<Int32>, ldc: Int, kernel: Kernel = .best,
                                threads: Int = Parallel.defaultThreads) {
        multiply(m: m, a: a, lda: lda, weights: weights,
                 output: swiftnas_int8_output(kind: SWIFTNAS_INT8_SUMS, data: UnsafeMutableRawPointer(c), stride: ldc,
                                              factor: nil, offset: nil, bias: nil, activation: SWIFTNAS_ACTIVATION_NONE,
                                              inverse: 0, zero: 0, top: 0),
                 kernel: kernel, threads: threads)
    }

    /// Computes `A · B` for `m` rows of `a` (row stride `lda`), finishing each row of results as `output` says (its
    /// `data` is row 0), splitting rows over `threads` for large products.
    static func multiply(m: Int, a: UnsafePointer<UInt8>, lda: Int, weights: PackedWeights, output: swiftnas_int8_output,
                         kernel: Kernel, threads: Int) {
        guard m > 0, weights.n > 0 else { return }
        weights.bytes.withUnsafeBufferPointer { packed in
            let run = { (rows: Range<Int>) in
                var part = output
                part.data = output.data + rows.lowerBound * output.stride * output.elementBytes
                swiftnas_int8_gemm(kernel.c, Int32(rows.count), Int32(weights.n), Int32(weights.k),
                                   a + rows.lowerBound * lda, Int32(lda), packed.baseAddress, &part)
            }
            if threads <= 1 || m * weights.n * weights.k < 1 << 20 {
                run(0..<m)
            } else {
                Parallel.forEachChunk(count: m, threads: threads, granularity: 8) { _, rows in run(rows) }
            }
        }
    }

    /// The straightforward triple loop, as a reference for tests.
    public static func reference(m: Int, n: Int, k: Int, a: [UInt8], b: [Int8]) -> [Int32] {
        var c = [Int32](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Int32 = 0
                for p in 0..<k { sum += Int32(a[i * k + p]) * Int32(b[p * n + j]) }
                c[i * n + j] = sum
            }
        }
        return c
    }
}

extension swiftnas_int8_output {
    /// Bytes of one stored element: an int32 sum, a float or a uint8 level.
    var elementBytes: Int { kind == SWIFTNAS_INT8_LEVELS ? 1 : 4 }
}
