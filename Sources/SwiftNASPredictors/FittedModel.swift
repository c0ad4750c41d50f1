import Foundation
import SwiftNASCore
import SwiftNASSpace

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
///
/// Only version-1 model files hold recipes (version 2 stores fitted state, `SavedPredictor`); this enum is kept
/// to read them and is frozen: a new predictor kind needs no case here.
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

/// A fitted predictor saved as versioned JSON: format version, the predictor's fitted state under its kind name,
/// feature spec, target expression and training summary.
///
/// Version 2 (written now) stores the fitted state itself (`SavedPredictor`: ridge weights, support vectors and
/// dual coefficients, MLP weights and scalers, trees, GP weights and inputs), so loading does no fitting and the
/// loaded predictor predicts bit-for-bit what the fitted one did. Version 1 files (the hyper-parameter recipe plus
/// the training rows) are still read: the recipe is refitted on the stored rows, one fit, and must reproduce the
/// predictions stored at save time; writing such a model again writes version 2.
public struct FittedModel: Codable, Sendable {
    /// The value of `format` in every model file.
    public static let formatName = "swiftnas-fitted-model"
    /// The format version this SwiftNAS writes.
    public static let currentFormatVersion = 2
    /// The format versions this SwiftNAS reads.
    public static let readableFormatVersions = 1...2
    /// The largest relative difference between stored and refitted predictions accepted when loading version 1.
    static let reproductionTolerance = 1e-6

    /// Always `formatName`.
    public var format: String
    /// The version of the file the model was read from (`currentFormatVersion` for a new model); `write` always
    /// writes `currentFormatVersion`.
    public var formatVersion: Int
    /// The fitted predictor.
    public var predictor: any PersistentPredictor
    /// The features the predictor reads.
    public var features: FeatureSpec
    /// What it predicts.
    public var target: TargetExpression
    /// How it was fitted.
    public var training: TrainingSummary

    /// A model file for `fitted` (a persistent predictor, or a `PredictorSelection` whose choice is one); nil
    /// when it cannot be saved.
    public init?(fitted: any Predictor, spec: FeatureSpec, target: TargetExpression, training: TrainingSummary) {
        guard let persistent = SavedPredictor.persistent(fitted) else { return nil }
        format = Self.formatName
        formatVersion = Self.currentFormatVersion
        predictor = persistent
        self.features = spec
        self.target = target
        self.training = training
    }

    /// The number of features a row of `features` has, checked: a space's shape in a model file must be one a
    /// search space can have (at most `SearchSpace.maximumGenes` genes of 1 to 10⁶ choices each), so that counting
    /// its features cannot overflow. `InputError` naming `source` and `features.…` otherwise.
    static func checkedFeatureCount(of features: FeatureSpec, source: String) throws -> Int {
        if case .configurations(_, let choicesPerGene, _) = features {
            guard choicesPerGene.count <= SearchSpace.maximumGenes else {
                throw InputError(source: source, field: "features.configurations.choicesPerGene",
                                 "\(choicesPerGene.count) genes is more than a search space may have (\(SearchSpace.maximumGenes))")
            }
            if let bad = choicesPerGene.firstIndex(where: { !(1...1_000_000).contains($0) }) {
                throw InputError(source: source, field: "features.configurations.choicesPerGene[\(bad)]",
                                 "must be from 1 to 1000000, got \(choicesPerGene[bad])")
            }
        }
        return featureCount(of: features)
    }

    /// The number of features a row of `features` has.
    public static func featureCount(of features: FeatureSpec) -> Int {
        switch features {
        case .columns(let names, _): return names.count
        case .configurations(_, let choicesPerGene, let encoding):
            return encoding == .onehot ? choicesPerGene.reduce(0, +) : choicesPerGene.count
        }
    }

    private enum CodingKeys: String, CodingKey { case format, formatVersion, predictor, features, target, training }

