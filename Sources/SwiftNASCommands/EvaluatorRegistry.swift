import SwiftNASCore
import SwiftNASCosts
import SwiftNASEvaluation
import SwiftNASFashion
import SwiftNASLatency
import SwiftNASSpace

/// Every built-in evaluator, selectable as `--evaluator builtin:NAME` (options: `builtin:NAME?key=value&...`).
enum EvaluatorRegistry {
    static let builtins: [any BuiltinEvaluator.Type] = [
        CountsEvaluator.self,
        FittedModelEvaluator.self,
        LatencyTableEvaluator.self,
        FashionMBV3Evaluator.self,
    ]

    /// Creates the built-in evaluator that `spec` names (`builtin:counts`, `builtin:x?threads=2`) for `space`.
    static func builtin(_ spec: String, space: SearchSpace, source: String = "--evaluator") throws -> any Evaluator {
        let body = spec.dropFirst("builtin:".count)
        let parts = body.split(separator: "?", maxSplits: 1)
        let name = parts.first.map(String.init) ?? ""
        var options: EvaluatorOptions = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { throw InputError(source: source, field: String(pair), "options are key=value pairs joined by '&'") }
                options[String(kv[0])] = String(kv[1])
            }
        }
        var names: [String] = []
        for type in builtins {
            if type.name == name { return try type.init(space: space, options: options) }
            names.append(type.name)
        }
        throw InputError(source: source, "unknown built-in evaluator '\(name)' (choose from \(names.isEmpty ? "none yet" : names.joined(separator: ", ")))")
    }
}
