import Foundation
import SwiftNASCore
import SwiftNASPredictors
import SwiftNASSpace

/// A measurement CSV turned into predictor features and one target per row.
///
/// Two kinds of table are read. With a configuration column (`config`, or DyNAS-T's `Sub-network`) and a search
/// space, the features are the one-hot or ordinal encoding of each configuration, rows describing the same
/// sub-network merged (mean target) as `swiftnas predictor evaluate` does. Without one (HAT's latency files),
/// every numeric column is a feature except the target's and the other measurements (names starting with
/// `latency`, case-insensitive: HAT's `latency_mean_*` and `latency_std_*`, DyNAS-T's `Latency (ms)`).
public struct TrainingTable: Sendable {
    /// One row per measured sub-network.
    public var features: Matrix
    /// The measured target of each row.
    public var targets: [Double]
    /// How the feature columns are made.
    public var spec: FeatureSpec
    /// The names of the feature columns (`x0`, `x1`, ... for encoded configurations).
    public var columnNames: [String]

    /// Reads the CSV file at `path`.
    public static func load(path: String, target: TargetExpression, space: SearchSpace?, encoding: FeatureEncoding) throws -> TrainingTable {
        try parse(InputFile.text(path), source: path, target: target, space: space, encoding: encoding)
    }

    /// Parses CSV text; `source` names it in errors, which give the row and column of a bad cell.
    public static func parse(_ text: String, source: String, target: TargetExpression, space: SearchSpace?,
                             encoding: FeatureEncoding) throws -> TrainingTable {
        let table = try CSVTable(parsing: text, source: source)
        let targetColumns = try target.columns.map { name -> Int in
            guard let column = table.header.firstIndex(of: name) else {
                throw InputError(source: source, field: "header", "no column '\(name)' (columns: \(table.header.joined(separator: ", ")))")
            }
            return column
        }
        guard !table.records.isEmpty else { throw InputError(source: source, "has a header but no data rows") }
        let targets = try table.records.indices.map { row in
            try targetColumns.reduce(0.0) { $0 + (try number(table, row: row, column: $1, source: source)) }
        }
        let configurationColumn = table.header.firstIndex(of: MeasurementTable.configurationColumn)
            ?? table.header.firstIndex(of: MeasurementTable.dynastConfigurationColumn)
        if let configurationColumn {
            guard let space else {
                throw InputError(source: "--space", "\(source) describes sub-networks in column '\(table.header[configurationColumn])'; name their search space")
            }
            return try encoded(table, column: configurationColumn, targets: targets, space: space, encoding: encoding, source: source)
        }
        let featureColumns = table.header.indices.filter { column in
            !targetColumns.contains(column) && !table.header[column].lowercased().hasPrefix("latency")
                && Double(table.records[0][column].trimmingCharacters(in: .whitespaces)) != nil
        }
        guard !featureColumns.isEmpty else {
            throw InputError(source: source, field: "header", "no numeric feature columns and no '\(MeasurementTable.configurationColumn)' column")
        }
        let names = featureColumns.map { table.header[$0] }
        if let space {
            _ = try HATFeatures.deriver(columns: names, space: space, source: source)
        }
        var storage: [Double] = []
        storage.reserveCapacity(table.records.count * featureColumns.count)
        for row in table.records.indices {
            for column in featureColumns { storage.append(try number(table, row: row, column: column, source: source)) }
        }
        return TrainingTable(features: Matrix(rows: table.records.count, columns: featureColumns.count, storage: storage),
                             targets: targets, spec: .columns(names: names, space: space?.name), columnNames: names)
    }

    /// The finite number in one cell.
    private static func number(_ table: CSVTable, row: Int, column: Int, source: String) throws -> Double {
        let cell = table.records[row][column]
        guard let value = Double(cell.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw InputError(source: source, field: "row \(row + 1), column '\(table.header[column])'", "not a finite number: '\(cell)'")
        }
        return value
    }

    /// The table of encoded configurations, duplicates merged.
    private static func encoded(_ table: CSVTable, column: Int, targets: [Double], space: SearchSpace, encoding: FeatureEncoding,
                                source: String) throws -> TrainingTable {
        let configurations = try table.records.enumerated().map { row, record in
            do { return try space.configuration(fromText: record[column], source: source) } catch let error as InputError {
                let inner = error.field.isEmpty ? error.message : "\(error.field): \(error.message)"
                throw InputError(source: source, field: "row \(row + 1), column '\(table.header[column])'", inner)
            }
        }
        let merged = MeasurementTable(configurations: configurations, targets: targets).mergingDuplicates(space: space)
        let features = encoding.features(of: merged.configurations, in: space)
        return TrainingTable(features: features, targets: merged.targets,
                             spec: .configurations(space: space.name, choicesPerGene: space.choicesPerGene, encoding: encoding),
                             columnNames: (0..<features.columns).map { "x\($0)" })
    }
}
