import Foundation
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASSearch
import SwiftNASSpace

/// `--supernet NAME` / `--space FILE` of the commands that take a space, resolved through the registry.
func resolveSpace(supernet: String?, spaceFile: String?, registry: Registry = .standard) throws -> SearchSpace {
    switch (supernet, spaceFile) {
    case (let name?, nil): return try registry.supernetworks.require(name).space
    case (nil, let path?):
        if !FileManager.default.fileExists(atPath: path), registry.supernetworks.named(path) != nil {
            throw InputError(source: "--space", "'\(path)' is a registered super-network, not a file: use --supernet \(path)")
        }
        return try SpaceFile.load(path)
    case (.some, .some): throw InputError(source: "--supernet", "give either --supernet or --space, not both")
    case (nil, nil): throw InputError(source: "--supernet", "give --supernet NAME (see `swiftnas spaces`) or --space FILE")
    }
}

/// Prints a line to standard error.
func log(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
