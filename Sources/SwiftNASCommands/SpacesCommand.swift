import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASSpace

/// `swiftnas spaces`: lists the built-in search spaces with their sizes, or validates a space file.
struct SpacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spaces",
        abstract: "List the built-in search spaces, or validate a space file (--check FILE).")

    @Option(name: .customLong("check"), help: "A space file (JSON or YAML) to validate; prints its size.")
    var checkPath: String?

    func run() async throws {
        if let checkPath {
            let space = try SpaceFile.load(checkPath)
            print("\(checkPath): ok — space '\(space.name)', \(space.parameters.count) parameters, \(space.geneCount) genes, \(SpacesCommand.format(size: space.size)) sub-networks")
            return
        }
        let width = BuiltinSpaces.all.map(\.name.count).max() ?? 0
        print("name".padding(toLength: width, withPad: " ", startingAt: 0) + "  genes     sub-networks  parameters")
        for space in BuiltinSpaces.all {
            let parameters = space.parameters.map { "\($0.name)×\($0.count)" }.joined(separator: " ")
            print(space.name.padding(toLength: width, withPad: " ", startingAt: 0)
                  + "  " + String(space.geneCount).leftPadded(5)
                  + "  " + SpacesCommand.format(size: space.size).leftPadded(15)
                  + "  " + parameters)
        }
    }

    /// Exact below 10^15, scientific notation above (`2.183e+19`).
    static func format(size: Double) -> String {
        size < 1e15 ? String(Int(size)) : String(format: "%.3e", size)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
