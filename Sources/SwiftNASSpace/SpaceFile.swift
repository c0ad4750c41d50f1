import Foundation
import SwiftNASCore
import Yams

/// Reads search spaces from files: JSON, or YAML with the same shape.
///
/// ```json
/// {"name": "my_space",
///  "parameters": [{"name": "ks", "count": 20, "values": [3, 5, 7]}, ...],
///  "depth_rules": [{"depth": "d", "blocks": ["ks", "e"], "stage_blocks": [4, 4, 4, 4, 4]}]}
/// ```
/// `depth_rules` is optional; a block entry may also be `{"name": "q_bits", "offset": 1, "genes_per_block": 6}`,
/// and a rule may give `base_depth` (one per stage) and `first_depth_gene`.
public enum SpaceFile {
    /// Loads and validates the space in `path`. Every problem is an `InputError` naming the file and field.
    public static func load(_ path: String) throws -> SearchSpace {
        let text = try InputFile.text(path)
        let lower = path.lowercased()
        let isYAML = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
        return try parse(text, source: path, yaml: isYAML)
    }

    /// Parses space text; `source` names it in errors.
    public static func parse(_ text: String, source: String, yaml: Bool) throws -> SearchSpace {
        let root: Literal
        if yaml {
            root = try literal(yaml: text, source: source)
        } else {
            do { root = try Literal.parse(text) } catch {
                throw InputError(source: source, "not valid JSON: \(error)")
            }
        }
        return try space(from: root, source: source)
    }

    /// Builds a space from a parsed document.
    public static func space(from root: Literal, source: String) throws -> SearchSpace {
        guard case .object = root else { throw InputError(source: source, "the top level must be an object with 'name' and 'parameters'") }
        let name = try string(root["name"], source: source, field: "name")
        guard case .array(let list)? = root["parameters"] else {
            throw InputError(source: source, field: "parameters", root["parameters"] == nil ? "missing" : "must be a list")
        }
        var parameters: [Parameter] = []
        for (i, entry) in list.enumerated() {
            let field = "parameters[\(i)]"
            guard case .object = entry else { throw InputError(source: source, field: field, "must be an object with name, count, values") }
            let parameterName = try string(entry["name"], source: source, field: "\(field).name")
            let count = try int(entry["count"], source: source, field: "\(field).count")
            guard case .array(let rawValues)? = entry["values"] else {
                throw InputError(source: source, field: "\(field).values", entry["values"] == nil ? "missing" : "must be a list")
            }
            var values: [ParameterValue] = []
            for (j, raw) in rawValues.enumerated() {
                switch raw {
                case .int(let v): values.append(.int(v))
                case .double(let v) where v.isFinite: values.append(.double(v))
                case .string(let v): values.append(.string(v))
                default: throw InputError(source: source, field: "\(field).values[\(j)]", "must be a number or a string, got \(raw.kindName)")
                }
            }
            parameters.append(Parameter(name: parameterName, count: count, values: values))
        }
        var rules: [DepthRule] = []
        if let rawRules = root["depth_rules"] {
            guard case .array(let ruleList) = rawRules else { throw InputError(source: source, field: "depth_rules", "must be a list") }
            for (i, rule) in ruleList.enumerated() {
                rules.append(try depthRule(rule, source: source, field: "depth_rules[\(i)]"))
            }
        }
        return try SearchSpace(name: name, parameters: parameters, depthRules: rules, source: source)
    }

    static func depthRule(_ rule: Literal, source: String, field: String) throws -> DepthRule {
        guard case .object = rule else { throw InputError(source: source, field: field, "must be an object") }
        let depth = try string(rule["depth"], source: source, field: "\(field).depth")
        guard case .array(let rawBlocks)? = rule["blocks"] else { throw InputError(source: source, field: "\(field).blocks", "must be a list") }
        var blocks: [DepthRule.BlockParameter] = []
        for (j, raw) in rawBlocks.enumerated() {
            let blockField = "\(field).blocks[\(j)]"
            if case .string(let name) = raw {
                blocks.append(.init(name))
            } else if case .object = raw {
                blocks.append(.init(
                    try string(raw["name"], source: source, field: "\(blockField).name"),
                    offset: try raw["offset"].map { try int($0, source: source, field: "\(blockField).offset") } ?? 0,
                    genesPerBlock: try raw["genes_per_block"].map { try int($0, source: source, field: "\(blockField).genes_per_block") } ?? 1))
            } else {
                throw InputError(source: source, field: blockField, "must be a parameter name or an object")
            }
        }
        let stageBlocks = try intList(rule["stage_blocks"], source: source, field: "\(field).stage_blocks")
        let base = try rule["base_depth"].map { try intList($0, source: source, field: "\(field).base_depth") }
        let first = try rule["first_depth_gene"].map { try int($0, source: source, field: "\(field).first_depth_gene") } ?? 0
        return DepthRule(depthParameter: depth, blockParameters: blocks, stageBlocks: stageBlocks, baseDepth: base, firstDepthGene: first)
    }

    static func string(_ value: Literal?, source: String, field: String) throws -> String {
        guard let value else { throw InputError(source: source, field: field, "missing") }
        guard case .string(let s) = value else { throw InputError(source: source, field: field, "must be a string, got \(value.kindName)") }
        return s
    }

