import SwiftNASCore
import SwiftNASSpace

/// The evaluator kinds a search can name with `--evaluator`: every registered `BuiltinEvaluator` as
/// `builtin:NAME[?key=value&...]`, and any other text as a command speaking evaluator protocol v1
/// (`ProcessEvaluator`).
public struct EvaluatorRegistry: Sendable {
    /// The built-in evaluators, in listing order.
    public var builtins: [any BuiltinEvaluator.Type]

    /// A registry of `builtins`.
    public init(_ builtins: [any BuiltinEvaluator.Type]) { self.builtins = builtins }

    /// How `--evaluator` is written, generated from the registered kinds (for help texts).
    public var syntax: String {
        (builtins.map { "builtin:\($0.name)" } + ["a command speaking evaluator protocol v1 (run without a shell)"])
            .joined(separator: ", ")
    }

    /// One line per kind with its summary (for listings).
    public var listing: [(name: String, summary: String)] {
        builtins.map { ("builtin:\($0.name)", $0.summary) }
            + [("COMMAND ...", "any program speaking evaluator protocol v1 over stdin/stdout (python/swiftnas_evaluator.py)")]
    }

    /// Creates and starts the evaluator `spec` names for `space` (of `supernetwork` when it is a registered
    /// one). The caller owns it and calls `shutdown()` when done.
    public func make(
        _ spec: String, space: SearchSpace, supernetwork: (any Supernetwork)?, process: ProcessEvaluatorSettings = .init(),
        source: String = "--evaluator"
    ) async throws -> any Evaluator {
        switch try EvaluatorSpec(parsing: spec, source: source) {
        case .builtin(let name, let options):
            guard let type = builtins.first(where: { $0.name == name }) else {
                throw InputError(source: source, "unknown built-in evaluator '\(name)' (choose from \(builtins.isEmpty ? "none yet" : builtins.map { $0.name }.joined(separator: ", ")))")
            }
            return try type.init(space: space, supernetwork: supernetwork, options: options)
        case .command(let line):
            let evaluator = try ProcessEvaluator(command: line, space: space, settings: process, source: source)
            try await evaluator.start(source: source)
            return evaluator
        }
    }
}

/// An `--evaluator` value, parsed: `builtin:NAME?key=value&...` or a command line.
public enum EvaluatorSpec: Sendable, Equatable {
    /// A built-in evaluator and its options.
    case builtin(name: String, options: EvaluatorOptions)
    /// A program to run.
    case command(String)

    /// The prefix that selects a built-in evaluator.
    public static let builtinPrefix = "builtin:"

    /// Parses `text`; malformed options are an `InputError` naming `source`.
    public init(parsing text: String, source: String = "--evaluator") throws {
        guard text.hasPrefix(Self.builtinPrefix) else {
            self = .command(text)
            return
        }
        let parts = text.dropFirst(Self.builtinPrefix.count).split(separator: "?", maxSplits: 1)
        var options: EvaluatorOptions = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { throw InputError(source: source, field: String(pair), "options are key=value pairs joined by '&'") }
                options[String(kv[0])] = String(kv[1])
            }
        }
        self = .builtin(name: parts.first.map(String.init) ?? "", options: options)
    }
}
