import Testing
import SwiftNASCore
@testable import SwiftNASCommands

/// Inputs the libFuzzer harness `fuzz-configfile` (`Fuzz/run.sh 600 fuzz-configfile`) found crashing the search
/// config-file reader; each must now be an `InputError` naming the file.
@Suite struct ConfigFileFuzzRegressionTests {
    /// fuzz-configfile crash-5646ba0f, crash-961a5056, crash-e76c9921: YAML mapping keys that are lists or
    /// mappings trapped inside `Yams.load`.
    @Test func yamlKeysThatAreNotPlainValuesAreInputErrors() {
        for text in ["?\r-", "\n?\n\r\r\r\r\r\r\r\r\r\r ?", "- ? ? "] {
            #expect(throws: InputError.self, "\(text.debugDescription)") {
                try ConfigFile.parse(text, source: "fuzz.yaml", json: false)
            }
        }
        #expect(throws: InputError(source: "s.yaml", field: "(top level)", "a mapping key must be a plain value, not a list or a mapping")) {
            try ConfigFile.parse("? [seed]\n: 3\n", source: "s.yaml", json: false)
        }
    }

    /// Settings read from the YAML node tree: merge keys apply, scalars keep their types.
    @Test func yamlSettingsStillRead() throws {
        let file = try ConfigFile.parse("<<: {seed: 3, timeout: 1.5}\nnum-evals: 5\nresume: true\n", source: "s.yaml", json: false)
        #expect(try file.int("seed") == 3 && file.int("num_evals") == 5 && file.double("timeout") == 1.5 && file.bool("resume") == true)
    }
}
