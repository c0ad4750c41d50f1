/// A parsed JSON or Python literal value, keeping object keys in order and ints apart from floats.
///
/// One parser reads both our JSON configurations and DyNAS-T's CSV cells, which hold Python dict literals
/// (`{'ks': [3, 5], 'wid': None}`): single or double quotes, `None`/`null`, `True`/`true`.
public indirect enum Literal: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Literal])
    case object([(key: String, value: Literal)])

    public static func == (a: Literal, b: Literal) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let v): hasher.combine(v)
        case .int(let v): hasher.combine(v)
        case .double(let v): hasher.combine(v)
        case .string(let v): hasher.combine(v)
        case .array(let v): hasher.combine(v)
        case .object(let v): for (k, x) in v { hasher.combine(k); hasher.combine(x) }
        }
    }

    /// The value of `key` when this is an object.
    public subscript(key: String) -> Literal? {
        if case .object(let pairs) = self { return pairs.first { $0.key == key }?.value }
        return nil
    }

    /// A short name of the literal's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// Parses `text` as one JSON or Python literal. Throws `LiteralSyntaxError` with the byte offset.
    public static func parse(_ text: String) throws(LiteralSyntaxError) -> Literal {
        var parser = LiteralParser(Array(text.utf8))
        let value = try parser.value()
        parser.skipSpace()
        if parser.position != parser.bytes.count { throw parser.error("unexpected text after the value") }
        return value
    }

    /// Compact JSON text (keys in order, no spaces), the canonical form used in CSV cells and hashes.
    public var json: String {
        switch self {
        case .null: return "null"
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v):
            if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return String(format: "%.1f", v) }
            return v.isFinite ? "\(v)" : "null"
        case .string(let v): return Literal.quote(v)
        case .array(let v): return "[" + v.map(\.json).joined(separator: ",") + "]"
        case .object(let v): return "{" + v.map { Literal.quote($0.key) + ":" + $0.value.json }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    let padding = String(repeating: "0", count: 4 - hex.count)
                    out += "\\u" + padding + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

import Foundation

/// Where and why a literal failed to parse.
public struct LiteralSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "\(message) at character \(offset + 1)" }
}

/// A recursive-descent parser over UTF-8 bytes for JSON and Python literals.
struct LiteralParser {
    let bytes: [UInt8]
    var position = 0
    var depth = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func error(_ message: String) -> LiteralSyntaxError { LiteralSyntaxError(offset: position, message: message) }

    mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func value() throws(LiteralSyntaxError) -> Literal {
        skipSpace()
        guard position < bytes.count else { throw error("unexpected end of text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try container(close: UInt8(ascii: "}"), isObject: true)
        case UInt8(ascii: "["), UInt8(ascii: "("): return try container(close: bytes[position] == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: ")"), isObject: false)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."): return try number()
        default: return try word()
        }
    }

    mutating func container(close: UInt8, isObject: Bool) throws(LiteralSyntaxError) -> Literal {
        depth += 1
        if depth > 256 { throw error("nesting too deep") }
        defer { depth -= 1 }
        position += 1
        var items: [Literal] = []
        var pairs: [(key: String, value: Literal)] = []
        skipSpace()
        if position < bytes.count, bytes[position] == close {
            position += 1
            return isObject ? .object([]) : .array([])
        }
        while true {
            if isObject {
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'") else {
                    throw error("expected a quoted key")
                }
                let key = try string()
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
                position += 1
                pairs.append((key, try value()))
            } else {
                items.append(try value())
            }
            skipSpace()
            guard position < bytes.count else { throw error("unexpected end of text") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                skipSpace()
                if position < bytes.count, bytes[position] == close { position += 1; break }  // trailing comma (Python)
                continue
            }
            if bytes[position] == close { position += 1; break }
            throw error("expected ',' or '\(Character(Unicode.Scalar(close)))'")
        }
        return isObject ? .object(pairs) : .array(items)
    }

    mutating func string() throws(LiteralSyntaxError) -> String {
        let quote = bytes[position]
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            let b = bytes[position]
            if b == quote { position += 1; return String(decoding: out, as: UTF8.self) }
            if b == UInt8(ascii: "\\") {
                position += 1
                guard position < bytes.count else { break }
                let e = bytes[position]
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard position + 4 < bytes.count,
                          let code = UInt32(String(decoding: bytes[(position + 1)...(position + 4)], as: UTF8.self), radix: 16),
                          let scalar = Unicode.Scalar(code) else { throw error("bad \\u escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    position += 4
                default: out.append(e)
                }
                position += 1
                continue
            }
            out.append(b)
            position += 1
        }
        throw error("unterminated string")
    }

    mutating func number() throws(LiteralSyntaxError) -> Literal {
        let start = position
        var isFloat = false
        while position < bytes.count {
            let b = bytes[position]
            if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") {
                position += 1
            } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                isFloat = true
                position += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !isFloat, let v = Int(text) { return .int(v) }
        if let v = Double(text) { return .double(v) }
        position = start
        throw error("bad number '\(text)'")
    }

    mutating func word() throws(LiteralSyntaxError) -> Literal {
        let start = position
        while position < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[position] | 0x20) { position += 1 }
        switch String(decoding: bytes[start..<position], as: UTF8.self) {
        case "null", "None": return .null
        case "true", "True": return .bool(true)
        case "false", "False": return .bool(false)
        case "NaN", "nan": return .double(.nan)
        case "Infinity", "inf": return .double(.infinity)
        default:
            position = start
            throw error("unexpected character '\(Character(Unicode.Scalar(bytes[start])))'")
        }
    }
}
