import Foundation
import SwiftNASCore
import SwiftNASSpace

/// How the rows of a table of measurements name a super-network's sub-networks, besides a `config` column of
/// configuration JSON (NAS-Bench-201: its `arch` string).
public struct TableKey: Sendable {
    /// The column holding the key.
    public var column: String
    /// The key of a configuration of the space.
    public var key: @Sendable (SearchSpace, Configuration) -> String

    public init(column: String, key: @escaping @Sendable (SearchSpace, Configuration) -> String) {
        self.column = column
        self.key = key
    }
}

/// `builtin:table?file=rows.csv`: answers from a CSV of sub-networks measured beforehand (NAS-Bench-201,
/// HW-NAS-Bench, your own sweep). A row is found by its `config` column (configuration JSON) or, when the table has
/// none, by the key column the super-network defines (`arch` for `nasbench201`); every other column is a metric
/// by its name and must hold numbers. A configuration the table lacks is a failed evaluation saying so.
public struct TableEvaluator: BuiltinEvaluator {
    public static let name = "table"
    public static let summary = "answers from a CSV of measured sub-networks (?file=rows.csv; rows keyed by a config column or the space's key, e.g. arch)"

    public let identity: String
    public let supportedMetrics: Set<String>?
    let space: SearchSpace
    let file: String
    /// The key column's way of naming a configuration; nil: rows are keyed by the configuration's hash.
    let key: TableKey?
    let columns: [String]
    /// Each row's metric values, in file order.
    let rows: [[Double]]
    /// The row of each key.
    let rowOfKey: [String: Int]

    public init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {
        let source = "--evaluator"
        if let unknown = options.keys.sorted().first(where: { $0 != "file" }) {
            throw InputError(source: source, field: unknown, "builtin:table has one option, file (builtin:table?file=rows.csv)")
        }
        guard let file = options["file"], !file.isEmpty else {
            throw InputError(source: source, field: "file", "builtin:table needs the table: builtin:table?file=rows.csv (a CSV of measured sub-networks)")
        }
        let table = try CSVTable(parsing: try InputFile.text(file), source: file)
        let keyColumn: Int
        if let config = table.header.firstIndex(of: "config") {
            keyColumn = config
            key = nil
        } else if let spaceKey = supernetwork?.tableKey, let column = table.header.firstIndex(of: spaceKey.column) {
            keyColumn = column
            key = spaceKey
        } else {
            let expected = ["config"] + (supernetwork?.tableKey.map { [$0.column] } ?? [])
            throw InputError(source: file, field: "header", "no key column: the table needs \(expected.map { "'\($0)'" }.joined(separator: " or ")) to find \(space.name)'s sub-networks")
        }
        let metricColumns = table.header.indices.filter { $0 != keyColumn }
        if metricColumns.isEmpty { throw InputError(source: file, field: "header", "no metric columns beside '\(table.header[keyColumn])'") }
        if let repeated = Dictionary(grouping: table.header, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw InputError(source: file, field: "header", "column '\(repeated)' appears twice")
        }
        var rows: [[Double]] = []
        var rowOfKey: [String: Int] = [:]
        rows.reserveCapacity(table.records.count)
        for (index, record) in table.records.enumerated() {
            let row = "row \(index + 1)"
            var values: [Double] = []
            values.reserveCapacity(metricColumns.count)
            for column in metricColumns {
                let cell = record[column].trimmingCharacters(in: .whitespaces)
                guard let value = Double(cell) else {
                    throw InputError(source: file, field: "\(row), column '\(table.header[column])'", "not a number: '\(cell.prefix(40))'")
                }
                values.append(value)
            }
            let rowKey: String
            if key == nil {
                rowKey = space.hash(of: try space.configuration(fromText: record[keyColumn], source: "\(file) \(row) config"))
            } else {
                rowKey = record[keyColumn]
            }
            if let first = rowOfKey[rowKey] {
                throw InputError(source: file, field: row, "the same sub-network as row \(first + 1) ('\(table.header[keyColumn])' repeats)")
            }
            rowOfKey[rowKey] = index
            rows.append(values)
        }
        self.space = space
        self.file = file
        self.columns = metricColumns.map { table.header[$0] }
        self.rows = rows
        self.rowOfKey = rowOfKey
        supportedMetrics = Set(columns)
        identity = "builtin:table?file=\(file)"
    }

    public func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        let rowKey = key?.key(space, configuration) ?? space.hash(of: configuration)
        guard let values = rowOfKey[rowKey].map({ rows[$0] }) else {
            throw EvaluationFailure("not in the table \(file): no row for \(key == nil ? space.json(of: configuration) : rowKey)")
        }
        var result: [String: Double] = [:]
        for metric in metrics {
            if let column = columns.firstIndex(of: metric) { result[metric] = values[column] }
        }
        return result
    }
}
