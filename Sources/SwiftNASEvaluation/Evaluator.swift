import SwiftNASCore
import SwiftNASSpace

/// Measures sub-networks: the third stage of the data flow (space → algorithm → evaluator → store → report).
///
/// An evaluator receives one configuration and the metric names wanted, and returns a value for each.
/// It may be slow (training-free accuracy on a validation set, latency on a device), remote, or a process in
/// another language (`ProcessEvaluator`); the search runs several evaluations concurrently.
public protocol Evaluator: Sendable {
    /// A short description for logs and the store (`builtin:counts`, `python3 eval.py`).
    var identity: String { get }
    /// The metrics this evaluator can measure, or nil when it measures whatever it is asked for.
    var supportedMetrics: Set<String>? { get }
    /// Measures `metrics` for `configuration`. Throws `EvaluationFailure` when the measurement fails; the
    /// search records the reason and goes on.
    func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double]
    /// Releases what the evaluator holds (child processes, connections); called once when the search or
    /// evaluation run ends, whatever the outcome.
    func shutdown() async
}

extension Evaluator {
    /// Nothing to release.
    public func shutdown() async {}
}

/// Why one evaluation failed (the search records it and continues).
public struct EvaluationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Options given to a built-in evaluator after its name (`builtin:fashion_mbv3?batch=1&threads=2`).
public typealias EvaluatorOptions = [String: String]

/// An evaluator written in Swift that users select as `builtin:NAME`.
///
/// Adding one is a new conforming type plus its line in the registry's `evaluators` list
/// (`EvaluatorRegistry`).
public protocol BuiltinEvaluator: Evaluator {
    /// The name after `builtin:`.
    static var name: String { get }
    /// One line for listings.
    static var summary: String { get }
    /// Creates the evaluator for `space`, the space of `supernetwork` when the search names a registered one;
    /// throws `InputError` when it cannot serve that space or an option is wrong.
    init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws
}

/// Checks that every metric asked for is one the evaluator can measure, naming `source` in the error.
public func checkMetrics(_ metrics: [String], supportedBy evaluator: any Evaluator, source: String) throws {
    guard let supported = evaluator.supportedMetrics else { return }
    for metric in metrics where !supported.contains(metric) {
        throw InputError(source: source, field: metric,
                         "\(evaluator.identity) cannot measure '\(metric)' (it measures \(supported.sorted().joined(separator: ", ")))")
    }
}