    /// Decodes the version-2 layout (use `decode(_:source:)` for checked loading of any readable version).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        formatVersion = try container.decode(Int.self, forKey: .formatVersion)
        predictor = try container.decode(SavedPredictor.self, forKey: .predictor).predictor
        features = try container.decode(FeatureSpec.self, forKey: .features)
        target = try container.decode(TargetExpression.self, forKey: .target)
        training = try container.decode(TrainingSummary.self, forKey: .training)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatName, forKey: .format)
        try container.encode(Self.currentFormatVersion, forKey: .formatVersion)
        try container.encode(SavedPredictor(predictor), forKey: .predictor)
        try container.encode(features, forKey: .features)
        try container.encode(target, forKey: .target)
        try container.encode(training, forKey: .training)
    }

    /// The model as version-2 JSON.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    /// Writes the model as version-2 JSON to `path`, atomically.
    public func write(to path: String) throws {
        let data: Data
        do { data = try encoded() } catch {
            throw InputError(source: path, "cannot encode the model (\(Self.describe(error)))")
        }
        try AtomicFile.write(data, to: path)
    }

    /// Reads the model file at `path`. A file that is not complete JSON of this format, of an unreadable format
    /// version, whose fitted state is inconsistent, or (version 1) whose predictor no longer reproduces its
    /// stored predictions is an `InputError` naming the file and the field.
    public static func load(path: String) throws -> (model: FittedModel, predictor: any Predictor) {
        try decode(InputFile.data(path), source: path)
    }

    /// Decodes model JSON of any readable version; `source` names it in errors.
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
        guard readableFormatVersions.contains(header.formatVersion) else {
            throw InputError(source: source, field: "formatVersion",
                             "is \(header.formatVersion); this SwiftNAS reads versions \(readableFormatVersions.lowerBound)–\(readableFormatVersions.upperBound) — refit the model")
        }
        let model: FittedModel
        if header.formatVersion == 1 {
            let legacy: FittedModelVersion1
            do { legacy = try decoder.decode(FittedModelVersion1.self, from: data) } catch {
                throw InputError(source: source, decoding: error, "not a valid model file")
            }
            model = try legacy.rebuild(source: source)
        } else {
            do { model = try decoder.decode(FittedModel.self, from: data) } catch {
                throw InputError(source: source, decoding: error, "not a valid model file")
            }
        }
        let count = try checkedFeatureCount(of: model.features, source: source)
        do { try SavedPredictor(model.predictor).check(featureCount: count) } catch let error as FittedStateError {
            throw InputError(source: source, field: "predictor." + error.field, error.message)
        }
        return (model, model.predictor)
    }

    static func describe(_ error: Error) -> String { InputError.reason(of: error) }
}

extension PredictorRecipe {
    /// The most multiply-adds a version-1 refit may take (an MLP's epochs × rows × weights): the 300 epochs of
    /// DyNAS-T's default 64-32 network over 1 000 rows of 135 features are about 3 × 10⁹.
    static let maximumRefitWork = 2e10

