// Search config files (`swiftnas search --config`), YAML and JSON: ConfigFile.parse and its typed getters.
import FuzzSupport
@testable import SwiftNASCommands

runFuzzer { input in
    guard let text = text(input) else { return }
    for json in [false, true] {
        expectingInputErrors {
            let file = try ConfigFile.parse(text, source: "fuzz.config", json: json)
            for key in file.values.keys.sorted() {
                _ = file.string(key)
                _ = file.strings(key)
                _ = file.bool(key)
                expectingInputErrors { _ = try file.int(key) }
                expectingInputErrors { _ = try file.double(key) }
            }
        }
    }
}
