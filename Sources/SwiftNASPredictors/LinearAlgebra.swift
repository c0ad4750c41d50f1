import Foundation

/// The eigendecomposition `A = Σ λₖ vₖ vₖᵀ` of a real symmetric matrix.
///
/// Computed by Householder reduction to tridiagonal form and the implicit QL algorithm with Wilkinson
/// shifts (the EISPACK `tred2`/`tql2` procedures, as described by Wilkinson & Reinsch, *Handbook for
/// Automatic Computation* vol. II, 1971): about 9n³ flops, no iteration limit to tune.
public struct SymmetricEigendecomposition: Sendable {
    /// The eigenvalues, ascending.
    public let eigenvalues: [Double]
    /// Row `k` is the unit eigenvector of `eigenvalues[k]`.
    public let eigenvectors: Matrix

    /// Decomposes `matrix`, which must be square and symmetric (only its values are read, not checked).
    public init(_ matrix: Matrix) {
        precondition(matrix.rows == matrix.columns, "eigendecomposition needs a square matrix")
        let n = matrix.rows
        guard n > 0 else {
            eigenvalues = []
            eigenvectors = matrix
            return
        }
        var v = matrix.storage
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        v.withUnsafeMutableBufferPointer { v in
            d.withUnsafeMutableBufferPointer { d in
                e.withUnsafeMutableBufferPointer { e in
                    Self.tridiagonalize(v, d, e, n)
                }
            }
        }
        // Transpose so that each eigenvector's entries are contiguous during the QL rotations.
        var z = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for k in 0..<n { z[i * n + k] = v[k * n + i] } }
        z.withUnsafeMutableBufferPointer { z in
            d.withUnsafeMutableBufferPointer { d in
                e.withUnsafeMutableBufferPointer { e in
                    Self.diagonalize(z, d, e, n)
                }
            }
        }
        let order = (0..<n).sorted { d[$0] < d[$1] }
        eigenvalues = order.map { d[$0] }
        var sorted = [Double](repeating: 0, count: n * n)
        for (k, source) in order.enumerated() {
            for c in 0..<n { sorted[k * n + c] = z[source * n + c] }
        }
        eigenvectors = Matrix(rows: n, columns: n, storage: sorted)
    }

    /// Householder reduction of the symmetric `v` (row-major n×n) to tridiagonal form: on return `d` is the
    /// diagonal, `e[1...]` the sub-diagonal, and `v` the orthogonal transformation.
    private static func tridiagonalize(_ v: UnsafeMutableBufferPointer<Double>, _ d: UnsafeMutableBufferPointer<Double>,
                                       _ e: UnsafeMutableBufferPointer<Double>, _ n: Int) {
        for j in 0..<n { d[j] = v[(n - 1) * n + j] }
        var i = n - 1
        while i > 0 {
            var scale = 0.0, h = 0.0
            for k in 0..<i { scale += abs(d[k]) }
            if scale == 0 {
                e[i] = d[i - 1]
                for j in 0..<i {
                    d[j] = v[(i - 1) * n + j]
                    v[i * n + j] = 0
                    v[j * n + i] = 0
                }
            } else {
                for k in 0..<i {
                    d[k] /= scale
                    h += d[k] * d[k]
                }
                var f = d[i - 1]
                var g = h.squareRoot()
                if f > 0 { g = -g }
                e[i] = scale * g
                h -= f * g
                d[i - 1] = f - g
                for j in 0..<i { e[j] = 0 }
                for j in 0..<i {
                    f = d[j]
                    v[j * n + i] = f
                    g = e[j] + v[j * n + j] * f
                    var k = j + 1
                    while k < i {
                        g += v[k * n + j] * d[k]
                        e[k] += v[k * n + j] * f
                        k += 1
                    }
                    e[j] = g
                }
                f = 0
                for j in 0..<i {
                    e[j] /= h
                    f += e[j] * d[j]
                }
                let hh = f / (h + h)
                for j in 0..<i { e[j] -= hh * d[j] }
                for j in 0..<i {
                    f = d[j]
                    g = e[j]
                    for k in j..<i { v[k * n + j] -= f * e[k] + g * d[k] }
                    d[j] = v[(i - 1) * n + j]
                    v[i * n + j] = 0
                }
            }
            d[i] = h
            i -= 1
        }
        // Accumulate the transformations.
        for i in 0..<(n - 1) {
            v[(n - 1) * n + i] = v[i * n + i]
            v[i * n + i] = 1
            let h = d[i + 1]
            if h != 0 {
                for k in 0...i { d[k] = v[k * n + i + 1] / h }
                for j in 0...i {
                    var g = 0.0
                    for k in 0...i { g += v[k * n + i + 1] * v[k * n + j] }
                    for k in 0...i { v[k * n + j] -= g * d[k] }
                }
            }
            for k in 0...i { v[k * n + i + 1] = 0 }
        }
        for j in 0..<n {
            d[j] = v[(n - 1) * n + j]
            v[(n - 1) * n + j] = 0
        }
        v[(n - 1) * n + n - 1] = 1
        e[0] = 0
    }

    /// Implicit QL iterations on the tridiagonal (`d`, `e`); `z` holds the transformation transposed (row i is
    /// the i-th vector) and on return row i is the eigenvector of `d[i]`.
    private static func diagonalize(_ z: UnsafeMutableBufferPointer<Double>, _ d: UnsafeMutableBufferPointer<Double>,
                                    _ e: UnsafeMutableBufferPointer<Double>, _ n: Int) {
        for i in 1..<max(n, 1) { e[i - 1] = e[i] }
        e[n - 1] = 0
        var f = 0.0, largest = 0.0
        let epsilon = Double.ulpOfOne
        for l in 0..<n {
            largest = max(largest, abs(d[l]) + abs(e[l]))
            var m = l
            while m < n - 1 && abs(e[m]) > epsilon * largest { m += 1 }
            if m > l {
                repeat {
                    var g = d[l]
                    var p = (d[l + 1] - g) / (2 * e[l])
                    var r = (p * p + 1).squareRoot()
                    if p < 0 { r = -r }
                    d[l] = e[l] / (p + r)
                    d[l + 1] = e[l] * (p + r)
                    let dl1 = d[l + 1]
                    var h = g - d[l]
                    var i = l + 2
                    while i < n { d[i] -= h; i += 1 }
                    f += h
                    p = d[m]
                    var c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0
                    let el1 = e[l + 1]
                    i = m - 1
                    while i >= l {
                        c3 = c2
                        c2 = c
                        s2 = s
                        g = c * e[i]
                        h = c * p
                        r = (p * p + e[i] * e[i]).squareRoot()
                        e[i + 1] = s * r
                        s = e[i] / r
                        c = p / r
                        p = c * d[i] - s * g
                        d[i + 1] = h + s * (c * g + s * d[i])
                        let lower = i * n, upper = (i + 1) * n
                        for k in 0..<n {
                            let zu = z[upper + k], zl = z[lower + k]
                            z[upper + k] = s * zl + c * zu
                            z[lower + k] = c * zl - s * zu
                        }
                        i -= 1
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1
                    e[l] = s * p
                    d[l] = c * p
                } while abs(e[l]) > epsilon * largest
            }
            d[l] += f
            e[l] = 0
        }
    }
}

