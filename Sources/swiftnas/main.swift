import SwiftNASCommands

await SwiftNASCommand.run()
