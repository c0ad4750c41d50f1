/// A dense matrix of `Double`, stored row-major in one flat array (row `r` is `storage[r*columns ..< (r+1)*columns]`).
///
/// Predictors take their features as a `Matrix` (one row per sample, one column per feature) so the numerics
/// run over contiguous memory without per-row allocations.
public struct Matrix: Sendable, Hashable {
    /// Number of rows (samples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// The entries, row after row.
    public var storage: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        storage = [Double](repeating: value, count: rows * columns)
    }

    /// A matrix over `storage`, which must hold exactly `rows * columns` entries in row-major order.
    public init(rows: Int, columns: Int, storage: [Double]) {
        precondition(storage.count == rows * columns, "storage holds \(storage.count) entries, not \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix whose rows are `rowArrays`; every row must have the same length (`columns` when there are none).
    public init(rowArrays: [[Double]], columns: Int? = nil) {
        let width = rowArrays.first?.count ?? columns ?? 0
        var flat: [Double] = []
        flat.reserveCapacity(rowArrays.count * width)
        for row in rowArrays {
            precondition(row.count == width, "rows of a matrix must have equal lengths")
            flat.append(contentsOf: row)
        }
        self.init(rows: rowArrays.count, columns: width, storage: flat)
    }

    /// The entry at `row`, `column`.
    @inlinable public subscript(row: Int, column: Int) -> Double {
        get { storage[row * columns + column] }
        set { storage[row * columns + column] = newValue }
    }

    /// A copy of one row.
    public func row(_ index: Int) -> [Double] {
        Array(storage[index * columns ..< (index + 1) * columns])
    }

    /// The matrix made of the listed rows, in that order.
    public func selectingRows<S: Sequence>(_ indices: S) -> Matrix where S.Element == Int {
        var flat: [Double] = []
        var count = 0
        for r in indices {
            flat.append(contentsOf: storage[r * columns ..< (r + 1) * columns])
            count += 1
        }
        return Matrix(rows: count, columns: columns, storage: flat)
    }

    /// The matrix made of the listed columns, in that order.
    public func selectingColumns(_ indices: [Int]) -> Matrix {
        var flat = [Double](repeating: 0, count: rows * indices.count)
        for r in 0..<rows {
            for (k, c) in indices.enumerated() { flat[r * indices.count + k] = storage[r * columns + c] }
        }
        return Matrix(rows: rows, columns: indices.count, storage: flat)
    }

    /// The mean of each column.
    public func columnMeans() -> [Double] {
        var means = [Double](repeating: 0, count: columns)
        guard rows > 0 else { return means }
        storage.withUnsafeBufferPointer { x in
            means.withUnsafeMutableBufferPointer { m in
                for r in 0..<rows {
                    let base = r * columns
                    for c in 0..<columns { m[c] += x[base + c] }
                }
                for c in 0..<columns { m[c] /= Double(rows) }
            }
        }
        return means
    }

    /// The matrix with `offsets[c]` subtracted from every entry of column `c`.
    public func subtractingFromColumns(_ offsets: [Double]) -> Matrix {
        var result = self
        result.storage.withUnsafeMutableBufferPointer { x in
            for r in 0..<rows {
                let base = r * columns
                for c in 0..<columns { x[base + c] -= offsets[c] }
            }
        }
        return result
    }

    /// `selfᵀ · self` (columns × columns, symmetric).
    public func transposeTimesSelf() -> Matrix {
        var gram = Matrix(rows: columns, columns: columns)
        let p = columns
        storage.withUnsafeBufferPointer { x in
            gram.storage.withUnsafeMutableBufferPointer { g in
                for r in 0..<rows {
                    let base = r * p
                    for i in 0..<p {
                        let xi = x[base + i]
                        if xi == 0 { continue }
                        let gi = i * p
                        for j in i..<p { g[gi + j] += xi * x[base + j] }
                    }
                }
                for i in 0..<p { for j in 0..<i { g[i * p + j] = g[j * p + i] } }
            }
        }
        return gram
    }

    /// `self · otherᵀ` (rows × other.rows): the inner products of every row of `self` with every row of `other`.
    public func timesTransposed(_ other: Matrix) -> Matrix {
        precondition(columns == other.columns, "inner dimensions differ")
        var result = Matrix(rows: rows, columns: other.rows)
        let p = columns
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { out in
                    for i in 0..<rows {
                        for j in 0..<other.rows {
                            var sum = 0.0
                            for k in 0..<p { sum += a[i * p + k] * b[j * p + k] }
                            out[i * other.rows + j] = sum
                        }
                    }
                }
            }
        }
        return result
    }

    /// `self · vector`.
    public func times(_ vector: [Double]) -> [Double] {
        precondition(columns == vector.count, "inner dimensions differ")
        var result = [Double](repeating: 0, count: rows)
        storage.withUnsafeBufferPointer { a in
            for i in 0..<rows {
                var sum = 0.0
                for k in 0..<columns { sum += a[i * columns + k] * vector[k] }
                result[i] = sum
            }
        }
        return result
    }

    /// `selfᵀ · vector`.
    public func transposeTimes(_ vector: [Double]) -> [Double] {
        precondition(rows == vector.count, "inner dimensions differ")
        var result = [Double](repeating: 0, count: columns)
        storage.withUnsafeBufferPointer { a in
            for i in 0..<rows {
                let v = vector[i]
                if v == 0 { continue }
                for k in 0..<columns { result[k] += a[i * columns + k] * v }
            }
        }
        return result
    }

    /// Squared Euclidean distances between every row of `self` and every row of `other` (rows × other.rows).
    public func squaredDistances(to other: Matrix) -> Matrix {
        precondition(columns == other.columns, "inner dimensions differ")
        var result = Matrix(rows: rows, columns: other.rows)
        let p = columns
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                result.storage.withUnsafeMutableBufferPointer { out in
                    for i in 0..<rows {
                        for j in 0..<other.rows {
                            var sum = 0.0
                            for k in 0..<p {
                                let d = a[i * p + k] - b[j * p + k]
                                sum += d * d
                            }
                            out[i * other.rows + j] = sum
                        }
                    }
                }
            }
        }
        return result
    }
}
