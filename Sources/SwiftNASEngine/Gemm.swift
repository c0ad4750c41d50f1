import Foundation

/// Single-precision matrix multiplication, `C = op(A) · op(B)` (optionally `C += …`), row-major.
///
/// The BLIS recipe: op(B) is packed into `kc × nr` column panels and op(A) into `mc × kc` blocks of
/// `mr`-row panels (zero-padded at the edges), so the micro-kernel streams both from cache with unit
/// stride; a 6 × 16 register tile (twelve `SIMD8<Float>` accumulators, lowered to AVX2 `vfmadd` when the
/// target has FMA) does all arithmetic. Large products are split over threads along the longer output
/// dimension; each thread packs its own operands, so threads share nothing mutable.
public enum Gemm {
    /// Rows of the register tile.
    public static let mr = 6
    /// Columns of the register tile (two 8-lane vectors).
    public static let nr = 16
    /// Depth of a packed block (the B micro-panel `kc × nr` stays in L1).
    public static let kc = 256
    /// Rows of a packed A block (`mc × kc` floats stay in L2).
    public static let mc = 144
    /// Columns of a packed B block.
    public static let nc = 4096

    /// Computes `C[m×n] = op(A)[m×k] · op(B)[k×n]`, or adds it to `C` when `accumulate` is true.
    ///
    /// `op(A)` is A, stored `m×k` with row stride `lda`, or its transpose when `transposeA` (A stored `k×m`);
    /// likewise B. `C` has row stride `ldc`. Products above about a megaflop are split over `threads`.
    public static func multiply(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool = false,
        threads: Int = Parallel.defaultThreads
    ) {
        guard m > 0, n > 0 else { return }
        let aRow = transposeA ? 1 : lda, aCol = transposeA ? lda : 1
        let bRow = transposeB ? 1 : ldb, bCol = transposeB ? ldb : 1
        let work = m * n * k
        if threads <= 1 || work < 1 << 20 {
            serial(m: m, n: n, k: k, a: a, aRow: aRow, aCol: aCol, b: b, bRow: bRow, bCol: bCol,
                   c: c, ldc: ldc, accumulate: accumulate)
        } else if n >= m {
            Parallel.forEachChunk(count: n, threads: threads, granularity: nr) { _, cols in
                serial(m: m, n: cols.count, k: k, a: a, aRow: aRow, aCol: aCol,
                       b: b + cols.lowerBound * bCol, bRow: bRow, bCol: bCol,
                       c: c + cols.lowerBound, ldc: ldc, accumulate: accumulate)
            }
        } else {
            Parallel.forEachChunk(count: m, threads: threads, granularity: mr) { _, rows in
                serial(m: rows.count, n: n, k: k, a: a + rows.lowerBound * aRow, aRow: aRow, aCol: aCol,
                       b: b, bRow: bRow, bCol: bCol,
                       c: c + rows.lowerBound * ldc, ldc: ldc, accumulate: accumulate)
            }
        }
    }

