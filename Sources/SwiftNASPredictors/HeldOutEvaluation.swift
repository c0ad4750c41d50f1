import SwiftNASCore
import SwiftNASSpace

/// Fits predictors on a seeded fraction of a measurement table and scores them on the rest, as
/// `swiftnas predictor evaluate` reports.
public struct HeldOutEvaluation: Sendable {
    /// The rows predictors are fitted on.
    public var training: MeasurementTable
    /// The held-out rows they are scored on.
    public var test: MeasurementTable

    /// Merges duplicate sub-networks of `table` (so none is on both sides), shuffles with `seed` and puts the
    /// first `trainingFraction` of the rows (rounded) in training.
    public init(table: MeasurementTable, space: SearchSpace, trainingFraction: Double, seed: UInt64) {
        precondition(trainingFraction > 0 && trainingFraction < 1, "the training fraction lies strictly between 0 and 1")
        let merged = table.mergingDuplicates(space: space)
        var order = Array(merged.configurations.indices)
        var rng = SeededRandom(seed: seed)
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.nextIndex(i + 1)) }
        }
        let cut = Int((trainingFraction * Double(order.count)).rounded())
        func rows(_ slice: ArraySlice<Int>) -> MeasurementTable {
            MeasurementTable(configurations: slice.map { merged.configurations[$0] }, targets: slice.map { merged.targets[$0] })
        }
        training = rows(order[..<cut])
        test = rows(order[cut...])
    }

    /// Fits `predictor` on the training rows and scores it on the test rows.
    public func score(_ predictor: any Predictor, space: SearchSpace, encoding: FeatureEncoding) throws -> RegressionScores {
        var model = predictor
        try model.fit(features: encoding.features(of: training.configurations, in: space), targets: training.targets)
        let predicted = model.predict(encoding.features(of: test.configurations, in: space))
        return RegressionScores(actual: test.targets, predicted: predicted)
    }
}

/// The predictors SwiftNAS offers, by name, in report order.
public enum PredictorCatalog {
    /// Every predictor type with its default settings; `seed` drives the stochastic ones.
    public static func single(seed: UInt64) -> [any Predictor] {
        [RidgeRegression(), SupportVectorRegression(), MultilayerPerceptron(seed: seed), GradientBoostedTrees(), GaussianProcess()]
    }

    /// The single predictors, then DyNAS-T's LINAS selection (`linas`: ridge or DyNAS-T's SVR) and the selection
    /// among all single predictors by cross-validated MAPE (`select`).
    public static func all(seed: UInt64) -> [any Predictor] {
        single(seed: seed) + [PredictorSelection.dynast, PredictorSelection(candidates: single(seed: seed))]
    }
}
