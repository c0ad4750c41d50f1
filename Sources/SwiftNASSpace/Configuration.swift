import SwiftNASCore

/// A sub-network of a search space: one value index per gene, in the space's gene order.
///
/// This is the integer gene vector the algorithms evolve. Its user-facing form is a JSON object mapping each
/// parameter name to the list of chosen values (`{"ks": [3, 5, ...], "e": [...], "d": [2, 4, 3, 3, 2]}`),
/// produced by `SearchSpace.literal(of:)` and read by `SearchSpace.configuration(from:source:)`.
public struct Configuration: Sendable, Hashable, Codable {
    public var indices: [Int]

    public init(indices: [Int]) { self.indices = indices }
}

extension SearchSpace {
    /// Reads a configuration from a parsed JSON object or Python dict literal.
    ///
    /// Every parameter must be present with `count` values (a bare value is accepted when `count` is 1).
    /// Keys the space does not know are ignored unless `strict` (DyNAS-T's CSVs carry `wid` and `r`).
    public func configuration(from literal: Literal, source: String, strict: Bool = false) throws -> Configuration {
        guard case .object(let pairs) = literal else {
            throw InputError(source: source, "a configuration must be an object mapping parameter names to value lists, got \(literal.kindName)")
        }
        if strict, let unknown = pairs.first(where: { parameterIndex($0.key) == nil }) {
            throw InputError(source: source, field: unknown.key, "not a parameter of space '\(name)'")
        }
        var indices: [Int] = []
        indices.reserveCapacity(geneCount)
        for parameter in parameters {
            guard let given = literal[parameter.name] else {
                throw InputError(source: source, field: parameter.name, "missing (space '\(name)' needs \(parameter.count) value\(parameter.count == 1 ? "" : "s"))")
            }
            let items: [Literal]
            switch given {
            case .array(let list): items = list
            case .int where parameter.count == 1, .double where parameter.count == 1, .string where parameter.count == 1:
                items = [given]
            default:
                throw InputError(source: source, field: parameter.name, "expected a list of \(parameter.count) values, got \(given.kindName)")
            }
            guard items.count == parameter.count else {
                throw InputError(source: source, field: parameter.name, "expected \(parameter.count) values, got \(items.count)")
            }
            for (i, item) in items.enumerated() {
                guard let index = parameter.valueIndex(of: item) else {
                    let allowed = parameter.values.map(\.description).joined(separator: ", ")
                    throw InputError(source: source, field: "\(parameter.name)[\(i)]", "\(item.json) is not one of \(allowed)")
                }
                indices.append(index)
            }
        }
        return Configuration(indices: indices)
    }

    /// Parses a configuration from JSON or Python-literal text.
    public func configuration(fromText text: String, source: String, strict: Bool = false) throws -> Configuration {
        let literal: Literal
        do { literal = try Literal.parse(text) } catch {
            throw InputError(source: source, "not a JSON object: \(error)")
        }
        return try configuration(from: literal, source: source, strict: strict)
    }

    /// The configuration as an ordered object literal (parameter order of the space).
    public func literal(of configuration: Configuration) -> Literal {
        var pairs: [(key: String, value: Literal)] = []
        var gene = 0
        for parameter in parameters {
            let values = (0..<parameter.count).map { parameter.values[configuration.indices[gene + $0]].literal }
            pairs.append((parameter.name, .array(values)))
            gene += parameter.count
        }
        return .object(pairs)
    }

    /// Compact JSON text of the configuration, e.g. `{"ks":[3,5],"e":[4,6],"d":[2]}`.
    public func json(of configuration: Configuration) -> String { literal(of: configuration).json }

    /// The configuration with inactive genes reset to their first value.
    public func canonical(_ configuration: Configuration, activity: GeneActivity? = nil) -> Configuration {
        var indices = configuration.indices
        (activity ?? GeneActivity(space: self)).canonicalize(&indices)
        return Configuration(indices: indices)
    }

