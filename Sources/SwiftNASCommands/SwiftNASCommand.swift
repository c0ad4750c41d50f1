import ArgumentParser
import Foundation
import SwiftNASCore

/// The `swiftnas` command line: one subcommand per stage of the data flow.
public struct SwiftNASCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "swiftnas",
        abstract: "Find the Pareto-optimal sub-networks of a super-network for your hardware.",
        subcommands: [
            SearchCommand.self,
            EvaluateCommand.self,
            ReportCommand.self,
            SpacesCommand.self,
            SupernetCommand.self,
            OptimizeCommand.self,
            PredictorCommand.self,
            LatencyCommand.self,
        ]
    )

    public init() {}

    /// Runs the command line, turning bad input into one error line and exit status 2.
    public static func run(arguments: [String]? = nil) async {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as InputError {
            FileHandle.standardError.write(Data("swiftnas: error: \(error)\n".utf8))
            Foundation.exit(InputError.exitCode)
        } catch {
            exit(withError: error)
        }
    }
}
