import Foundation

/// Reads the files users hand SwiftNAS, with one error that says what is actually wrong: missing, a folder,
/// unreadable, or (for text) not UTF-8.
public enum InputFile {
    /// The bytes of the file at `path`.
    public static func data(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(source: path, "no such file")
        }
        if isDirectory.boolValue { throw InputError(source: path, "is a folder, not a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(source: path, "cannot be read (check its permissions)")
        }
        return data
    }

    /// The text of the file at `path`, which must be UTF-8.
    public static func text(_ path: String) throws -> String {
        let data = try data(path)
        guard let text = String(data: data, encoding: .utf8) else {
            let binary = data.prefix(4096).contains(0)
            throw InputError(source: path, binary ? "is a binary file, not UTF-8 text" : "is not UTF-8 text")
        }
        return text
    }
}
