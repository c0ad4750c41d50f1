import Foundation

/// Ridge regression on the standardised features and every product of two of them (squares included), so that
/// interactions a linear model misses — latency growing with layers × width × FFN size — are fitted too, with the
/// same α tuning as `RidgeRegression`. With more expanded features than rows the ridge works in its dual form, so
/// one-hot spaces of a hundred features stay cheap at LINAS's sample sizes.
public struct QuadraticRidge: Predictor {
    /// The ridge fitted on the expanded features.
    public var ridge: RidgeRegression
    /// Per feature: its mean over the training rows, set by `fit`.
    public private(set) var mean: [Double] = []
    /// Per feature: its standard deviation over the training rows (1 for a constant feature), set by `fit`.
    public private(set) var scale: [Double] = []

    /// A quadratic ridge tuning α over `ridge`'s grid.
    public init(ridge: RidgeRegression = RidgeRegression()) { self.ridge = ridge }

    public var name: String { Self.name }

    public mutating func fit(features: Matrix, targets: [Double]) throws {
        try PredictorError.validate(features: features, targets: targets, minimumRows: 2, predictor: name)
        mean = features.columnMeans()
        scale = (0..<features.columns).map { column in
            var sum = 0.0
            for row in 0..<features.rows {
                let d = features[row, column] - mean[column]
                sum += d * d
            }
            let deviation = (sum / Double(features.rows)).squareRoot()
            return deviation > 0 ? deviation : 1
        }
        try ridge.fit(features: expand(features), targets: targets)
    }

    public func predict(_ features: Matrix) -> [Double] { ridge.predict(expand(features)) }

    /// The number of expanded features for `count` original ones: the features, then the products of each pair
    /// (i ≤ j).
    static func expandedCount(_ count: Int) -> Int { count + count * (count + 1) / 2 }

    /// Each row standardised, followed by the products of its standardised values i ≤ j.
    func expand(_ features: Matrix) -> Matrix {
        let p = features.columns, width = Self.expandedCount(p)
        var storage = [Double](repeating: 0, count: features.rows * width)
        var z = [Double](repeating: 0, count: p)
        for row in 0..<features.rows {
            let base = row * width
            for column in 0..<p {
                z[column] = (features[row, column] - mean[column]) / scale[column]
                storage[base + column] = z[column]
            }
            var at = base + p
            for i in 0..<p {
                for j in i..<p {
                    storage[at] = z[i] * z[j]
                    at += 1
                }
            }
        }
        return Matrix(rows: features.rows, columns: width, storage: storage)
    }
}

extension QuadraticRidge: SelfTuningPredictor {
    public var crossValidationMAPE: Double? { ridge.crossValidationMAPE }
}

extension QuadraticRidge: PersistentPredictor {
    public static let kind = "quadratic"

    private enum CodingKeys: String, CodingKey { case mean, scale, ridge }

    /// The standardisation and the fitted ridge over the expanded features.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(ridge: try container.decode(RidgeRegression.self, forKey: .ridge))
        mean = try container.decode([Double].self, forKey: .mean)
        scale = try container.decode([Double].self, forKey: .scale)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mean, forKey: .mean)
        try container.encode(scale, forKey: .scale)
        try container.encode(ridge, forKey: .ridge)
    }

    public func checkFittedState(featureCount: Int) throws {
        try FittedStateError.requireCount(mean.count, featureCount, field: "mean")
        try FittedStateError.requireCount(scale.count, featureCount, field: "scale")
        try FittedStateError.requireFinite(mean, field: "mean")
        try FittedStateError.requireFinite(scale, field: "scale")
        if let bad = scale.firstIndex(where: { !($0 > 0) }) {
            throw FittedStateError(field: "scale[\(bad)]", "must be > 0")
        }
        do { try ridge.checkFittedState(featureCount: Self.expandedCount(featureCount)) } catch let error as FittedStateError {
            throw error.nested(in: "ridge")
        }
    }
}
