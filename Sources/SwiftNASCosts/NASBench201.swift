import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace

/// NAS-Bench-201's cell (Dong & Yang, ICLR 2020): 6 edges, each one of 5 operations — 15 625 cells, every one
/// trained and timed for real by the benchmark's authors. It has no analytic cost model: its sub-networks are
/// measured by a table of those results (`builtin:table?file=rows.csv`, rows keyed by NAS-Bench-201's `arch`
/// string or a `config` column).
///
/// Genes are in the order of the `arch` string `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`: edges 1←0; 2←0, 2←1; 3←0,
/// 3←1, 3←2.
public struct NASBench201: Supernetwork {
    /// The operations of an edge, in NAS-Bench-201's order.
    public static let operations = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
    /// The input node of each edge, in gene order.
    static let inputs = [0, 0, 1, 0, 1, 2]

    public let name = "nasbench201"
    public let summary = "NAS-Bench-201's cell, 6 edges × 5 operations (15 625 cells), measured by a table: builtin:table?file=rows.csv (key: arch)"
    public let space: SearchSpace
    public var defaultEvaluator: String { "builtin:table" }

    public init() {
        do {
            space = try SearchSpace(name: name, parameters: [Parameter(name: "op", count: 6, values: Self.operations.map { .string($0) })])
        } catch {
            preconditionFailure("the nasbench201 space is malformed: \(error)")
        }
    }

    public var tableKey: TableKey? {
        TableKey(column: "arch") { space, configuration in Self.arch(of: configuration, in: space) }
    }

    /// NAS-Bench-201's `arch` string of a cell.
    public static func arch(of configuration: Configuration, in space: SearchSpace) -> String {
        let values = space.parameters[0].values
        let edges = zip(configuration.indices, inputs).map { "\(values[$0].description)~\($1)" }
        return "|\(edges[0])|+|\(edges[1])|\(edges[2])|+|\(edges[3])|\(edges[4])|\(edges[5])|"
    }
}