/// The Cholesky factor `L` (lower triangular, `A = L Lᵀ`) of a symmetric positive definite matrix.
public struct CholeskyFactor: Sendable {
    /// `L`, row-major; entries above the diagonal are zero.
    public let lower: Matrix

    /// Factors `matrix`; nil when it is not numerically positive definite.
    public init?(_ matrix: Matrix) {
        precondition(matrix.rows == matrix.columns, "Cholesky needs a square matrix")
        let n = matrix.rows
        var l = [Double](repeating: 0, count: n * n)
        let a = matrix.storage
        let ok = l.withUnsafeMutableBufferPointer { l -> Bool in
            for j in 0..<n {
                var diagonal = a[j * n + j]
                for k in 0..<j { diagonal -= l[j * n + k] * l[j * n + k] }
                guard diagonal > 0, diagonal.isFinite else { return false }
                let root = diagonal.squareRoot()
                l[j * n + j] = root
                var i = j + 1
                while i < n {
                    var sum = a[i * n + j]
                    for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                    l[i * n + j] = sum / root
                    i += 1
                }
            }
            return true
        }
        guard ok else { return nil }
        lower = Matrix(rows: n, columns: n, storage: l)
    }

    /// Solves `L x = b`.
    public func solveLower(_ b: [Double]) -> [Double] {
        let n = lower.rows
        var x = b
        for i in 0..<n {
            var sum = x[i]
            for k in 0..<i { sum -= lower.storage[i * n + k] * x[k] }
            x[i] = sum / lower.storage[i * n + i]
        }
        return x
    }

    /// Solves `Lᵀ x = b`.
    public func solveUpper(_ b: [Double]) -> [Double] {
        let n = lower.rows
        var x = b
        var i = n - 1
        while i >= 0 {
            var sum = x[i]
            for k in (i + 1)..<max(n, i + 1) { sum -= lower.storage[k * n + i] * x[k] }
            x[i] = sum / lower.storage[i * n + i]
            i -= 1
        }
        return x
    }

    /// Solves `A x = b`.
    public func solve(_ b: [Double]) -> [Double] { solveUpper(solveLower(b)) }

    /// `log det A = 2 Σ log Lᵢᵢ`.
    public var logDeterminant: Double {
        (0..<lower.rows).reduce(0) { $0 + 2 * log(lower.storage[$1 * lower.rows + $1]) }
    }
}
