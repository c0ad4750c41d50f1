import Foundation

/// Runs the built `swiftnas` binary (`CrashResumeTests.binary`) and collects what it printed.
enum SwiftNASBinary {
    /// Exit status and output of one run.
    struct Outcome {
        var status: Int32
        var stderr: String
        var stdout: String
    }

    /// Runs `swiftnas arguments…` (or `executable prefix… arguments… suffix…`) in `directory` and waits for it.
    static func run(_ arguments: [String], in directory: URL, executable: String? = nil, prefix: [String] = [], suffix: [String] = []) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? CrashResumeTests.binary!)
        process.arguments = prefix + arguments + suffix
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stderr: String(decoding: stderr, as: UTF8.self),
                       stdout: String(decoding: stdout, as: UTF8.self))
    }
}
