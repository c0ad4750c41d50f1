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
        let merged = table.mergingDuplicates(space: space)
        let split = RowSplit(count: merged.configurations.count, trainingFraction: trainingFraction, seed: seed)
        func rows(_ indices: [Int]) -> MeasurementTable {
            MeasurementTable(configurations: indices.map { merged.configurations[$0] }, targets: indices.map { merged.targets[$0] })
        }
        training = rows(split.training)
        test = rows(split.heldOut)
    }

    /// Fits `predictor` on the training rows and scores it on the test rows.
    public func score(_ predictor: any Predictor, space: SearchSpace, encoding: FeatureEncoding) throws -> RegressionScores {
        var model = predictor
        try model.fit(features: encoding.features(of: training.configurations, in: space), targets: training.targets)
        let predicted = model.predict(encoding.features(of: test.configurations, in: space))
        return RegressionScores(actual: test.targets, predicted: predicted)
    }
}
