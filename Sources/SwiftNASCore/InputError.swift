/// A problem with something the user gave SwiftNAS: a file, a flag, a protocol line or a checkpoint.
///
/// The command line prints `description` as one line and exits with status 2. `source` names the file
/// (or flag, or stream) and `field` the part of it that is wrong, so the user can go straight to it.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file path, flag (`--algorithm`) or stream (`evaluator stdout`) the bad input came from.
    public var source: String
    /// The field inside `source` that is wrong (`parameters[2].values`), or empty when the whole source is.
    public var field: String
    /// What is wrong, in a few words.
    public var message: String

    public init(source: String, field: String = "", _ message: String) {
        self.source = source
        self.field = field
        self.message = message
    }

    public var description: String {
        field.isEmpty ? "\(source): \(message)" : "\(source): \(field): \(message)"
    }

    /// The process exit status for bad input.
    public static let exitCode: Int32 = 2
}
