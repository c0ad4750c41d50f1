import Foundation

/// The read-only measurements in `../shared/data` beside the package (absent on some machines: tests skip).
enum SharedData {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data")

    static var available: Bool { FileManager.default.fileExists(atPath: root.path) }

    /// The rows of a CSV file under the data folder, as dictionaries keyed by header name.
    static func rows(_ relativePath: String) throws -> [[String: String]] {
        let text = try String(contentsOf: root.appendingPathComponent(relativePath), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map { fields(of: String($0)) }
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst()
        return lines.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// The CSV files of a folder under the data folder, sorted.
    static func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)
            .filter { $0.hasSuffix(".csv") }.sorted().map { "\(folder)/\($0)" }
    }

    /// Splits one CSV line, honouring double-quoted fields.
    static func fields(of line: String) -> [String] {
        var result: [String] = [], field = "", quoted = false
        for character in line {
            switch character {
            case "\"": quoted.toggle()
            case "," where !quoted: result.append(field); field = ""
            default: field.append(character)
            }
        }
        result.append(field)
        return result
    }
}