    static func int(_ value: Literal?, source: String, field: String) throws -> Int {
        guard let value else { throw InputError(source: source, field: field, "missing") }
        switch value {
        case .int(let v): return v
        case .double(let v) where v == v.rounded() && abs(v) < 1e15: return Int(v)
        default: throw InputError(source: source, field: field, "must be a whole number, got \(value.kindName == "a number" ? value.json : value.kindName)")
        }
    }

    static func intList(_ value: Literal?, source: String, field: String) throws -> [Int] {
        guard case .array(let items)? = value else { throw InputError(source: source, field: field, value == nil ? "missing" : "must be a list") }
        return try items.enumerated().map { try int($1, source: source, field: "\(field)[\($0)]") }
    }

    /// The most values a YAML document may expand to: aliases repeat what they name without copying it in the
    /// text, so a few lines of nested aliases can stand for billions of values.
    public static let maximumYAMLValues = 250_000
    /// The deepest nesting of lists and mappings read from YAML (as `Literal.parse` allows for JSON).
    public static let maximumYAMLDepth = 256

    /// Parses the first YAML document of `text` into a literal (mapping keys sorted, for determinism; `<<` merge
    /// keys applied). Not valid YAML, a key that is a list or a mapping, nesting deeper than `maximumYAMLDepth`
    /// or more than `maximumYAMLValues` values once aliases are expanded is an `InputError` naming `source`.
    ///
    /// This reads Yams' node tree itself rather than `Yams.load`, which traps on a mapping key that is not a
    /// plain value (`? [a]: 1`) and expands aliases without limit.
    public static func literal(yaml text: String, source: String) throws -> Literal {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw InputError(source: source, "not valid YAML: \(error)")
        }
        guard let node else { return .null }
        var budget = maximumYAMLValues
        return try literal(fromYAML: node, source: source, path: "", depth: 0, budget: &budget)
    }

    static func literal(fromYAML node: Node, source: String, path: String, depth: Int, budget: inout Int) throws -> Literal {
        budget -= 1
        guard budget >= 0 else {
            throw InputError(source: source, field: path, "the YAML expands to more than \(maximumYAMLValues) values (aliases repeating aliases)")
        }
        guard depth <= maximumYAMLDepth else {
            throw InputError(source: source, field: path, "lists and mappings nested more than \(maximumYAMLDepth) deep")
        }
        switch node {
        case .scalar:
            return literal(fromYAML: Constructor.default.any(from: node))
        case .alias:  // `compose` resolves aliases to the nodes they name; kept for completeness
            throw InputError(source: source, field: path, "an unresolved YAML alias")
        case .sequence(let sequence):
            return .array(try sequence.enumerated().map { index, item in
                try literal(fromYAML: item, source: source, path: "\(path)[\(index)]", depth: depth + 1, budget: &budget)
            })
        case .mapping(let mapping):
            var values: [String: Literal] = [:]
            for (key, value) in try pairs(of: mapping, source: source, path: path, depth: depth) {
                let field = path.isEmpty ? key : "\(path).\(key)"
                values[key] = try literal(fromYAML: value, source: source, path: field, depth: depth + 1, budget: &budget)
            }
            return .object(values.keys.sorted().map { ($0, values[$0]!) })
        }
    }

    /// A mapping's pairs with `<<` merges applied (merged pairs first, so the mapping's own keys win), keys as text.
    static func pairs(of mapping: Node.Mapping, source: String, path: String, depth: Int) throws -> [(String, Node)] {
        guard depth <= maximumYAMLDepth else {
            throw InputError(source: source, field: path, "merge keys nested more than \(maximumYAMLDepth) deep")
        }
        var merged: [(String, Node)] = []
        var own: [(String, Node)] = []
        for (key, value) in mapping {
            if key.tag.rawValue == Tag.Name.merge.rawValue {
                switch value {
                case .mapping(let inner): merged += try pairs(of: inner, source: source, path: path, depth: depth + 1)
                case .sequence(let list):
                    for case .mapping(let inner) in list.reversed() { merged += try pairs(of: inner, source: source, path: path, depth: depth + 1) }
                default: throw InputError(source: source, field: path.isEmpty ? "<<" : "\(path).<<", "a merge key must name a mapping or a list of mappings")
                }
                continue
            }
            guard case .scalar(let scalar) = key else {
                throw InputError(source: source, field: path.isEmpty ? "(top level)" : path, "a mapping key must be a plain value, not a list or a mapping")
            }
            own.append((scalar.string, value))
        }
        return merged + own
    }

    /// Converts a value Yams constructs into a literal (object keys sorted, for determinism).
    public static func literal(fromYAML value: Any?) -> Literal {
        switch value {
        case nil: return .null
        case let v as Bool: return .bool(v)
        case let v as Int: return .int(v)
        case let v as Double: return .double(v)
        case let v as String: return .string(v)
        case let v as [Any]: return .array(v.map { literal(fromYAML: $0) })
        case let v as [String: Any]: return .object(v.keys.sorted().map { ($0, literal(fromYAML: v[$0])) })
        case let v as [AnyHashable: Any]: return .object(v.keys.map { "\($0)" }.sorted().map { key in (key, literal(fromYAML: v.first { "\($0.key)" == key }?.value)) })
        default: return .string("\(value!)")
        }
    }
}
