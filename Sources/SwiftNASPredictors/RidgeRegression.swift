/// Ridge regression (`minimize ‖y − Xw − b‖² + α‖w‖²`, intercept unpenalised by centring, as scikit-learn's
/// `Ridge`) with α chosen from a grid by k-fold cross-validated MAPE, as DyNAS-T's LINAS predictor does.
///
/// Each fold costs one Householder tridiagonalisation of the smaller centred Gram matrix (`XᵀX` when there are
/// more samples than features, the dual `XXᵀ` otherwise) — the first half of its eigendecomposition, all a
/// shifted solve needs; every α of the grid then costs a tridiagonal solve and O(n·p) predictions, never a refit.
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

    public var name: String { Self.name }

    /// A ridge regression tuning α (each > 0) over `alphas` by `folds`-fold cross-validation (one α: no tuning).
    public init(alphas: [Double] = DyNASTGrids.ridgeAlphas, folds: Int = DyNASTGrids.folds) {
        precondition(!alphas.isEmpty && alphas.allSatisfy { $0 > 0 }, "ridge needs at least one alpha > 0")
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

/// The whole ridge solution path of one training set. With the centred Gram matrix `G = Q T Qᵀ` reduced to
/// tridiagonal form once, `w(α) = Q (T + αI)⁻¹ Qᵀc` costs O(p) per α, and a prediction `xᵀw(α) = (Qᵀx)ᵀ(T + αI)⁻¹Qᵀc`
/// costs O(p) more per row once `Qᵀx` is known. With fewer samples than features the dual `XXᵀ` (n × n) is reduced
/// instead and weights are `Xᵀ(XXᵀ + αI)⁻¹y`.
struct RidgePath {
    let featureMeans: [Double]
    let targetMean: Double
    /// The reduction of `XᵀX` (primal) or `XXᵀ` (dual), centred.
    private let reduction: SymmetricTridiagonalization
    /// `Qᵀc` with c = Xᵀy (primal) or c = y (dual), centred.
    private let rotatedTargets: [Double]
    /// The centred training features, kept in the dual to map dual coefficients to weights.
    private let dualFeatures: Matrix?

    init(features: Matrix, targets: [Double]) {
        featureMeans = features.columnMeans()
        let mean = targets.reduce(0, +) / Double(targets.count)
        targetMean = mean
        let centred = features.subtractingFromColumns(featureMeans)
        let centredTargets = targets.map { $0 - mean }
        if features.rows >= features.columns {
            reduction = SymmetricTridiagonalization(centred.transposeTimesSelf())
            rotatedTargets = reduction.transposedQTimes(centred.transposeTimes(centredTargets))
            dualFeatures = nil
        } else {
            reduction = SymmetricTridiagonalization(centred.timesTransposed(centred))
            rotatedTargets = reduction.transposedQTimes(centredTargets)
            dualFeatures = centred
        }
    }

    /// Test rows in the rotated basis (`Qᵀx` for centred x in the primal, `Qᵀ(X x)` in the dual), computed once per fold.
    func project(_ features: Matrix) -> [[Double]] {
        let centred = features.subtractingFromColumns(featureMeans)
        let inBasis = dualFeatures.map { centred.timesTransposed($0) } ?? centred
        return (0..<inBasis.rows).map { reduction.transposedQTimes(inBasis.row($0)) }
    }

    /// Predictions at `alpha` for rows already projected by `project`.
    func predict(projected: [[Double]], alpha: Double) -> [Double] {
        let z = reduction.solveShifted(rotatedTargets, shift: alpha)
        return projected.map { row in
            var sum = targetMean
            for k in row.indices { sum += row[k] * z[k] }
            return sum
        }
    }

    /// The weights at `alpha`.
    func weights(alpha: Double) -> [Double] {
        let coefficients = reduction.qTimes(reduction.solveShifted(rotatedTargets, shift: alpha))
        return dualFeatures.map { $0.transposeTimes(coefficients) } ?? coefficients
    }
}

extension RidgeRegression: PersistentPredictor {
    public static let kind = "ridge"

    private enum CodingKeys: String, CodingKey { case alpha, coefficients, intercept }

    /// The chosen α (the only one left to try), the weights and the intercept.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let alpha = try container.decode(Double.self, forKey: .alpha)
        guard alpha > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .alpha, in: container, debugDescription: "must be > 0, got \(alpha)")
        }
        self.init(alphas: [alpha])
        self.alpha = alpha
        coefficients = try container.decode([Double].self, forKey: .coefficients)
        intercept = try container.decode(Double.self, forKey: .intercept)
    }

    public func encode(to encoder: Encoder) throws {
        guard let alpha else { throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "ridge is not fitted")) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alpha, forKey: .alpha)
        try container.encode(coefficients, forKey: .coefficients)
        try container.encode(intercept, forKey: .intercept)
    }

    public func checkFittedState(featureCount: Int) throws {
        try FittedStateError.requireCount(coefficients.count, featureCount, field: "coefficients")
        try FittedStateError.requireFinite(coefficients, field: "coefficients")
        try FittedStateError.requireFinite([intercept], field: "intercept")
    }
}
