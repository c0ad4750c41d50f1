/// Picks the best of several predictors for the data at hand, as DyNAS-T's LINAS predictor picks between its
/// ridge and SVR searchers: each candidate is scored by k-fold cross-validation and the best one, fitted on all
/// the data, makes the predictions.
///
/// A `SelfTuningPredictor` scored by MAPE reports the cross-validated error of its own grid search (what
/// DyNAS-T compares, `GridSearchCV.best_score_`); other candidates are cross-validated here on the same folds.
public struct PredictorSelection: Predictor {
    /// What cross-validation minimises.
    public enum Criterion: String, Sendable, Hashable, CaseIterable {
        /// Mean absolute percentage error (DyNAS-T's `neg_mean_absolute_percentage_error` scoring).
        case mape
        /// Root mean squared error.
        case rmse
        /// One minus Kendall's τ (ranking quality, what a search needs most).
        case kendall
    }

    /// The predictors to choose from, unfitted.
    public var candidates: [any Predictor]
    /// The number of cross-validation folds.
    public var folds: Int
    /// The selection criterion.
    public var criterion: Criterion
    /// After `fit`: the chosen predictor, fitted on all the data.
    public private(set) var selected: (any Predictor)?
    /// After `fit`: each candidate's name and cross-validated score (lower is better), in candidate order.
    public private(set) var scores: [(name: String, score: Double)] = []

    /// The name it reports under.
    public var name: String

    /// A selection among `candidates` by `folds`-fold cross-validation on `criterion`.
    public init(candidates: [any Predictor], folds: Int = DyNASTGrids.folds, criterion: Criterion = .mape, name: String = "select") {
        precondition(!candidates.isEmpty, "selection needs at least one candidate")
        self.name = name
        self.candidates = candidates
        self.folds = folds
        self.criterion = criterion
    }

    /// DyNAS-T's LINAS predictor: ridge (α 0.1…10) against `SVR(gamma='auto', epsilon=0)` (C 1…100), by CV MAPE.
    public static var dynast: PredictorSelection {
        PredictorSelection(candidates: [RidgeRegression(), SupportVectorRegression.dynast], name: "linas")
    }

    public mutating func fit(features: Matrix, targets: [Double]) throws {
        try PredictorError.validate(features: features, targets: targets, minimumRows: max(folds, 2), predictor: name)
        let split = KFold(count: features.rows, folds: folds)
        var best: (any Predictor)?
        var bestScore = Double.infinity
        scores = []
        for candidate in candidates {
            var fitted = candidate
            try fitted.fit(features: features, targets: targets)
            let score: Double
            if criterion == .mape, let tuned = fitted as? any SelfTuningPredictor, let reported = tuned.crossValidationMAPE {
                score = reported
            } else {
                score = try crossValidate(candidate, features: features, targets: targets, split: split)
            }
            scores.append((candidate.name, score))
            if best == nil || score < bestScore {
                best = fitted
                bestScore = score
            }
        }
        selected = best
    }

    public func predict(_ features: Matrix) -> [Double] {
        guard let selected else { preconditionFailure("predict before fit") }
        return selected.predict(features)
    }

    /// The mean over folds of the criterion on each held-out fold (NaN scores count as worst).
    private func crossValidate(_ candidate: any Predictor, features: Matrix, targets: [Double], split: KFold) throws -> Double {
        var total = 0.0
        for fold in split.testRanges.indices {
            let train = split.trainingRows(fold)
            var model = candidate
            try model.fit(features: features.selectingRows(train), targets: train.map { targets[$0] })
            let test = split.testRanges[fold]
            let predicted = model.predict(features.selectingRows(test))
            let actual = Array(targets[test])
            let score: Double
            switch criterion {
            case .mape: score = RegressionMetrics.meanAbsolutePercentageError(actual: actual, predicted: predicted)
            case .rmse: score = RegressionMetrics.rootMeanSquaredError(actual: actual, predicted: predicted)
            case .kendall: score = 1 - RegressionMetrics.kendallTau(actual, predicted)
            }
            total += score.isNaN ? .infinity : score
        }
        return total / Double(split.testRanges.count)
    }
}
