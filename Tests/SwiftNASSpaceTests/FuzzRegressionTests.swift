import Testing
import SwiftNASCore
@testable import SwiftNASSpace

/// The `InputError` that `body` throws; nil (and a recorded issue for any other error) when it throws none.
private func inputError(_ body: () throws -> Void) -> InputError? {
    do {
        try body()
        return nil
    } catch let error as InputError {
        return error
    } catch {
        Issue.record("not an InputError: \(error)")
        return nil
    }
}

/// Inputs the libFuzzer harness `fuzz-space` (`Fuzz/run.sh 600 fuzz-space`) found crashing the space-file parser;
/// each must now be an `InputError` naming the file and, where there is one, the field.
@Suite struct SpaceFuzzRegressionTests {
    static func error(_ text: String, yaml: Bool = true) -> InputError? {
        inputError { _ = try SpaceFile.parse(text, source: "fuzz.yaml", yaml: yaml) }
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

/// Depth rules with absurd numbers, found by feeding the `fuzz-space` harness hand-made inputs next to libFuzzer:
/// each trapped on an arithmetic overflow or looped for minutes; now an `InputError` naming the field.
@Suite struct DepthRuleBoundsTests {
    static let head = #"{"name":"s","parameters":[{"name":"d","count":2,"values":[1,2]},{"name":"k","count":4,"values":[3,5]}],"depth_rules":[{"depth":"d","#

    static func error(_ rule: String) -> InputError? {
        inputError { _ = try SpaceFile.parse(head + rule + "}]}", source: "s.json", yaml: false) }
    }

    /// `genes_per_block × blocks` overflowed in `DepthRule.validate`.
    @Test func hugeGenesPerBlock() {
        #expect(Self.error(#""blocks":[{"name":"k","genes_per_block":4611686018427387904}],"stage_blocks":[2,2]"#)
            == InputError(source: "s.json", field: "depth_rules[0].blocks[0]", "'k' has 4 genes, fewer than its blocks need"))
    }

    /// Stage sizes of ±10¹² summing to 4 passed validation, then `size` looped over 10¹² blocks (a hang).
    @Test func hugeAndNegativeStageBlocks() {
        #expect(Self.error(#""blocks":["k"],"stage_blocks":[1000000000000,-999999999996]"#)
            == InputError(source: "s.json", field: "depth_rules[0].stage_blocks[0]", "must be from 0 to 100000, got 1000000000000"))
        #expect(Self.error(#""blocks":["k"],"stage_blocks":[2,-1]"#)
            == InputError(source: "s.json", field: "depth_rules[0].stage_blocks[1]", "must be from 0 to 100000, got -1"))
    }

    /// `first_depth_gene + stages` overflowed.
    @Test func hugeFirstDepthGene() {
        #expect(Self.error(#""blocks":[],"stage_blocks":[1],"first_depth_gene":9223372036854775807"#)
            == InputError(source: "s.json", field: "depth_rules[0].stage_blocks", "1 stages need that many genes of 'd' (it has 2)"))
    }

    /// `base_depth + depth` overflowed in `activeBlocks`.
    @Test func hugeBaseDepth() {
        #expect(Self.error(#""blocks":["k"],"stage_blocks":[2,2],"base_depth":[9223372036854775807,0]"#)
            == InputError(source: "s.json", field: "depth_rules[0].base_depth[0]", "must be from -100000 to 100000, got 9223372036854775807"))
    }

    /// A depth value of 10³⁰⁰ trapped converting to `Int`.
    @Test func hugeDepthValue() throws {
        let text = #"{"name":"s","parameters":[{"name":"d","count":1,"values":[1e300]},{"name":"k","count":2,"values":[3,5]}],"depth_rules":[{"depth":"d","blocks":["k"],"stage_blocks":[2]}]}"#
        #expect(throws: InputError(source: "s.json", field: "parameters[0].values[0]", "a depth must be a whole number from 0 to 100000")) {
            try SpaceFile.parse(text, source: "s.json", yaml: false)
        }
    }

    /// Sizes are counted without a pass over every gene per stage and depth value: a rule over 50 000 stages of
    /// one block each is counted at once.
    @Test func sizeOfManyStagesIsQuick() throws {
        let stages = 50_000
        let space = try SearchSpace(name: "wide", parameters: [
            Parameter(name: "d", count: stages, values: [.int(0), .int(1)]),
            Parameter(name: "k", count: stages, values: [.int(3), .int(5)]),
        ], depthRules: [DepthRule(depthParameter: "d", blockParameters: [.init("k")], stageBlocks: Array(repeating: 1, count: stages))])
        #expect(space.size == .infinity || space.size > 1e300)
    }
}
