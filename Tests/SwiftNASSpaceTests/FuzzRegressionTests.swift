import Testing
import SwiftNASCore
@testable import SwiftNASSpace

/// Inputs the libFuzzer harness `fuzz-space` (`Fuzz/run.sh 600 fuzz-space`) found crashing the space-file parser;
/// each must now be an `InputError` naming the file and, where there is one, the field.
@Suite struct SpaceFuzzRegressionTests {
    static func error(_ text: String, yaml: Bool = true) -> InputError? {
        do {
            _ = try SpaceFile.parse(text, source: "fuzz.yaml", yaml: yaml)
            return nil
        } catch let error as InputError {
            return error
        } catch {
            Issue.record("not an InputError: \(error)")
            return nil
        }
    }

    /// fuzz-space crash-a01e07e8 and crash-b8b47898: a YAML mapping key that is a list (`? - a`) trapped in Yams'
    /// `Yams.load` (a force-unwrapped key string); keys are now read from the node tree.
    @Test func yamlKeyThatIsAListIsAnInputError() {
        for text in ["n:\n ? - na[1, 2....5, \"a\"]\n", "?\n?           -     Array!!flo["] {
            let error = Self.error(text)
            #expect(error?.source == "fuzz.yaml", "\(text.debugDescription): \(String(describing: error))")
        }
        #expect(Self.error("n:\n ? - a\n : 1\n") == InputError(source: "fuzz.yaml", field: "n", "a mapping key must be a plain value, not a list or a mapping"))
        #expect(Self.error("? {a: 1}\n: 2\n") == InputError(source: "fuzz.yaml", field: "(top level)", "a mapping key must be a plain value, not a list or a mapping"))
    }

    /// Aliases repeating aliases ("billion laughs") expand to more values than a space can use: refused, not built.
    @Test func yamlAliasBombIsAnInputError() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 { text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let error = Self.error(text)
        #expect(error?.message.contains("expands to more than") == true, "\(String(describing: error))")
    }

    /// Merge keys still apply, the mapping's own keys winning over merged ones.
    @Test func yamlMergeKeysApply() throws {
        let text = "base: &b {count: 2, values: [1, 2], name: x}\nname: s\nparameters:\n  - <<: *b\n    name: y\n"
        let space = try SpaceFile.parse(text, source: "m.yaml", yaml: true)
        #expect(space.parameters == [Parameter(name: "y", count: 2, values: [.int(1), .int(2)])])
    }
}
