import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSpace

/// `builtin:counts`: exact analytic MACs, parameters and model size of a built-in super-network's sub-networks.
///
/// Options: `macs=fvcore` (default; convolutions, linear layers and matrix products) or `macs=torchprofile`
/// (also the element operations DyNAS-T's newer counter includes), see `MACConvention`.
public struct CountsEvaluator: BuiltinEvaluator {
    public static let name = "counts"
    public static let summary = "exact analytic macs, params and model_size (bytes) of built-in super-networks"

    let model: any CostModel
    let convention: MACConvention
    /// Number of values of each gene of the model's space, to reject configurations from elsewhere.
    let choicesPerGene: [Int]

    public init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {
        let source = "builtin:\(Self.name)"
        for key in options.keys where key != "macs" {
            throw InputError(source: source, field: key, "unknown option (the only option is macs=fvcore|torchprofile)")
        }
        if let value = options["macs"] {
            guard let chosen = MACConvention(rawValue: value) else {
                let allowed = MACConvention.allCases.map(\.rawValue).joined(separator: ", ")
                throw InputError(source: source, field: "macs", "'\(value)' is not a MAC convention (choose from \(allowed))")
            }
            convention = chosen
        } else {
            convention = .fvcore
        }
        guard let model = try supernetwork?.costModel() else {
            throw InputError(source: source, "no cost model for space '\(space.name)': only registered super-networks have one (see `swiftnas spaces`)")
        }
        self.model = model
        choicesPerGene = model.space.choicesPerGene
    }

    public var identity: String {
        convention == .fvcore ? "builtin:\(Self.name)" : "builtin:\(Self.name)?macs=\(convention.rawValue)"
    }

    public var supportedMetrics: Set<String>? { Costs.metrics }

    public func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        guard configuration.indices.count == choicesPerGene.count,
              zip(configuration.indices, choicesPerGene).allSatisfy({ $0 >= 0 && $0 < $1 }) else {
            throw EvaluationFailure("configuration does not fit space '\(model.space.name)'")
        }
        let costs = model.costs(of: configuration)
        var result: [String: Double] = [:]
        for metric in metrics {
            guard let value = costs.value(of: metric, convention: convention) else {
                throw EvaluationFailure("\(identity) cannot measure '\(metric)'")
            }
            result[metric] = value
        }
        return result
    }
}
