/// Ridge regression (`minimize ‖y − Xw − b‖² + α‖w‖²`, intercept unpenalised by centring, as scikit-learn's
/// `Ridge`) with α chosen from a grid by k-fold cross-validated MAPE, as DyNAS-T's LINAS predictor does.
///
/// Each fold costs one eigendecomposition of the smaller Gram matrix (`XᵀX` when there are more samples than
/// features, the dual `XXᵀ` otherwise); every α of the grid then costs O(n·p), never a refit.
public struct RidgeRegression: SelfTuningPredictor {
    /// The candidate regularisation strengths; DyNAS-T's 0.1, 0.2, ..., 10 by default.
    public var alphas: [Double]
    /// The number of cross-validation folds.
    public var folds: Int
    /// The chosen α (after `fit`).
    public private(set) var alpha: Double?
    /// The fitted weights, one per feature.
    public private(set) var coefficients: [Double] = []
    /// The fitted intercept.
    public private(set) var intercept = 0.0
    public private(set) var crossValidationMAPE: Double?

    public var name: String { "ridge" }

    /// A ridge regression tuning α over `alphas` by `folds`-fold cross-validation (one α: no tuning).
    public init(alphas: [Double] = DyNASTGrids.ridgeAlphas, folds: Int = DyNASTGrids.folds) {
        precondition(!alphas.isEmpty && alphas.allSatisfy { $0 >= 0 }, "ridge needs at least one alpha ≥ 0")
        self.alphas = alphas
        self.folds = folds
    }

    public mutating func fit(features: Matrix, targets: [Double]) throws {
        try PredictorError.validate(features: features, targets: targets, minimumRows: alphas.count > 1 ? max(folds, 2) : 1, predictor: name)
        var chosen = alphas[0]
        crossValidationMAPE = nil
        if alphas.count > 1 {
            let split = KFold(count: features.rows, folds: folds)
            var errors = [Double](repeating: 0, count: alphas.count)
            for fold in split.testRanges.indices {
                let train = split.trainingRows(fold)
                let path = RidgePath(features: features.selectingRows(train), targets: train.map { targets[$0] })
                let test = split.testRanges[fold]
                let projected = path.project(features.selectingRows(test))
                let actual = Array(targets[test])
                for (a, alpha) in alphas.enumerated() {
                    errors[a] += RegressionMetrics.meanAbsolutePercentageError(
                        actual: actual, predicted: path.predict(projected: projected, alpha: alpha))
                }
            }
            // The first smallest mean error wins, as GridSearchCV's rank-based choice.
            var best = 0
            for a in errors.indices where errors[a] < errors[best] { best = a }
            chosen = alphas[best]
            crossValidationMAPE = errors[best] / Double(split.testRanges.count)
        }
        let path = RidgePath(features: features, targets: targets)
        coefficients = path.weights(alpha: chosen)
        intercept = path.targetMean - zip(path.featureMeans, coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        alpha = chosen
    }

    public func predict(_ features: Matrix) -> [Double] {
        precondition(alpha != nil, "predict before fit")
        return features.times(coefficients).map { $0 + intercept }
    }
}

/// The whole ridge solution path of one training set: `w(α) = Σₖ bₖ/(λₖ + α) · dₖ` over the eigenpairs
/// of the centred Gram matrix, so that any α costs O(p·rank).
struct RidgePath {
    let featureMeans: [Double]
    let targetMean: Double
    /// λₖ, clamped at zero against round-off.
    let eigenvalues: [Double]
    /// Row k: the direction dₖ in feature space (an eigenvector of XᵀX, or Xᵀuₖ for an eigenvector uₖ of XXᵀ).
    let directions: Matrix
    /// bₖ: the centred targets projected on the k-th eigenvector.
    let projectedTargets: [Double]

    init(features: Matrix, targets: [Double]) {
        featureMeans = features.columnMeans()
        let mean = targets.reduce(0, +) / Double(targets.count)
        targetMean = mean
        let centred = features.subtractingFromColumns(featureMeans)
        let centredTargets = targets.map { $0 - mean }
        if features.rows >= features.columns {
            let eigen = SymmetricEigendecomposition(centred.transposeTimesSelf())
            eigenvalues = eigen.eigenvalues.map { max($0, 0) }
            directions = eigen.eigenvectors
            projectedTargets = eigen.eigenvectors.times(centred.transposeTimes(centredTargets))
        } else {
            let eigen = SymmetricEigendecomposition(centred.timesTransposed(centred))
            eigenvalues = eigen.eigenvalues.map { max($0, 0) }
            directions = eigen.eigenvectors.times(centred)
            projectedTargets = eigen.eigenvectors.times(centredTargets)
        }
    }

    /// The centred rows of `features` against every direction (rows × rank): computed once per test fold.
    func project(_ features: Matrix) -> Matrix {
        features.subtractingFromColumns(featureMeans).timesTransposed(directions)
    }

    /// Predictions for rows already projected by `project`.
    func predict(projected: Matrix, alpha: Double) -> [Double] {
        let rank = eigenvalues.count
        var scaled = [Double](repeating: 0, count: rank)
        for k in 0..<rank {
            let denominator = eigenvalues[k] + alpha
            scaled[k] = denominator > 0 ? projectedTargets[k] / denominator : 0
        }
        return projected.times(scaled).map { $0 + targetMean }
    }

    /// The weights at `alpha`.
    func weights(alpha: Double) -> [Double] {
        var w = [Double](repeating: 0, count: directions.columns)
        for k in 0..<eigenvalues.count {
            let denominator = eigenvalues[k] + alpha
            guard denominator > 0 else { continue }
            let factor = projectedTargets[k] / denominator
            for c in 0..<directions.columns { w[c] += factor * directions[k, c] }
        }
        return w
    }
}
