import Foundation
import SwiftNASCore
import SwiftNASSpace

/// A weight-sharing super-network SwiftNAS can search: its name, its search space, what it costs and how its
/// sub-networks are measured by default.
///
/// Adding a super-network is one conforming type (or one more value of an existing type, such as a width
/// variant) plus its line in the registry's `supernetworks` list. Further abilities are protocols that refine
/// this one — `TrainableSupernetwork` (SwiftNASSupernet) for `swiftnas supernet`, `LatencyTableSupernetwork`
/// (SwiftNASLatency) for `swiftnas latency lut` and `builtin:lut` — so commands ask the registry which
/// super-networks offer them instead of naming any.
public protocol Supernetwork: Sendable {
    /// The name users select it by (`--supernet NAME`), also its space's name.
    var name: String { get }
    /// One line for listings.
    var summary: String { get }
    /// The sub-networks it holds.
    var space: SearchSpace { get }
    /// Its exact analytic cost model (`builtin:counts`), or nil when it has none.
    func costModel() throws -> (any CostModel)?
    /// The evaluator a search uses when none is named (`builtin:counts`, `builtin:fashion_mbv3`).
    var defaultEvaluator: String { get }
    /// How tables of measurements (`builtin:table`) name its sub-networks besides a `config` column, or nil.
    var tableKey: TableKey? { get }
}

extension Supernetwork {
    /// No analytic cost model.
    public func costModel() throws -> (any CostModel)? { nil }
    /// Exact cost counts: the one measurement every registered super-network with a cost model offers.
    public var defaultEvaluator: String { "builtin:counts" }
    /// Tables name its sub-networks by configuration JSON only.
    public var tableKey: TableKey? { nil }
}

/// The super-networks a search can name, in listing order.
public struct SupernetworkRegistry: Sendable {
    /// Every registered super-network.
    public var all: [any Supernetwork]

    /// A registry of `supernetworks`.
    public init(_ supernetworks: [any Supernetwork]) { all = supernetworks }

    /// The super-network called `name`, or nil.
    public func named(_ name: String) -> (any Supernetwork)? { all.first { $0.name == name } }

    /// The registered super-network whose space `space` is (same name and genes), or nil: a user's space file
    /// that merely reuses a registered name is not that super-network.
    public func owning(_ space: SearchSpace) -> (any Supernetwork)? {
        named(space.name).flatMap { $0.space == space ? $0 : nil }
    }

    /// The super-network called `name`; an `InputError` naming `source` otherwise.
    public func require(_ name: String, source: String = "--supernet") throws -> any Supernetwork {
        guard let found = named(name) else {
            throw InputError(source: source, "unknown super-network '\(name)' (choose from \(all.map(\.name).joined(separator: ", ")); see `swiftnas spaces`)")
        }
        return found
    }

    /// A built-in name, or a path to a space file, as one argument (`--space NAME|FILE`).
    public func space(nameOrPath: String, source: String) throws -> SearchSpace {
        if let supernetwork = named(nameOrPath) { return supernetwork.space }
        if FileManager.default.fileExists(atPath: nameOrPath) { return try SpaceFile.load(nameOrPath) }
        throw InputError(source: source, "'\(nameOrPath)' is neither a registered super-network (\(all.map(\.name).joined(separator: ", "))) nor a space file")
    }
}
