import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASPredictors
import SwiftNASSpace

/// `builtin:model`: measures metrics by fitted model files instead of devices, so a search can optimise the
/// latency of hardware it does not have — `builtin:model?latency@raspberrypi=rpi.json&latency@xeon=xeon.json`
/// (metric name = model file, as many as wanted).
///
/// A model fitted on encoded configurations must be for the search's space (same name and gene choices); a
/// model fitted on HAT's aggregated columns is fed those columns derived from each TransformerLT configuration.
public struct FittedModelEvaluator: BuiltinEvaluator {
    public static let name = "model"
    public static let summary = "predicts metrics with model files from `swiftnas latency fit` (options: metric=model.json)"

    /// One metric's model: the fitted predictor and how a configuration becomes its feature row.
    struct MetricModel: Sendable {
        var predictor: any Predictor
        var featureRow: @Sendable (Configuration) -> [Double]
    }

    private let models: [String: MetricModel]
    public let identity: String
    public var supportedMetrics: Set<String>? { Set(models.keys) }

    /// Loads the model file of every `metric=path` option; each must suit `space`.
    public init(space: SearchSpace, supernetwork: (any Supernetwork)?, options: EvaluatorOptions) throws {
        guard !options.isEmpty else {
            throw InputError(source: "--evaluator", "builtin:model needs at least one metric=model-file option, e.g. builtin:model?latency@raspberrypi=rpi.json")
        }
        var models: [String: MetricModel] = [:]
        for (metric, path) in options {
            let (model, predictor) = try FittedModel.load(path: path)
            models[metric] = MetricModel(predictor: predictor, featureRow: try Self.featureRow(model.features, space: space, source: path))
        }
        self.models = models
        identity = "builtin:model?" + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
    }

    public func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        var values: [String: Double] = [:]
        for metric in metrics {
            guard let model = models[metric] else { throw EvaluationFailure("no model file for metric '\(metric)'") }
            let row = model.featureRow(configuration)
            values[metric] = model.predictor.predict(Matrix(rows: 1, columns: row.count, storage: row))[0]
        }
        return values
    }

    /// How configurations of `space` become the feature rows `spec` describes; `InputError` naming `source` when
    /// the model belongs to another space or reads columns the space cannot derive.
    static func featureRow(_ spec: FeatureSpec, space: SearchSpace, source: String) throws -> @Sendable (Configuration) -> [Double] {
        if let modelSpace = spec.spaceName, modelSpace != space.name {
            throw InputError(source: source, field: "features", "the model is for space '\(modelSpace)', the search explores '\(space.name)'")
        }
        switch spec {
        case .configurations(_, let choicesPerGene, let encoding):
            guard choicesPerGene == space.choicesPerGene else {
                throw InputError(source: source, field: "features",
                                 "the model's space '\(space.name)' had other gene choices than the search's; refit the model")
            }
            return { encoding.features(of: [$0], in: space).row(0) }
        case .columns(let names, _):
            return try HATFeatures.deriver(columns: names, space: space, source: source)
        }
    }
}
