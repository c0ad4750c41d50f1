import Foundation
import SwiftNASCore

extension FeatureEncoding: Codable {}

/// Which features a fitted model reads, so that whoever loads it can build the same feature rows.
public enum FeatureSpec: Codable, Sendable, Hashable {
    /// Named numeric columns of a measurement table (HAT's aggregated architecture features, for instance).
    /// `space` names the search space whose configurations these columns are derived from, when known.
    case columns(names: [String], space: String?)
    /// One-hot or ordinal features of configurations of the named space; `choicesPerGene` pins the space's shape
    /// so that a different space file under the same name is refused.
    case configurations(space: String, choicesPerGene: [Int], encoding: FeatureEncoding)

    /// The search space the features belong to, when known.
    public var spaceName: String? {
        switch self {
        case .columns(_, let space): return space
        case .configurations(let space, _, _): return space
        }
    }
}

/// What a model predicts: one column of a measurement table, or the sum of several
/// (`latency_mean_encoder+latency_mean_decoder`, the whole-model latency HAT reports).
public struct TargetExpression: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The columns added up, at least one.
    public var columns: [String]

    /// The sum of `columns`.
    public init(columns: [String]) {
        precondition(!columns.isEmpty, "a target names at least one column")
        self.columns = columns
    }

    /// Parses `text`: column names joined by `+` (spaces around names are ignored).
    public init(parsing text: String, source: String = "--target") throws {
        let names = text.split(separator: "+", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty, !names.contains(where: \.isEmpty) else {
            throw InputError(source: source, "expects a column name or column names joined by '+', got '\(text)'")
        }
        columns = names
    }

    public var description: String { columns.joined(separator: "+") }
}

/// A predictor type with the hyper-parameters it was fitted with — enough to rebuild exactly the same fitted
/// model from the same training rows (every predictor is deterministic given its settings and seed).
public enum PredictorRecipe: Codable, Sendable, Hashable {
    /// Ridge regression at one regularisation strength.
    case ridge(alpha: Double)
    /// RBF ε-SVR at one cost and kernel width.
    case svr(cost: Double, gamma: Double, epsilon: Double, tolerance: Double, maximumIterations: Int)
    /// A multilayer perceptron with its training settings and seed.
    case mlp(hiddenUnits: [Int], learningRate: Double, batchSize: Int, maximumEpochs: Int, patience: Int,
             validationFraction: Double, weightDecay: Double, seed: UInt64)
    /// Gradient-boosted trees.
    case gbt(trees: Int, depth: Int, shrinkage: Double, minimumLeafSamples: Int)
    /// A Gaussian process (hyper-parameters by marginal likelihood, itself deterministic).
    case gp(refinementIterations: Int)
    /// A predictor fitted to log targets.
    indirect case logTarget(base: PredictorRecipe)

    /// The recipe of a fitted predictor, with any grid-searched hyper-parameter pinned to the value chosen;
    /// a `PredictorSelection` gives the recipe of the candidate it selected. Nil for an unknown predictor type.
    public init?(fitted predictor: any Predictor) {
        switch predictor {
        case let selection as PredictorSelection:
            guard let selected = selection.selected, let recipe = PredictorRecipe(fitted: selected) else { return nil }
            self = recipe
        case let ridge as RidgeRegression:
            guard let alpha = ridge.alpha else { return nil }
            self = .ridge(alpha: alpha)
        case let svr as SupportVectorRegression:
            guard let cost = svr.cost else { return nil }
            self = .svr(cost: cost, gamma: svr.gamma, epsilon: svr.epsilon, tolerance: svr.tolerance,
                        maximumIterations: svr.maximumIterations)
        case let mlp as MultilayerPerceptron:
            self = .mlp(hiddenUnits: mlp.hiddenUnits, learningRate: mlp.learningRate, batchSize: mlp.batchSize,
                        maximumEpochs: mlp.maximumEpochs, patience: mlp.patience, validationFraction: mlp.validationFraction,
                        weightDecay: mlp.weightDecay, seed: mlp.seed)
        case let gbt as GradientBoostedTrees:
            self = .gbt(trees: gbt.trees, depth: gbt.depth, shrinkage: gbt.shrinkage, minimumLeafSamples: gbt.minimumLeafSamples)
        case let gp as GaussianProcess:
            self = .gp(refinementIterations: gp.refinementIterations)
        case let logTarget as LogTargetPredictor:
            guard let base = PredictorRecipe(fitted: logTarget.base) else { return nil }
            self = .logTarget(base: base)
        default:
            return nil
        }
    }

