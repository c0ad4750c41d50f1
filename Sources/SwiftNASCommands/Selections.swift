import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace

/// Resolves `--supernet NAME` / `--space FILE` into a search space.
enum SpaceSelection {
    static func resolve(supernet: String?, spaceFile: String?) throws -> SearchSpace {
        switch (supernet, spaceFile) {
        case (let name?, nil):
            guard let space = BuiltinSpaces.named(name) else {
                throw InputError(source: "--supernet", "unknown super-network '\(name)' (see `swiftnas spaces`)")
            }
            return space
        case (nil, let path?):
            return try SpaceFile.load(path)
        case (.some, .some):
            throw InputError(source: "--supernet", "give either --supernet or --space, not both")
        case (nil, nil):
            throw InputError(source: "--supernet", "give --supernet NAME (see `swiftnas spaces`) or --space FILE")
        }
    }

    /// A built-in name, or a path to a space file, as one argument (`--space NAME|FILE`).
    static func resolve(nameOrPath: String, source: String) throws -> SearchSpace {
        if let space = BuiltinSpaces.named(nameOrPath) { return space }
        if FileManager.default.fileExists(atPath: nameOrPath) { return try SpaceFile.load(nameOrPath) }
        throw InputError(source: source, "'\(nameOrPath)' is neither a built-in space (see `swiftnas spaces`) nor a file")
    }
}

/// Resolves `--evaluator` into an evaluator: `builtin:NAME[?options]` or a command line to run.
enum EvaluatorSelection {
    static func resolve(_ spec: String, space: SearchSpace, settings: ProcessEvaluatorSettings) async throws -> any Evaluator {
        if spec.hasPrefix("builtin:") { return try EvaluatorRegistry.builtin(spec, space: space) }
        let evaluator = try ProcessEvaluator(command: spec, space: space, settings: settings)
        try await evaluator.start()
        return evaluator
    }

    /// Lets process evaluators exit cleanly.
    static func close(_ evaluator: any Evaluator) async {
        if let process = evaluator as? ProcessEvaluator { await process.shutdown() }
    }
}

/// Prints a line to standard error.
func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
