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
            DashboardCommand.self,
            StudiesCommand.self,
            WorkerCommand.self,
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
        } catch let error as SearchFailed {
            FileHandle.standardError.write(Data("swiftnas: error: \(error.reason)\n".utf8))
            Foundation.exit(SearchFailed.exitCode)
        } catch {
            // A flag the parser cannot read is bad input like any other: one line, exit 2 (help and
            // --version keep their own output and status 0).
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data("swiftnas: error: \(message(for: error))\n".utf8))
                Foundation.exit(InputError.exitCode)
            }
            exit(withError: error)
        }
    }
}

/// A search that ran but produced nothing usable: every evaluation failed. Exit status 3, so scripts can tell
/// it from bad input (2).
struct SearchFailed: Error {
    static let exitCode: Int32 = 3
    var reason: String
}
