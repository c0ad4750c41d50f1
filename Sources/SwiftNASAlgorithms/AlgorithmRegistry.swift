import SwiftNASCore

/// Every algorithm that can be chosen by name, in the order `--help` lists them.
public enum AlgorithmRegistry {
    public static let all: [any RegisteredAlgorithm.Type] = [
        NSGA2.self,
        AGEMOEA.self,
        GeneticAlgorithm.self,
        CMAES.self,
        RandomSearch.self,
        UNSGA3.self,
        MOEAD.self,
        CTAEA.self,
    ]

    /// The algorithm type called `name`, or an `InputError` naming `source` and listing the choices.
    public static func named(
        _ name: String, among types: [any RegisteredAlgorithm.Type] = all, source: String = "--algorithm"
    ) throws -> any RegisteredAlgorithm.Type {
        let wanted = name.lowercased()
        var names: [String] = []
        for type in types {
            if type.name == wanted { return type }
            names.append(type.name)
        }
        throw InputError(source: source, "unknown algorithm '\(name)' (choose from \(names.joined(separator: ", ")))")
    }

    /// Creates the algorithm called `name` (one of `types`) for `domain`, checking it can handle the objective
    /// count.
    public static func make(
        _ name: String, domain: SearchDomain, settings: AlgorithmSettings, among types: [any RegisteredAlgorithm.Type] = all,
        source: String = "--algorithm"
    ) throws -> any Algorithm {
        let type = try named(name, among: types, source: source)
        guard type.objectiveCounts.contains(domain.objectiveCount) else {
            let range = type.objectiveCounts
            let allowed = range.upperBound == .max ? "\(range.lowerBound) or more"
                : range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw InputError(source: source, "\(type.name) handles \(allowed) objectives, not \(domain.objectiveCount)")
        }
        for name in settings.options.keys.sorted() where type.options[name] == nil {
            let known = type.options.keys.sorted()
            throw InputError(source: "--algorithm-option", field: name,
                             "\(type.name) has no such option (\(known.isEmpty ? "it takes none" : "it takes " + known.joined(separator: ", ")))")
        }
        return try type.init(domain: domain, settings: settings)
    }
}