    /// The unfitted predictor this recipe describes (no grid search left to do).
    public var predictor: any Predictor {
        switch self {
        case .ridge(let alpha): return RidgeRegression(alphas: [alpha])
        case .svr(let cost, let gamma, let epsilon, let tolerance, let maximumIterations):
            return SupportVectorRegression(costs: [cost], epsilon: epsilon, kernelWidth: .fixed(gamma), tolerance: tolerance,
                                           maximumIterations: maximumIterations)
        case .mlp(let hiddenUnits, let learningRate, let batchSize, let maximumEpochs, let patience, let validationFraction,
                  let weightDecay, let seed):
            return MultilayerPerceptron(hiddenUnits: hiddenUnits, learningRate: learningRate, batchSize: batchSize,
                                        maximumEpochs: maximumEpochs, patience: patience, validationFraction: validationFraction,
                                        weightDecay: weightDecay, seed: seed)
        case .gbt(let trees, let depth, let shrinkage, let minimumLeafSamples):
            return GradientBoostedTrees(trees: trees, depth: depth, shrinkage: shrinkage, minimumLeafSamples: minimumLeafSamples)
        case .gp(let refinementIterations): return GaussianProcess(refinementIterations: refinementIterations)
        case .logTarget(let base): return LogTargetPredictor(base.predictor)
        }
    }
}

/// How a model came to be: the data, the choice among predictors and, when rows were held out, its held-out
/// figures.
public struct TrainingSummary: Codable, Sendable, Hashable {
    /// The measurement file the model was fitted on (as given on the command line).
    public var data: String
    /// The distinct rows fitted on.
    public var trainingRows: Int
    /// The rows held out for scoring (0 when fitted on everything).
    public var heldOutRows: Int
    /// The seed of the split and of stochastic predictors.
    public var seed: UInt64
    /// What cross-validation minimised when choosing the predictor.
    public var criterion: String
    /// Each candidate's cross-validated score (lower is better), by predictor name.
    public var candidateScores: [String: Double]
    /// The chosen predictor's name.
    public var selected: String
    /// MAPE, RMSE, Kendall τ and Spearman ρ on the held-out rows, when there were any.
    public var heldOut: HeldOutFigures?

    /// A summary of every field.
    public init(data: String, trainingRows: Int, heldOutRows: Int, seed: UInt64, criterion: String,
                candidateScores: [String: Double], selected: String, heldOut: HeldOutFigures?) {
        self.data = data
        self.trainingRows = trainingRows
        self.heldOutRows = heldOutRows
        self.seed = seed
        self.criterion = criterion
        self.candidateScores = candidateScores
        self.selected = selected
        self.heldOut = heldOut
    }
}

/// Held-out regression figures as stored in a model file.
public struct HeldOutFigures: Codable, Sendable, Hashable {
    /// Mean absolute percentage error, percent.
    public var mape: Double
    /// Root mean squared error, target units.
    public var rmse: Double
    /// Kendall's τ-b.
    public var kendall: Double
    /// Spearman's ρ.
    public var spearman: Double

    /// The figures of `scores`.
    public init(_ scores: RegressionScores) {
        mape = scores.mape
        rmse = scores.rmse
        kendall = scores.kendall
        spearman = scores.spearman
    }
}

/// A fitted predictor saved as versioned JSON: format version, predictor recipe, feature spec, target expression,
/// training summary — and the training rows themselves.
///
/// The predictors keep their fitted state private, so the file stores what rebuilds it exactly: the recipe with
/// every tuned hyper-parameter pinned, and the feature rows and targets it was fitted on. Loading refits (no
/// search left, one fit) and checks the refitted model reproduces the predictions stored at save time, so a
/// file from a SwiftNAS whose predictors changed is refused rather than silently predicting something else.
public struct FittedModel: Codable, Sendable {
    /// The value of `format` in every model file.
    public static let formatName = "swiftnas-fitted-model"
    /// The format version this SwiftNAS writes and reads.
    public static let currentFormatVersion = 1
    /// The largest relative difference between stored and refitted predictions accepted on load.
    static let reproductionTolerance = 1e-6

    /// Always `formatName`.
    public var format: String
    /// The version of this layout.
    public var formatVersion: Int
    /// The predictor and its fitted hyper-parameters.
    public var predictor: PredictorRecipe
    /// The features the predictor reads.
    public var features: FeatureSpec
    /// What it predicts.
    public var target: TargetExpression
    /// How it was fitted.
    public var training: TrainingSummary
    /// The feature rows fitted on.
    public var trainingFeatures: [[Double]]
    /// The targets fitted on, one per row.
    public var trainingTargets: [Double]
    /// The fitted model's predictions on the training rows, checked on load.
    public var trainingPredictions: [Double]

