/// Whether an objective is to be minimised or maximised.
public enum ObjectiveSense: String, Sendable, Hashable, Codable, CaseIterable {
    /// Smaller is better (e.g. MACs, latency).
    case minimize
    /// Larger is better (e.g. accuracy).
    case maximize

    /// The factor that maps a value in this direction to a minimised one: 1 or −1.
    @inlinable
    public var sign: Double { self == .minimize ? 1 : -1 }

    /// The value as a minimised objective (maxima are negated).
    @inlinable
    public func toMinimization(_ value: Double) -> Double { sign * value }

    /// The user-facing value of a minimised objective (inverse of ``toMinimization(_:)``).
    @inlinable
    public func fromMinimization(_ value: Double) -> Double { sign * value }
}

/// Helpers turning mixed-direction metric rows into the minimisation rows the Pareto tools work on, and
/// back, plus ideal/nadir points and reference points.
public enum Objectives {
    /// `row` as minimised objectives: objective k is negated when `senses[k]` is `.maximize`. Objectives
    /// without a sense (beyond `senses.count`) are taken as minimised.
    @inlinable
    public static func toMinimization(_ row: [Double], senses: [ObjectiveSense]) -> [Double] {
        var out = row
        for k in 0..<min(row.count, senses.count) where senses[k] == .maximize { out[k] = -row[k] }
        return out
    }

    /// Every row as minimised objectives (see ``toMinimization(_:senses:)``).
    public static func toMinimization(_ rows: [[Double]], senses: [ObjectiveSense]) -> [[Double]] {
        rows.map { toMinimization($0, senses: senses) }
    }

    /// Every row as minimised objectives, in a flat matrix (rows truncated to the shortest).
    public static func minimizationMatrix(_ rows: [[Double]], senses: [ObjectiveSense]) -> ObjectiveMatrix {
        let matrix = ObjectiveMatrix(rows: rows)
        let m = matrix.dimension
        var values = matrix.values
        for k in 0..<min(m, senses.count) where senses[k] == .maximize {
            var i = k
            while i < values.count { values[i] = -values[i]; i += m }
        }
        return ObjectiveMatrix(values: values, dimension: m) ?? matrix
    }

    /// A minimised row back in the user's directions (the inverse of ``toMinimization(_:senses:)``).
    @inlinable
    public static func fromMinimization(_ row: [Double], senses: [ObjectiveSense]) -> [Double] {
        toMinimization(row, senses: senses)
    }

    /// The ideal point of minimisation rows: the smallest value of each objective (empty for no rows).
    public static func ideal(_ rows: [[Double]]) -> [Double] {
        extreme(rows, min)
    }

    /// The nadir point of minimisation rows: the largest value of each objective (empty for no rows). For a
    /// non-dominated front this is the front's nadir.
    public static func nadir(_ rows: [[Double]]) -> [Double] {
        extreme(rows, max)
    }

    static func extreme(_ rows: [[Double]], _ pick: (Double, Double) -> Double) -> [Double] {
        guard var out = rows.first else { return [] }
        let m = rows.map(\.count).min() ?? 0
        out.removeSubrange(m...)
        for row in rows.dropFirst() { for k in 0..<m { out[k] = pick(out[k], row[k]) } }
        return out
    }

    /// pymoo's reference point for hypervolume: `factor` × the nadir, per objective (ZDT's front with nadir
    /// (1, 1) gives (1.1, 1.1)). The nadir is in minimisation form.
    @inlinable
    public static func referencePoint(nadir: [Double], factor: Double = 1.1) -> [Double] {
        nadir.map { $0 * factor }
    }
}

/// Min–max normalisation of minimisation rows between an ideal and a nadir point:
/// (f − ideal) / (nadir − ideal) per objective. As in pymoo, an objective whose ideal equals its nadir is
/// only shifted (f − ideal).
public struct Normalization: Sendable, Equatable {
    /// The point mapped to the origin.
    public let ideal: [Double]
    /// The point mapped to (1, …, 1).
    public let nadir: [Double]

    /// Normalisation between the given points (in minimisation form, one value per objective). Returns nil
    /// when their lengths differ.
    public init?(ideal: [Double], nadir: [Double]) {
        guard ideal.count == nadir.count else { return nil }
        self.ideal = ideal
        self.nadir = nadir
    }

    /// Normalisation between the ideal and nadir points of `rows`; nil for no rows.
    public init?(bounding rows: [[Double]]) {
        if rows.isEmpty { return nil }
        self.init(ideal: Objectives.ideal(rows), nadir: Objectives.nadir(rows))
    }

    /// `row` scaled into the ideal–nadir box (values beyond `ideal.count` are dropped).
    @inlinable
    public func normalize(_ row: [Double]) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(min(row.count, ideal.count))
        for k in 0..<min(row.count, ideal.count) {
            let range = nadir[k] - ideal[k]
            out.append(range == 0 ? row[k] - ideal[k] : (row[k] - ideal[k]) / range)
        }
        return out
    }

    /// Every row scaled into the ideal–nadir box.
    public func normalize(_ rows: [[Double]]) -> [[Double]] { rows.map(normalize) }

    /// The inverse of `normalize`: `ideal + value × (nadir − ideal)`.
    @inlinable
    public func denormalize(_ row: [Double]) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(min(row.count, ideal.count))
        for k in 0..<min(row.count, ideal.count) {
            let range = nadir[k] - ideal[k]
            out.append(range == 0 ? row[k] + ideal[k] : ideal[k] + row[k] * range)
        }
        return out
    }
}

extension Hypervolume {
    /// Hypervolume of mixed-direction rows in the user's units: `reference` is the worst acceptable value of
    /// each objective in its own direction (e.g. accuracy ≥ 70 (maximised), MACs ≤ 600e6 (minimised) is
    /// `[70, 600e6]` with senses `[.maximize, .minimize]`). Only points strictly better than the reference in
    /// every objective contribute. Returns NaN when rows, reference and senses differ in length.
    public static func compute(_ points: [[Double]], reference: [Double], senses: [ObjectiveSense]) -> Double {
        guard senses.count == reference.count else { return .nan }
        if points.contains(where: { $0.count != reference.count }) { return .nan }
        return compute(Objectives.minimizationMatrix(points, senses: senses),
                       reference: Objectives.toMinimization(reference, senses: senses))
    }

    /// The hypervolume reference point in minimisation form for a reference given in the user's units and
    /// directions (see ``compute(_:reference:senses:)``).
    @inlinable
    public static func minimizationReference(_ reference: [Double], senses: [ObjectiveSense]) -> [Double] {
        Objectives.toMinimization(reference, senses: senses)
    }

    /// pymoo's reference point convention: `factor` × the nadir of the known front, per objective (ZDT:
    /// (1.1, 1.1)). Same as ``Objectives/referencePoint(nadir:factor:)``.
    @inlinable
    public static func referencePoint(nadir: [Double], factor: Double = 1.1) -> [Double] {
        Objectives.referencePoint(nadir: nadir, factor: factor)
    }
}
