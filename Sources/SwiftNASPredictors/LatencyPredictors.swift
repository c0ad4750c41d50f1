import Foundation

/// Fits a base predictor to the logarithm of the targets and predicts the exponential of its output, so that
/// errors count relative to the target (what MAPE measures) and multiplicative effects — latency growing with
/// width *times* depth — become additive. Targets must be positive.
public struct LogTargetPredictor: Predictor {
    /// The predictor fitted in log space.
    public var base: any Predictor

    /// `base` fitted to log targets.
    public init(_ base: any Predictor) { self.base = base }

    public var name: String { base.name + "-log" }

    public mutating func fit(features: Matrix, targets: [Double]) throws {
        if let bad = targets.firstIndex(where: { !($0 > 0) }) {
            throw PredictorError("\(name): target \(bad) is \(targets[bad]); a log-target predictor needs positive targets")
        }
        try base.fit(features: features, targets: targets.map { log($0) })
    }

    public func predict(_ features: Matrix) -> [Double] { base.predict(features).map { exp($0) } }
}

extension LogTargetPredictor: PersistentPredictor {
    public static let kind = "log-target"

    private enum CodingKeys: String, CodingKey { case base }

    /// The base predictor fitted in log space, itself saved with its kind.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try container.decode(SavedPredictor.self, forKey: .base).predictor)
    }

    public func encode(to encoder: Encoder) throws {
        guard let base = base as? any PersistentPredictor else {
            throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "\(base.name) cannot be saved"))
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(SavedPredictor(base), forKey: .base)
    }

    public func checkFittedState(featureCount: Int) throws {
        guard let base = base as? any PersistentPredictor else { throw FittedStateError(field: "base", "\(base.name) cannot be saved") }
        do { try SavedPredictor(base).check(featureCount: featureCount) } catch let error as FittedStateError {
            throw error.nested(in: "base")
        }
    }
}
