import Foundation
import SwiftNASCore
import SwiftNASSpace

/// Measured sub-networks read from a CSV file: one configuration and one target value per row.
///
/// Two layouts are read. DyNAS-T's (`Sub-network` column holding a Python dict literal such as
/// `{'wid': None, 'ks': [...], 'e': [...], 'd': [...], 'r': [224]}`, metric columns such as `Top-1 Acc (%)`,
/// `MACs`, `Latency (ms)`) and SwiftNAS's (`config` column holding configuration JSON, one column per metric
/// named as the metric).
public struct MeasurementTable: Sendable {
    /// The column that holds configurations in DyNAS-T's results files.
    public static let dynastConfigurationColumn = "Sub-network"
    /// The column that holds configurations in SwiftNAS's files.
    public static let configurationColumn = "config"

    /// The configuration of each row.
    public var configurations: [Configuration]
    /// The target value of each row.
    public var targets: [Double]

    /// Rows as given.
    public init(configurations: [Configuration], targets: [Double]) {
        precondition(configurations.count == targets.count, "one target per configuration")
        self.configurations = configurations
        self.targets = targets
    }

    /// Reads the file at `path`: configurations of `space` and the numeric column `target`.
    public static func load(path: String, space: SearchSpace, target: String, minimumRows: Int = 1) throws -> MeasurementTable {
        try parse(InputFile.text(path), source: path, space: space, target: target, minimumRows: minimumRows)
    }

    /// Parses CSV text; `source` names it in errors (which give the line and column of a bad cell).
    public static func parse(_ text: String, source: String, space: SearchSpace, target: String, minimumRows: Int = 1) throws -> MeasurementTable {
        let table = try CSVTable(parsing: text, source: source)
        guard let configColumn = table.header.firstIndex(of: configurationColumn) ?? table.header.firstIndex(of: dynastConfigurationColumn) else {
            throw InputError(source: source, field: "header",
                             "no '\(configurationColumn)' or '\(dynastConfigurationColumn)' column (columns: \(table.header.joined(separator: ", ")))")
        }
        guard let targetColumn = table.header.firstIndex(of: target) else {
            throw InputError(source: source, field: "header", "no column '\(target)' (columns: \(table.header.joined(separator: ", ")))")
        }
        guard table.records.count >= minimumRows else {
            throw InputError(source: source, "has \(table.records.count) data rows, at least \(minimumRows) are needed")
        }
        var configurations: [Configuration] = []
        var targets: [Double] = []
        configurations.reserveCapacity(table.records.count)
        targets.reserveCapacity(table.records.count)
        for (index, record) in table.records.enumerated() {
            let row = "row \(index + 1)"
            let cell = record[configColumn]
            do {
                configurations.append(try space.configuration(fromText: cell, source: source))
            } catch let error as InputError {
                let inner = error.field.isEmpty ? error.message : "\(error.field): \(error.message)"
                throw InputError(source: source, field: "\(row), column '\(table.header[configColumn])'", inner)
            }
            let text = record[targetColumn].trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value.isFinite else {
                throw InputError(source: source, field: "\(row), column '\(target)'", "not a finite number: '\(record[targetColumn])'")
            }
            targets.append(value)
        }
        return MeasurementTable(configurations: configurations, targets: targets)
    }

    /// The table with rows describing the same sub-network (equal `space.hash(of:)`) merged into one row
    /// holding the mean target, in order of first appearance.
    public func mergingDuplicates(space: SearchSpace) -> MeasurementTable {
        let activity = GeneActivity(space: space)
        var position: [String: Int] = [:]
        var merged: [Configuration] = []
        var sums: [Double] = []
        var counts: [Double] = []
        for (configuration, target) in zip(configurations, targets) {
            let key = space.hash(of: configuration, activity: activity)
            if let existing = position[key] {
                sums[existing] += target
                counts[existing] += 1
            } else {
                position[key] = merged.count
                merged.append(space.canonical(configuration, activity: activity))
                sums.append(target)
                counts.append(1)
            }
        }
        return MeasurementTable(configurations: merged, targets: zip(sums, counts).map { $0 / $1 })
    }
}

/// How configurations become predictor features.
public enum FeatureEncoding: String, Sendable, Hashable, CaseIterable {
    /// One slot per value of each gene, inactive genes all zero (DyNAS-T's `onehot_generic`; 135 for OFA-MobileNetV3).
    case onehot
    /// Each gene's numeric value, inactive genes zero.
    case ordinal

    /// The feature matrix of `configurations` (one row each).
    public func features(of configurations: [Configuration], in space: SearchSpace) -> Matrix {
        let activity = GeneActivity(space: space)
        let rows = configurations.map { configuration -> [Double] in
            switch self {
            case .onehot: return space.oneHotFeatures(of: configuration, activity: activity)
            case .ordinal: return space.ordinalFeatures(of: configuration, activity: activity)
            }
        }
        let width = self == .onehot ? space.choicesPerGene.reduce(0, +) : space.geneCount
        return Matrix(rowArrays: rows, columns: width)
    }
}
