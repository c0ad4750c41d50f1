import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet

/// `builtin:lut`: prices configurations of the native super-network's space with per-block latency lookup tables
/// from `swiftnas latency lut build`, so a search can minimise this machine's latency without timing every
/// sub-network — `builtin:lut?latency_lut=lut.json` (metric name = table file, as many as wanted, e.g. one per
/// batch size).
public struct LatencyTableEvaluator: BuiltinEvaluator {
    public static let name = "lut"
    public static let summary = "sums per-block latency lookup tables from `swiftnas latency lut build` (options: metric=lut.json)"

    struct MetricTable: Sendable {
        var table: BlockLatencyTable
        var lookup: BlockLatencyTable.Lookup
    }

    private let tables: [String: MetricTable]
    private let space: SearchSpace
    /// Where `ks`, `e` and `d` start among the genes.
    private let offsets: (ks: Int, e: Int, d: Int)
    public let identity: String
    public var supportedMetrics: Set<String>? { Set(tables.keys) }

    /// Loads the table of every `metric=path` option; each must be for `space` (same name, and its slots and
    /// choices those of the space's `ks`, `e` and `d`).
    public init(space: SearchSpace, options: EvaluatorOptions) throws {
        guard !options.isEmpty else {
            throw InputError(source: "--evaluator", "builtin:lut needs at least one metric=table-file option, e.g. builtin:lut?latency_lut=lut.json")
        }
        func parameter(_ name: String) throws -> (offset: Int, parameter: Parameter) {
            guard let index = space.parameterIndex(name) else {
                throw InputError(source: "--evaluator", "builtin:lut prices spaces with ks, e and d genes (fashion_mbv3); '\(space.name)' has no '\(name)'")
            }
            return (space.geneOffsets[index], space.parameters[index])
        }
        let ks = try parameter("ks"), e = try parameter("e"), d = try parameter("d")
        var tables: [String: MetricTable] = [:]
        for (metric, path) in options {
            let (table, lookup) = try BlockLatencyTable.load(path: path)
            guard table.space == space.name else {
                throw InputError(source: path, field: "space", "the table is for space '\(table.space)', the search explores '\(space.name)'")
            }
            let slots = table.stages * table.maxDepth
            guard ks.parameter.count == slots, e.parameter.count == slots, d.parameter.count == table.stages else {
                throw InputError(source: path, field: "blocks", "the table has \(slots) slots in \(table.stages) stages; the space's ks, e, d have \(ks.parameter.count), \(e.parameter.count), \(d.parameter.count) genes")
            }
            for (name, p, allowed) in [("ks", ks.parameter, table.kernelSizes), ("e", e.parameter, table.expandRatios), ("d", d.parameter, Array(1...table.maxDepth))] {
                for value in p.values where !allowed.contains(Int(value.number ?? .nan)) {
                    throw InputError(source: path, field: name == "d" ? "maxDepth" : (name == "ks" ? "kernelSizes" : "expandRatios"),
                                     "the space's \(name) value \(value) is not in the table's \(allowed)")
                }
            }
            tables[metric] = MetricTable(table: table, lookup: lookup)
        }
        self.tables = tables
        self.space = space
        offsets = (ks.offset, e.offset, d.offset)
        identity = "builtin:lut?" + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    /// The sub-network of `configuration` (the space's values of `ks`, `e` and `d`).
    func subnet(_ configuration: Configuration, stages: Int, slots: Int) -> SubnetConfig {
        func values(_ offset: Int, _ count: Int) -> [Int] {
            (offset..<(offset + count)).map { gene in
                let parameter = space.parameters[space.geneOffsets.lastIndex { $0 <= gene }!]
                return Int(parameter.values[configuration.indices[gene]].number!)
            }
        }
        return SubnetConfig(kernelSizes: values(offsets.ks, slots), expandRatios: values(offsets.e, slots), depths: values(offsets.d, stages))
    }

    public func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        var values: [String: Double] = [:]
        for metric in metrics {
            guard let entry = tables[metric] else { throw EvaluationFailure("no latency table for metric '\(metric)'") }
            let config = subnet(configuration, stages: entry.table.stages, slots: entry.table.stages * entry.table.maxDepth)
            values[metric] = entry.table.predict(config, lookup: entry.lookup)
        }
        return values
    }
}