    /// A stable 64-bit hash of the canonical configuration (FNV-1a over its JSON), as 16 hex digits.
    /// Equal for configurations that differ only in inactive genes; stable across runs and machines.
    public func hash(of configuration: Configuration, activity: GeneActivity? = nil) -> String {
        let text = json(of: canonical(configuration, activity: activity))
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The gene vector algorithms use (value indices as `Double`).
    public func genes(of configuration: Configuration) -> [Double] { configuration.indices.map(Double.init) }

    /// The configuration a gene vector describes; genes are rounded and clamped to valid indices.
    public func configuration(genes: [Double]) -> Configuration {
        let choices = choicesPerGene
        return Configuration(indices: genes.indices.map { g in
            min(max(Int(genes[g].rounded()), 0), choices[g] - 1)
        })
    }

    /// A uniformly random configuration.
    public func randomConfiguration(using rng: inout SeededRandom) -> Configuration {
        Configuration(indices: choicesPerGene.map { rng.nextIndex($0) })
    }

    /// `count` random configurations, distinct as sub-networks (canonically), fewer if the space is smaller.
    public func sample(_ count: Int, using rng: inout SeededRandom) -> [Configuration] {
        let activity = GeneActivity(space: self)
        var seen = Set<[Int]>()
        var result: [Configuration] = []
        let target = Double(count) > size ? Int(size) : count
        var attempts = 0
        while result.count < target && attempts < 100 * count + 1000 {
            attempts += 1
            var indices = choicesPerGene.map { rng.nextIndex($0) }
            let original = indices
            activity.canonicalize(&indices)
            if seen.insert(indices).inserted { result.append(Configuration(indices: original)) }
        }
        return result
    }

    /// The number of gene-value combinations, inactive genes' variants included (`size` counts sub-networks):
    /// what walking the space configuration by configuration costs.
    public var configurationCount: Double { choicesPerGene.reduce(1.0) { $0 * Double($1) } }

    /// Every distinct sub-network, one configuration per canonical encoding, in mixed-radix order of the genes
    /// (the last gene varies fastest); nil when the space has more than `limit` configurations to walk, so a
    /// caller can score small spaces (NAS-Bench-201's 15 625 cells) whole and search large ones.
    public func allConfigurations(limit: Int) -> [Configuration]? {
        guard configurationCount <= Double(limit) else { return nil }
        let choices = choicesPerGene
        let activity = GeneActivity(space: self)
        var seen = Set<[Int]>()
        var result: [Configuration] = []
        var indices = [Int](repeating: 0, count: choices.count)
        while true {
            var key = indices
            activity.canonicalize(&key)
            if seen.insert(key).inserted { result.append(Configuration(indices: key)) }
            var gene = choices.count - 1
            while gene >= 0 {
                indices[gene] += 1
                if indices[gene] < choices[gene] { break }
                indices[gene] = 0
                gene -= 1
            }
            if gene < 0 { return result }
        }
    }

    /// One-hot features: for each gene, one slot per value (DyNAS-T's `onehot_generic`, 135 features for
    /// OFA-MobileNetV3). With `zeroInactive`, unused genes are all zeros, so features describe the sub-network.
    public func oneHotFeatures(of configuration: Configuration, activity: GeneActivity? = nil, zeroInactive: Bool = true) -> [Double] {
        let choices = choicesPerGene
        let mask = zeroInactive ? (activity ?? GeneActivity(space: self)).activeMask(configuration.indices) : Array(repeating: true, count: choices.count)
        var features = [Double](repeating: 0, count: choices.reduce(0, +))
        var offset = 0
        for g in choices.indices {
            if mask[g] { features[offset + configuration.indices[g]] = 1 }
            offset += choices[g]
        }
        return features
    }

    /// Value counts: for each parameter repeated over several genes (NAS-Bench-201's six `op` edges, OFA's per-block
    /// kernel sizes), how many of its active genes take each of its values — one slot per value, in parameter order.
    /// Beside one-hot features they let a kernel model see "three 3×3 convolutions" in any arrangement, which
    /// one-hot features alone only learn edge by edge. Parameters with one gene add nothing.
    public func valueCountFeatures(of configuration: Configuration, activity: GeneActivity? = nil) -> [Double] {
        let mask = (activity ?? GeneActivity(space: self)).activeMask(configuration.indices)
        var features: [Double] = []
        var gene = 0
        for parameter in parameters {
            guard parameter.count > 1 else { gene += parameter.count; continue }
            var counts = [Double](repeating: 0, count: parameter.values.count)
            for g in gene..<(gene + parameter.count) where mask[g] { counts[configuration.indices[g]] += 1 }
            features += counts
            gene += parameter.count
        }
        return features
    }

    /// The number of ``valueCountFeatures(of:activity:)``.
    public var valueCountFeatureCount: Int { parameters.filter { $0.count > 1 }.reduce(0) { $0 + $1.values.count } }

    /// Ordinal features: each gene's numeric value (its value index for strings); unused genes are 0.
    public func ordinalFeatures(of configuration: Configuration, activity: GeneActivity? = nil) -> [Double] {
        let mask = (activity ?? GeneActivity(space: self)).activeMask(configuration.indices)
        var features: [Double] = []
        features.reserveCapacity(geneCount)
        var gene = 0
        for parameter in parameters {
            for _ in 0..<parameter.count {
                let index = configuration.indices[gene]
                features.append(mask[gene] ? (parameter.values[index].number ?? Double(index)) : 0)
                gene += 1
            }
        }
        return features
    }
}
