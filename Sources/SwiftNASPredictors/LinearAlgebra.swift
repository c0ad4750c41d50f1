import Foundation

/// The Householder reduction `A = Q T Qᵀ` of a symmetric matrix to a symmetric tridiagonal `T`
/// (Golub & Van Loan, *Matrix Computations*, 4th ed., §8.3.1), about (4/3)n³ flops.
///
/// It is the first half of a symmetric eigendecomposition and all a shifted solve needs: `(A + αI)⁻¹b =
/// Q (T + αI)⁻¹ Qᵀb`, where the tridiagonal solve costs O(n) for every shift α.
public struct SymmetricTridiagonalization: Sendable {
    /// The order n.
    public let order: Int
    /// T's diagonal.
    public let diagonal: [Double]
    /// T's sub-diagonal: `offDiagonal[k] = T[k+1, k]` (n − 1 entries).
    public let offDiagonal: [Double]
    /// Reflector k is `I − βₖ vₖvₖᵀ` acting on components k+1..<n; `reflectors[k]` holds vₖ there (length n − k − 1).
    private let reflectors: [[Double]]
    private let betas: [Double]

    /// Reduces `matrix`, which must be square and symmetric (only its values are read, not checked).
    public init(_ matrix: Matrix) {
        precondition(matrix.rows == matrix.columns, "tridiagonalization needs a square matrix")
        let n = matrix.rows
        order = n
        var a = matrix.storage
        var vectors: [[Double]] = []
        var betaList: [Double] = []
        var off = [Double](repeating: 0, count: max(n - 1, 0))
        a.withUnsafeMutableBufferPointer { a in
            var p = [Double](repeating: 0, count: n)
            for k in 0..<max(n - 2, 0) {
                let m = n - k - 1
                // x = A[k+1..<n, k], read from row k (symmetric).
                var v = Array(a[(k * n + k + 1)..<(k * n + n)])
                let tailNorm = v.dropFirst().reduce(0) { $0 + $1 * $1 }
                guard tailNorm > 0 else {
                    off[k] = v[0]
                    vectors.append([])
                    betaList.append(0)
                    continue
                }
                let norm = (v[0] * v[0] + tailNorm).squareRoot()
                let alpha = v[0] > 0 ? -norm : norm
                v[0] -= alpha
                let beta = 2 / (v[0] * v[0] + tailNorm)
                off[k] = alpha
                // Trailing block B = A[k+1..<n, k+1..<n] ← H B H via p = βBv, w = p − (β/2)(pᵀv)v, B −= vwᵀ + wvᵀ.
                let base = k + 1
                var pv = 0.0
                for i in 0..<m {
                    var sum = 0.0
                    let row = (base + i) * n + base
                    for j in 0..<m { sum += a[row + j] * v[j] }
                    p[i] = beta * sum
                    pv += p[i] * v[i]
                }
                let half = beta / 2 * pv
                for i in 0..<m { p[i] -= half * v[i] }
                for i in 0..<m {
                    let row = (base + i) * n + base
                    let vi = v[i], wi = p[i]
                    for j in 0..<m { a[row + j] -= vi * p[j] + wi * v[j] }
                }
                vectors.append(v)
                betaList.append(beta)
            }
            if n >= 2 { off[n - 2] = a[(n - 1) * n + n - 2] }
        }
        diagonal = (0..<n).map { a[$0 * n + $0] }
        offDiagonal = off
        reflectors = vectors
        betas = betaList
    }

    /// `Qᵀ x` (reflectors applied first to last).
    public func transposedQTimes(_ x: [Double]) -> [Double] {
        var y = x
        for k in reflectors.indices { reflect(k, &y) }
        return y
    }

    /// `Q z` (reflectors applied last to first).
    public func qTimes(_ z: [Double]) -> [Double] {
        var y = z
        for k in reflectors.indices.reversed() { reflect(k, &y) }
        return y
    }

    private func reflect(_ k: Int, _ y: inout [Double]) {
        let v = reflectors[k]
        guard !v.isEmpty else { return }
        let base = k + 1
        var dot = 0.0
        for j in v.indices { dot += v[j] * y[base + j] }
        let scale = betas[k] * dot
        for j in v.indices { y[base + j] -= scale * v[j] }
    }

    /// Solves `(T + shift·I) z = b` by the Thomas algorithm; `T + shift·I` must be positive definite
    /// (true for a positive semi-definite A and a positive shift), which makes it stable without pivoting.
    public func solveShifted(_ b: [Double], shift: Double) -> [Double] {
        let n = order
        guard n > 0 else { return [] }
        var upper = [Double](repeating: 0, count: n)
        var z = b
        var pivot = diagonal[0] + shift
        if n > 1 { upper[0] = offDiagonal[0] / pivot }
        z[0] /= pivot
        for i in 1..<n {
            pivot = diagonal[i] + shift - offDiagonal[i - 1] * upper[i - 1]
            if i < n - 1 { upper[i] = offDiagonal[i] / pivot }
            z[i] = (z[i] - offDiagonal[i - 1] * z[i - 1]) / pivot
        }
        var i = n - 2
        while i >= 0 {
            z[i] -= upper[i] * z[i + 1]
            i -= 1
        }
        return z
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