    /// A model file for `fitted`, fitted on `features` and `targets`; nil when its type has no recipe.
    public init?(fitted: any Predictor, features: Matrix, targets: [Double], spec: FeatureSpec, target: TargetExpression,
                 training: TrainingSummary) {
        guard let recipe = PredictorRecipe(fitted: fitted) else { return nil }
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        predictor = recipe
        self.features = spec
        self.target = target
        self.training = training
        trainingFeatures = (0..<features.rows).map { features.row($0) }
        trainingTargets = targets
        trainingPredictions = fitted.predict(features)
    }

    /// Writes the model as JSON to `path`, atomically.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(self), to: path)
    }

    /// Reads the model file at `path` and rebuilds its predictor. A file that is not complete JSON of this
    /// format, of another format version, or whose predictor no longer reproduces its stored predictions is an
    /// `InputError`.
    public static func load(path: String) throws -> (model: FittedModel, predictor: any Predictor) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw InputError(source: path, "cannot read the model file (\(error.localizedDescription))")
        }
        return try decode(data, source: path)
    }

    /// Decodes model JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> (model: FittedModel, predictor: any Predictor) {
        /// The fields every version keeps, read first so that another version is named as such.
        struct Header: Decodable {
            var format: String
            var formatVersion: Int
        }
        let decoder = JSONDecoder()
        let header: Header
        do { header = try decoder.decode(Header.self, from: data) } catch {
            throw InputError(source: source, "not a SwiftNAS model file, or truncated (\(describe(error)))")
        }
        guard header.format == formatName else {
            throw InputError(source: source, field: "format", "is '\(header.format)', expected '\(formatName)'")
        }
        guard header.formatVersion == currentFormatVersion else {
            throw InputError(source: source, field: "formatVersion",
                             "is \(header.formatVersion); this SwiftNAS reads version \(currentFormatVersion) — refit the model")
        }
        let model: FittedModel
        do { model = try decoder.decode(FittedModel.self, from: data) } catch {
            throw InputError(source: source, "not a valid model file (\(describe(error)))")
        }
        return (model, try model.rebuild(source: source))
    }

    /// Refits the recipe on the stored rows and checks it reproduces the stored predictions.
    private func rebuild(source: String) throws -> any Predictor {
        let width = trainingFeatures.first?.count ?? 0
        guard !trainingFeatures.isEmpty, trainingFeatures.allSatisfy({ $0.count == width }),
              trainingTargets.count == trainingFeatures.count, trainingPredictions.count == trainingFeatures.count else {
            throw InputError(source: source, field: "trainingFeatures", "rows, targets and predictions do not line up")
        }
        if case .columns(let names, _) = features, names.count != width {
            throw InputError(source: source, field: "features", "names \(names.count) columns but the rows have \(width)")
        }
        let matrix = Matrix(rowArrays: trainingFeatures, columns: width)
        var predictor = self.predictor.predictor
        do { try predictor.fit(features: matrix, targets: trainingTargets) } catch let error as PredictorError {
            throw InputError(source: source, "cannot refit the stored predictor (\(error.message))")
        }
        let refitted = predictor.predict(matrix)
        let scale = max(trainingTargets.map(abs).max() ?? 0, Double.leastNormalMagnitude)
        let worst = zip(refitted, trainingPredictions).map { abs($0 - $1) }.max() ?? 0
        guard worst <= Self.reproductionTolerance * scale else {
            throw InputError(source: source, field: "trainingPredictions",
                             "this SwiftNAS's \(predictor.name) does not reproduce the saved predictions (off by \(worst)) — refit the model")
        }
        return predictor
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, let context): return "missing '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: return "\(error)"
        }
    }
}

/// A seeded split of row indices into training and held-out rows: the rows are shuffled by Fisher–Yates with
/// `SeededRandom(seed)` and the first `trainingFraction` of them (rounded) train — the same split
/// `HeldOutEvaluation` makes of a measurement table.
public struct RowSplit: Sendable, Hashable {
    /// The training rows, in shuffled order.
    public var training: [Int]
    /// The held-out rows, in shuffled order.
    public var heldOut: [Int]

    /// Splits rows `0..<count`; `trainingFraction` lies strictly between 0 and 1.
    public init(count: Int, trainingFraction: Double, seed: UInt64) {
        precondition(trainingFraction > 0 && trainingFraction < 1, "the training fraction lies strictly between 0 and 1")
        var order = Array(0..<count)
        var rng = SeededRandom(seed: seed)
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(i + 1)) }
        }
        let cut = Int((trainingFraction * Double(count)).rounded())
        training = Array(order[..<cut])
        heldOut = Array(order[cut...])
    }
}
