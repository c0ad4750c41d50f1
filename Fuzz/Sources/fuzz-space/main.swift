// Space files, JSON and YAML: SpaceFile.parse, then what `swiftnas spaces --check` and a search do with a
// space at once (its size, gene activity, a random configuration and its JSON round trip).
import FuzzSupport
import SwiftNASCore
import SwiftNASSpace

runFuzzer { input in
    guard let text = text(input) else { return }
    for yaml in [false, true] {
        expectingInputErrors {
            let space = try SpaceFile.parse(text, source: "fuzz.space", yaml: yaml)
            _ = space.sizeDescription
            let activity = GeneActivity(space: space)
            var random = SeededRandom(seed: UInt64(input.count))
            let configuration = space.randomConfiguration(using: &random)
            _ = space.hash(of: configuration, activity: activity)
            _ = space.oneHotFeatures(of: configuration, activity: activity)
            _ = space.ordinalFeatures(of: configuration, activity: activity)
            let again = try space.configuration(fromText: space.json(of: configuration), source: "round trip", strict: true)
            check(again == configuration, "configuration JSON does not round-trip: \(space.json(of: configuration))")
        }
    }
}
