/// A dense, row-major matrix of objective values: `count` points of `dimension` objectives each.
///
/// The Pareto kernels work on this flat layout; the `[[Double]]` entry points convert once on the way in.
/// Rows of unequal length are truncated to the shortest row, so every kernel sees a rectangular matrix.
public struct ObjectiveMatrix: Sendable, Equatable {
    /// Number of points (rows).
    public let count: Int
    /// Number of objectives (columns).
    public let dimension: Int
    /// Row-major values: objective `k` of point `i` is `values[i * dimension + k]`.
    public private(set) var values: [Double]

    /// Builds a matrix from rows of objectives. Ragged rows are truncated to the shortest row's length.
    public init(rows: [[Double]]) {
        let dimension = rows.map(\.count).min() ?? 0
        var values = [Double]()
        values.reserveCapacity(rows.count * dimension)
        for row in rows { values.append(contentsOf: row.prefix(dimension)) }
        self.count = rows.count
        self.dimension = dimension
        self.values = values
    }

    /// Wraps a flat row-major buffer; returns nil when `dimension` is not positive or does not divide the
    /// buffer's length.
    public init?(values: [Double], dimension: Int) {
        guard dimension > 0, values.count % dimension == 0 else { return nil }
        self.count = values.count / dimension
        self.dimension = dimension
        self.values = values
    }

    /// Point `i` as a fresh array (convenience, allocates).
    public func row(_ i: Int) -> [Double] {
        Array(values[(i * dimension)..<((i + 1) * dimension)])
    }

    /// All points as arrays (convenience, allocates).
    public var rows: [[Double]] { (0..<count).map(row) }

    /// Whether any value is NaN.
    @inlinable
    public var containsNaN: Bool { values.contains { $0.isNaN } }
}