    /// `op(A) · op(B)` for rank-2 tensors (a convenience over the pointer form).
    public static func multiply(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                                threads: Int = Parallel.defaultThreads) -> Tensor {
        precondition(a.rank == 2 && b.rank == 2, "matrix product needs rank-2 tensors")
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let kb = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1]
        precondition(k == kb, "inner dimensions \(k) and \(kb) differ")
        var out = Tensor(shape: [m, n])
        a.storage.withUnsafeBufferPointer { ap in
            b.storage.withUnsafeBufferPointer { bp in
                out.storage.withUnsafeMutableBufferPointer { cp in
                    multiply(m: m, n: n, k: k, a: ap.baseAddress!, lda: a.shape[1], transposeA: transposeA,
                             b: bp.baseAddress!, ldb: b.shape[1], transposeB: transposeB,
                             c: cp.baseAddress!, ldc: n, threads: threads)
                }
            }
        }
        return out
    }

    /// The straightforward triple loop with Double accumulation, as a reference for tests.
    public static func reference(
        m: Int, n: Int, k: Int, a: [Float], lda: Int, transposeA: Bool = false,
        b: [Float], ldb: Int, transposeB: Bool = false
    ) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                c[i * n + j] = Float(sum)
            }
        }
        return c
    }

    // MARK: - Serial blocked product

    static func serial(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, aRow: Int, aCol: Int,
        b: UnsafePointer<Float>, bRow: Int, bCol: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        if k == 0 {
            if !accumulate { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
            return
        }
        let kcap = min(kc, k)
        let ncap = (min(nc, n) + nr - 1) / nr * nr
        let mcap = (min(mc, m) + mr - 1) / mr * mr
        let packedB = UnsafeMutablePointer<Float>.allocate(capacity: kcap * ncap)
        let packedA = UnsafeMutablePointer<Float>.allocate(capacity: kcap * mcap)
        defer { packedB.deallocate(); packedA.deallocate() }
        var jc = 0
        while jc < n {
            let nb = min(nc, n - jc)
            var pc = 0
            while pc < k {
                let kb = min(kc, k - pc)
                packB(kb: kb, nb: nb, b: b + pc * bRow + jc * bCol, bRow: bRow, bCol: bCol, into: packedB)
                let add = accumulate || pc > 0
                var ic = 0
                while ic < m {
                    let mb = min(mc, m - ic)
                    packA(mb: mb, kb: kb, a: a + ic * aRow + pc * aCol, aRow: aRow, aCol: aCol, into: packedA)
                    var jr = 0
                    while jr < nb {
                        let cols = min(nr, nb - jr)
                        var ir = 0
                        while ir < mb {
                            kernel(kb, packedA + ir * kb, packedB + jr * kb, c + (ic + ir) * ldc + jc + jr, ldc,
                                   min(mr, mb - ir), cols, add)
                            ir += mr
                        }
                        jr += nr
                    }
                    ic += mc
                }
                pc += kc
            }
            jc += nc
        }
    }

    /// Packs `nb` columns × `kb` rows of op(B) into `nr`-wide panels, each `kb × nr`, zero-padded.
    @inline(__always)
    static func packB(kb: Int, nb: Int, b: UnsafePointer<Float>, bRow: Int, bCol: Int, into out: UnsafeMutablePointer<Float>) {
        var jr = 0
        var dst = out
        while jr < nb {
            let cols = min(nr, nb - jr)
            let src = b + jr * bCol
            if cols == nr && bCol == 1 {
                for p in 0..<kb {
                    let row = src + p * bRow
                    store(load(row), dst); store(load(row + 8), dst + 8)
                    dst += nr
                }
            } else if bRow == 1 {
                // Transposed B: read each column contiguously, write the panel with stride nr (in L1).
                for j in 0..<nr {
                    var d = dst + j
                    if j < cols {
                        let column = src + j * bCol
                        for p in 0..<kb { d.pointee = column[p]; d += nr }
                    } else {
                        for _ in 0..<kb { d.pointee = 0; d += nr }
                    }
                }
                dst += nr * kb
            } else {
                for p in 0..<kb {
                    let row = src + p * bRow
                    for j in 0..<cols { dst[j] = row[j * bCol] }
                    for j in cols..<nr { dst[j] = 0 }
                    dst += nr
                }
            }
            jr += nr
        }
    }

    /// Packs `mb` rows × `kb` columns of op(A) into `mr`-high panels, each `kb × mr`, zero-padded.
    @inline(__always)
    static func packA(mb: Int, kb: Int, a: UnsafePointer<Float>, aRow: Int, aCol: Int, into out: UnsafeMutablePointer<Float>) {
        var ir = 0
        var panel = out
        while ir < mb {
            let rows = min(mr, mb - ir)
            if aRow == 1 && rows == mr {
                // Transposed A: the panel's rows are contiguous in memory for each p.
                var dst = panel
                for p in 0..<kb {
                    let src = a + ir + p * aCol
                    for i in 0..<mr { dst[i] = src[i] }
                    dst += mr
                }
            } else {
                for i in 0..<rows {
                    let src = a + (ir + i) * aRow
                    var dst = panel + i
                    for p in 0..<kb { dst.pointee = src[p * aCol]; dst += mr }
                }
            }
            if rows < mr {
                for i in rows..<mr {
                    var dst = panel + i
                    for _ in 0..<kb { dst.pointee = 0; dst += mr }
                }
            }
            panel += mr * kb
            ir += mr
        }
    }

    typealias V = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    /// The 6 × 16 register tile: `C[rows×cols] (+)= Apanel · Bpanel` over depth `kb`.
    @inline(never)
    static func kernel(
        _ kb: Int, _ ap0: UnsafeMutablePointer<Float>, _ bp0: UnsafeMutablePointer<Float>,
        _ c: UnsafeMutablePointer<Float>, _ ldc: Int, _ rows: Int, _ cols: Int, _ accumulate: Bool
    ) {
        var c00 = V(), c01 = V()
        var c10 = V(), c11 = V()
        var c20 = V(), c21 = V()
        var c30 = V(), c31 = V()
        var c40 = V(), c41 = V()
        var c50 = V(), c51 = V()
        var ap = UnsafePointer(ap0), bp = UnsafePointer(bp0)
        var a: V
        for _ in 0..<kb {
            let b0 = load(bp), b1 = load(bp + 8)
            a = V(repeating: ap[0]); c00 = c00.addingProduct(a, b0); c01 = c01.addingProduct(a, b1)
            a = V(repeating: ap[1]); c10 = c10.addingProduct(a, b0); c11 = c11.addingProduct(a, b1)
            a = V(repeating: ap[2]); c20 = c20.addingProduct(a, b0); c21 = c21.addingProduct(a, b1)
            a = V(repeating: ap[3]); c30 = c30.addingProduct(a, b0); c31 = c31.addingProduct(a, b1)
            a = V(repeating: ap[4]); c40 = c40.addingProduct(a, b0); c41 = c41.addingProduct(a, b1)
            a = V(repeating: ap[5]); c50 = c50.addingProduct(a, b0); c51 = c51.addingProduct(a, b1)
            ap += 6; bp += 16
        }
        var r: UnsafeMutablePointer<Float>
        if rows == 6 && cols == 16 {
            if accumulate {
                r = c + 0 * ldc; store(load(r) + c00, r); store(load(r + 8) + c01, r + 8)
                r = c + 1 * ldc; store(load(r) + c10, r); store(load(r + 8) + c11, r + 8)
                r = c + 2 * ldc; store(load(r) + c20, r); store(load(r + 8) + c21, r + 8)
                r = c + 3 * ldc; store(load(r) + c30, r); store(load(r + 8) + c31, r + 8)
                r = c + 4 * ldc; store(load(r) + c40, r); store(load(r + 8) + c41, r + 8)
                r = c + 5 * ldc; store(load(r) + c50, r); store(load(r + 8) + c51, r + 8)
            } else {
                r = c + 0 * ldc; store(c00, r); store(c01, r + 8)
                r = c + 1 * ldc; store(c10, r); store(c11, r + 8)
                r = c + 2 * ldc; store(c20, r); store(c21, r + 8)
                r = c + 3 * ldc; store(c30, r); store(c31, r + 8)
                r = c + 4 * ldc; store(c40, r); store(c41, r + 8)
                r = c + 5 * ldc; store(c50, r); store(c51, r + 8)
            }
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 96) { tile in
            let t = tile.baseAddress!
            store(c00, t + 0); store(c01, t + 8)
            store(c10, t + 16); store(c11, t + 24)
            store(c20, t + 32); store(c21, t + 40)
            store(c30, t + 48); store(c31, t + 56)
            store(c40, t + 64); store(c41, t + 72)
            store(c50, t + 80); store(c51, t + 88)
            for i in 0..<rows {
                let row = c + i * ldc
                for j in 0..<cols { row[j] = accumulate ? row[j] + t[i * 16 + j] : t[i * 16 + j] }
            }
        }
    }
}
