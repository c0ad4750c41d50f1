import Foundation
import SwiftNASCore
import SwiftNASSpace

/// A settings file for `swiftnas search` (YAML or JSON); keys in DyNAS-T's underscore or our kebab spelling.
struct ConfigFile {
    var values: [String: Literal]
    var path: String

    static func load(_ path: String) throws -> ConfigFile {
        try parse(InputFile.text(path), source: path, json: path.lowercased().hasSuffix(".json"))
    }

    /// Parses settings text (JSON when `json`, YAML otherwise); `path` names it in errors.
    static func parse(_ text: String, source path: String, json: Bool) throws -> ConfigFile {
        let root: Literal
        if json {
            do { root = try Literal.parse(text) } catch { throw InputError(source: path, "not valid JSON: \(error)") }
        } else {
            root = try SpaceFile.literal(yaml: text, source: path)
        }
        guard case .object(let pairs) = root else { throw InputError(source: path, "must be a mapping of setting names to values") }
        var values: [String: Literal] = [:]
        for (key, value) in pairs {
            let normalized = key.replacingOccurrences(of: "-", with: "_")
            guard known.contains(normalized) else {
                throw InputError(source: path, field: key, "unknown setting (known: \(known.sorted().joined(separator: ", ")))")
            }
            values[normalized] = value
        }
        return ConfigFile(values: values, path: path)
    }

    static let known: Set<String> = [
        "supernet", "space", "optimization_metrics", "measurements", "search_tactic", "search_algo", "num_evals",
        "population", "seed", "results_path", "format", "evaluator", "workers", "constraint", "constraints", "store",
        "resume", "num_evals_inner", "inner_evals", "timeout", "reference", "predictor", "measured_per_iteration",
        "algorithm_option", "algorithm_options", "study", "initial_configs",
    ]

    func string(_ key: String) -> String? {
        switch values[key] {
        case .string(let s)?: return s
        case .int(let v)?: return String(v)
        case .double(let v)?: return String(v)
        default: return nil
        }
    }

    func strings(_ key: String) -> [String]? {
        switch values[key] {
        case .array(let items)?: return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        case .string(let s)?: return s.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        default: return nil
        }
    }

    func int(_ key: String) throws -> Int? {
        guard let value = values[key] else { return nil }
        if case .int(let v) = value { return v }
        throw InputError(source: path, field: key, "must be a whole number")
    }

    func double(_ key: String) throws -> Double? {
        switch values[key] {
        case nil: return nil
        case .int(let v)?: return Double(v)
        case .double(let v)?: return v
        default: throw InputError(source: path, field: key, "must be a number")
        }
    }

    func bool(_ key: String) -> Bool? {
        if case .bool(let b)? = values[key] { return b }
        return nil
    }
}
