// Configuration JSON (`swiftnas evaluate --config`, results CSV cells) and DyNAS-T's Python dict cells:
// Literal.parse and SearchSpace.configuration(fromText:) against OFA-MobileNetV3 and quantised BERT.
import FuzzSupport
import SwiftNASSpace

let spaces = [BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!, BuiltinSpaces.bert(quantized: true)]

runFuzzer { input in
    guard let text = text(input) else { return }
    expectingInputErrors {
        let literal = try Literal.parse(text)
        // The canonical JSON of a parsed literal parses back to the same value (NaN aside: it is written as null).
        let json = literal.json
        let again = try Literal.parse(json)
        check(again.json == json, "JSON of a literal does not round-trip: \(json) → \(again.json)")
    }
    for space in spaces {
        for strict in [false, true] {
            expectingInputErrors {
                let configuration = try space.configuration(fromText: text, source: "fuzz.config", strict: strict)
                _ = space.hash(of: configuration)
                let again = try space.configuration(fromText: space.json(of: configuration), source: "round trip")
                check(again == configuration, "configuration JSON does not round-trip")
            }
        }
    }
}
