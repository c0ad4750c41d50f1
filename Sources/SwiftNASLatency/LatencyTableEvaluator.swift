import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet

/// `builtin:lut`: prices configurations of a native (engine-built) super-network's space with per-block latency lookup tables
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
    /// The super-network whose blocks the tables time.
    private let plan: SupernetPlan
    public let identity: String
    public var supportedMetrics: Set<String>? { Set(tables.keys) }

    /// Loads the table of every `metric=path` option; each must be for `space` (same name, and its slots and
    /// choices those of the space's `ks`, `e` and `d`).
    public init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {
        guard !options.isEmpty else {
            throw InputError(source: "--evaluator", "builtin:lut needs at least one metric=table-file option, e.g. builtin:lut?latency_lut=lut.json")
        }
        guard let plan = (supernetwork as? any ElasticSupernetwork)?.plan else {
            throw InputError(source: "--evaluator", "builtin:lut prices the spaces of native super-networks built by SwiftNAS's engine; '\(space.name)' is not one")
        }
        func parameter(_ name: String) throws -> Parameter {
            guard let index = space.parameterIndex(name) else {
                throw InputError(source: "--evaluator", "builtin:lut prices spaces with ks, e and d genes; '\(space.name)' has no '\(name)'")
            }
            return space.parameters[index]
        }
        let ks = try parameter("ks"), e = try parameter("e"), d = try parameter("d")
        var tables: [String: MetricTable] = [:]
        for (metric, path) in options {
            let (table, lookup) = try BlockLatencyTable.load(path: path)
            guard table.space == space.name else {
                throw InputError(source: path, field: "space", "the table is for space '\(table.space)', the search explores '\(space.name)'")
            }
            guard table.planSignature == plan.signature else {
                throw InputError(source: path, field: "planSignature", "the table was timed on another super-network (\(table.planSignature)); rebuild it")
            }
            let slots = table.stages * table.maxDepth
            guard ks.count == slots, e.count == slots, d.count == table.stages else {
                throw InputError(source: path, field: "blocks", "the table has \(slots) slots in \(table.stages) stages; the space's ks, e, d have \(ks.count), \(e.count), \(d.count) genes")
            }
            for (name, p, allowed) in [("ks", ks, table.kernelSizes), ("e", e, table.expandRatios), ("d", d, Array(1...table.maxDepth))] {
                for value in p.values where !allowed.contains(Int(value.number ?? .nan)) {
                    throw InputError(source: path, field: name == "d" ? "maxDepth" : (name == "ks" ? "kernelSizes" : "expandRatios"),
                                     "the space's \(name) value \(value) is not in the table's \(allowed)")
                }
            }
            tables[metric] = MetricTable(table: table, lookup: lookup)
        }
        self.tables = tables
        self.space = space
        self.plan = plan
        identity = "builtin:lut?" + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    public func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        var values: [String: Double] = [:]
        for metric in metrics {
            guard let entry = tables[metric] else { throw EvaluationFailure("no latency table for metric '\(metric)'") }
            let config: SubnetConfig
            do { config = try SubnetConfig(configuration, in: space, plan: plan, source: "configuration") } catch {
                throw EvaluationFailure("\(error)")
            }
            values[metric] = entry.table.predict(config, lookup: entry.lookup)
        }
        return values
    }
}
