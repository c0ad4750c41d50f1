import Foundation
import SwiftNASCore
import SwiftNASPredictors

/// Fits a predictor to a `TrainingTable` the way LINAS chooses one: every candidate is cross-validated on the
/// training rows and the best, refitted on all of them, is kept. With a training fraction the rest of the
/// rows (a seeded `RowSplit`) are held out and scored.
public struct ModelFitting: Sendable {
    /// Fewer training rows than this cannot feed 5-fold cross-validation meaningfully.
    public static let minimumTrainingRows = 10
    /// Fewer held-out rows than this give no ranking figures.
    public static let minimumHeldOutRows = 2

    /// The candidates `swiftnas latency fit` cross-validates unless told otherwise.
    public static let defaultPredictorNames = ["ridge", "ridge-log", "quadratic", "quadratic-log", "gbt", "gbt-log"]

    /// The predictors to choose among, unfitted.
    public var candidates: [any Predictor]
    /// What cross-validation minimises.
    public var criterion: PredictorSelection.Criterion
    /// Seeds the split (stochastic candidates carry their own seed).
    public var seed: UInt64

    /// A fitting among `candidates` by `criterion`.
    public init(candidates: [any Predictor], criterion: PredictorSelection.Criterion, seed: UInt64) {
        self.candidates = candidates
        self.criterion = criterion
        self.seed = seed
    }

    /// What one fit produced.
    public struct Outcome: Sendable {
        /// The model file content.
        public var model: FittedModel
        /// The split of the table rows, when rows were held out.
        public var split: RowSplit?
        /// The held-out figures, when rows were held out.
        public var heldOut: RegressionScores?
    }

    /// Fits on `table` (all of it, or `trainingFraction` of its rows); `data` names the table in errors and in
    /// the training summary.
    public func fit(_ table: TrainingTable, target: TargetExpression, data: String, trainingFraction: Double?) throws -> Outcome {
        let count = table.targets.count
        let split = trainingFraction.map { RowSplit(count: count, trainingFraction: $0, seed: seed) }
        let trainingRows = split?.training ?? Array(0..<count)
        let heldOutRows = split?.heldOut ?? []
        guard trainingRows.count >= Self.minimumTrainingRows, split == nil || heldOutRows.count >= Self.minimumHeldOutRows else {
            throw InputError(source: data, "\(count) rows give \(trainingRows.count) training and \(heldOutRows.count) held-out rows; need at least \(Self.minimumTrainingRows)\(split == nil ? "" : " and \(Self.minimumHeldOutRows)")")
        }
        let features = table.features.selectingRows(trainingRows)
        let targets = trainingRows.map { table.targets[$0] }
        var selection = PredictorSelection(candidates: candidates, criterion: criterion)
        do { try selection.fit(features: features, targets: targets) } catch let error as PredictorError {
            throw InputError(source: data, error.message)
        }
        var heldOut: RegressionScores?
        if !heldOutRows.isEmpty {
            heldOut = RegressionScores(actual: heldOutRows.map { table.targets[$0] },
                                       predicted: selection.predict(table.features.selectingRows(heldOutRows)))
        }
        let summary = TrainingSummary(
            data: data, trainingRows: trainingRows.count, heldOutRows: heldOutRows.count, seed: seed,
            criterion: criterion.rawValue, candidateScores: Dictionary(selection.scores.map { ($0.name, $0.score) }, uniquingKeysWith: min),
            selected: selection.selected?.name ?? selection.name, heldOut: heldOut.map(HeldOutFigures.init))
        guard let model = FittedModel(fitted: selection, spec: table.spec, target: target,
                                      training: summary) else {
            throw InputError(source: data, "the chosen predictor \(summary.selected) cannot be saved")
        }
        return Outcome(model: model, split: split, heldOut: heldOut)
    }
}

extension RegressionScores {
    /// `mape=<percent> rmse=<x> kendall=<tau> spearman=<rho>`, the figures line of `swiftnas latency fit`.
    public var figuresLine: String {
        "mape=\(String(format: "%.4f", mape)) rmse=\(String(format: "%.6g", rmse)) kendall=\(String(format: "%.4f", kendall)) spearman=\(String(format: "%.4f", spearman))"
    }
}