    /// Checks the hyper-parameters before the refit: each as the predictor's initialiser requires (where a bad
    /// value is a precondition failure), and the refit's size bounded (a file must not buy hours of fitting or
    /// gigabytes of trees). `InputError` naming `field` (`predictor.mlp.hiddenUnits`) otherwise.
    func check(rows: Int, features: Int, source: String, field: String) throws {
        func require(_ condition: Bool, _ name: String, _ message: String) throws {
            if !condition { throw InputError(source: source, field: "\(field).\(name)", message) }
        }
        switch self {
        case .ridge(let alpha):
            try require(alpha.isFinite && alpha > 0, "ridge.alpha", "must be a positive number")
        case .svr(let cost, let gamma, let epsilon, let tolerance, let maximumIterations):
            try require(cost.isFinite && cost > 0, "svr.cost", "must be a positive number")
            try require(gamma.isFinite && gamma > 0, "svr.gamma", "must be a positive number")
            try require(epsilon.isFinite && epsilon >= 0, "svr.epsilon", "must be a number ≥ 0")
            try require(tolerance.isFinite && tolerance > 0, "svr.tolerance", "must be a positive number")
            try require((1...1_000_000).contains(maximumIterations), "svr.maximumIterations", "must be from 1 to 1000000")
        case .mlp(let hiddenUnits, let learningRate, let batchSize, let maximumEpochs, let patience, let validationFraction,
                  let weightDecay, _):
            try require((1...16).contains(hiddenUnits.count) && hiddenUnits.allSatisfy { (1...4096).contains($0) },
                        "mlp.hiddenUnits", "must be 1 to 16 layers of 1 to 4096 units")
            try require(learningRate.isFinite && learningRate > 0, "mlp.learningRate", "must be a positive number")
            try require((1...1_000_000).contains(batchSize), "mlp.batchSize", "must be from 1 to 1000000")
            try require((1...100_000).contains(maximumEpochs), "mlp.maximumEpochs", "must be from 1 to 100000")
            try require(patience >= 0, "mlp.patience", "must be at least 0")
            try require(validationFraction >= 0 && validationFraction < 1, "mlp.validationFraction", "must be at least 0 and below 1")
            try require(weightDecay.isFinite && weightDecay >= 0, "mlp.weightDecay", "must be a number ≥ 0")
            let widths = [features] + hiddenUnits + [1]
            let weights = zip(widths, widths.dropFirst()).reduce(0.0) { $0 + Double($1.0 + 1) * Double($1.1) }
            let work = Double(maximumEpochs) * Double(rows) * weights
            try require(work <= Self.maximumRefitWork, "mlp",
                        "refitting \(maximumEpochs) epochs of \(rows) rows through \(Int(weights)) weights is more work than a model file may ask for")
        case .gbt(let trees, let depth, let shrinkage, let minimumLeafSamples):
            try require((1...100_000).contains(trees), "gbt.trees", "must be from 1 to 100000")
            try require((1...20).contains(depth), "gbt.depth", "must be from 1 to 20")
            try require(shrinkage.isFinite && shrinkage > 0, "gbt.shrinkage", "must be a positive number")
            try require(minimumLeafSamples >= 1, "gbt.minimumLeafSamples", "must be at least 1")
            // Each tree is a complete binary array of 2^(depth+1) − 1 nodes.
            try require(trees * ((1 << (depth + 1)) - 1) <= 4_000_000, "gbt",
                        "\(trees) trees of depth \(depth) hold more than 4000000 nodes")
        case .gp(let refinementIterations):
            try require((0...10_000).contains(refinementIterations), "gp.refinementIterations", "must be from 0 to 10000")
        case .logTarget(let base):
            try base.check(rows: rows, features: features, source: source, field: field + ".logTarget.base")
        }
    }
}

/// A version-1 model file: the recipe with every tuned hyper-parameter pinned, and the rows it was fitted on.
struct FittedModelVersion1: Decodable {
    var predictor: PredictorRecipe
    var features: FeatureSpec
    var target: TargetExpression
    var training: TrainingSummary
    var trainingFeatures: [[Double]]
    var trainingTargets: [Double]
    var trainingPredictions: [Double]

    /// Refits the recipe on the stored rows and checks it reproduces the stored predictions.
    func rebuild(source: String) throws -> FittedModel {
        let width = trainingFeatures.first?.count ?? 0
        guard !trainingFeatures.isEmpty, trainingFeatures.allSatisfy({ $0.count == width }),
              trainingTargets.count == trainingFeatures.count, trainingPredictions.count == trainingFeatures.count else {
            throw InputError(source: source, field: "trainingFeatures", "rows, targets and predictions do not line up")
        }
        let count = try FittedModel.checkedFeatureCount(of: features, source: source)
        guard count == width else {
            throw InputError(source: source, field: "features", "describes \(count) columns but the rows have \(width)")
        }
        try self.predictor.check(rows: trainingFeatures.count, features: width, source: source, field: "predictor")
        let matrix = Matrix(rowArrays: trainingFeatures, columns: width)
        var predictor = self.predictor.predictor
        do { try predictor.fit(features: matrix, targets: trainingTargets) } catch let error as PredictorError {
            throw InputError(source: source, field: "predictor", "cannot refit the stored predictor (\(error.message))")
        }
        let refitted = predictor.predict(matrix)
        let scale = max(trainingTargets.map(abs).max() ?? 0, Double.leastNormalMagnitude)
        let worst = zip(refitted, trainingPredictions).map { abs($0 - $1) }.max() ?? 0
        guard worst <= FittedModel.reproductionTolerance * scale else {
            throw InputError(source: source, field: "trainingPredictions",
                             "this SwiftNAS's \(predictor.name) does not reproduce the saved predictions (off by \(worst)) — refit the model")
        }
        guard var model = FittedModel(fitted: predictor, spec: features, target: target, training: training) else {
            throw InputError(source: source, field: "predictor", "\(predictor.name) cannot be kept")
        }
        model.formatVersion = 1
        return model
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
