import Testing
@testable import SwiftNASCommands

@Suite struct CommandLineTests {
    @Test func parsesSpaces() throws {
        _ = try SwiftNASCommand.parseAsRoot(["spaces"])
    }
}
