import ArgumentParser
import SwiftNASSpace

/// `swiftnas spaces`: lists the built-in search spaces, or checks a space file.
struct SpacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spaces", abstract: "List built-in search spaces, or validate a space file.")

    func run() async throws {}
}
