/// A regression model fitted on measured sub-networks to predict one metric (accuracy, latency, MACs) of
/// sub-networks not yet measured, as LINAS does between its rounds of measurement.
///
/// Conforming types are small values: their properties are the hyper-parameters (and, for stochastic
/// models, a seed), and `fit` stores the fitted state in place. Fitting twice on the same data with the
/// same settings gives the same model.
public protocol Predictor: Sendable {
    /// A short name for reports (`ridge`, `svr`, ...).
    var name: String { get }
    /// Fits the model on `features` (one row per sample) and `targets` (one per row).
    mutating func fit(features: Matrix, targets: [Double]) throws
    /// Predicts the target of every row of `features`. The predictor must have been fitted.
    func predict(_ features: Matrix) -> [Double]
}

/// A predictor that also gives its uncertainty: a predictive variance per row (in squared target units).
public protocol UncertaintyPredictor: Predictor {
    /// The predictive mean and variance of every row of `features`.
    func predictWithVariance(_ features: Matrix) -> (mean: [Double], variance: [Double])
}

/// A predictor that tunes its own hyper-parameters by k-fold cross-validation while fitting (DyNAS-T's
/// `GridSearchCV`), and reports the cross-validated error of the setting it kept.
public protocol SelfTuningPredictor: Predictor {
    /// The mean k-fold MAPE (percent) of the chosen hyper-parameters on the data of the last fit.
    var crossValidationMAPE: Double? { get }
}

/// Why a predictor could not be fitted.
public struct PredictorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in a few words.
    public var message: String

    /// An error saying `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// Checks the shapes and values every predictor needs: one finite target per row, finite features and at
    /// least `minimumRows` rows.
    static func validate(features: Matrix, targets: [Double], minimumRows: Int, predictor: String) throws {
        if features.rows != targets.count {
            throw PredictorError("\(predictor): \(features.rows) feature rows but \(targets.count) targets")
        }
        if features.rows < minimumRows {
            throw PredictorError("\(predictor): needs at least \(minimumRows) samples, got \(features.rows)")
        }
        if let bad = targets.firstIndex(where: { !$0.isFinite }) {
            throw PredictorError("\(predictor): target \(bad) is not a finite number")
        }
        if features.storage.contains(where: { !$0.isFinite }) {
            throw PredictorError("\(predictor): features contain a non-finite value")
        }
    }
}

/// Contiguous k-fold splits, as scikit-learn's `KFold(n_splits: k)` without shuffling (GridSearchCV's default
/// for regressors): the first `n mod k` folds hold one extra sample.
public struct KFold: Sendable, Hashable {
    /// The held-out rows of each fold.
    public let testRanges: [Range<Int>]
    /// The number of samples split.
    public let count: Int

    /// Splits `count` samples into `folds` folds; `folds` must be between 2 and `count`.
    public init(count: Int, folds: Int) {
        precondition(folds >= 2 && folds <= count, "k-fold needs 2 ≤ folds ≤ samples")
        self.count = count
        var ranges: [Range<Int>] = []
        var start = 0
        for f in 0..<folds {
            let size = count / folds + (f < count % folds ? 1 : 0)
            ranges.append(start..<(start + size))
            start += size
        }
        testRanges = ranges
    }

    /// The training rows of fold `fold` (every row outside its test range), ascending.
    public func trainingRows(_ fold: Int) -> [Int] {
        let test = testRanges[fold]
        return Array(0..<test.lowerBound) + Array(test.upperBound..<count)
    }
}

/// Hyper-parameter grids of DyNAS-T's LINAS predictor (`dynast/predictors/dynamic_predictor.py`,
/// `Predictor.DEFAULT_ALPHAS` and `DEFAULT_COST_FACTORS`, IntelLabs/DyNAS-T).
public enum DyNASTGrids {
    /// Ridge alphas `np.arange(0.1, 10.1, 0.1)`: 0.1, 0.2, ..., 10.0 (100 values).
    public static let ridgeAlphas: [Double] = (1...100).map { Double($0) / 10 }
    /// SVR cost factors `np.arange(1.0, 101.0, 1.0)`: 1, 2, ..., 100 (100 values).
    public static let svrCosts: [Double] = (1...100).map(Double.init)
    /// The number of cross-validation folds (scikit-learn's `GridSearchCV` default, `cv=5`).
    public static let folds = 5
}
