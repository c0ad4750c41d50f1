import SwiftNASAlgorithms
import SwiftNASPredictors
import SwiftNASSpace

extension TacticContext {
    /// Runs the context's algorithm for `innerEvaluations` evaluations of `predict` instead of real measurements
    /// (the inner search of predictor-guided tactics) and returns its final population and best sub-networks with
    /// their predicted evaluations, in survival order; nil when the algorithm cannot be made.
    ///
    /// `predict` maps the one-hot features of a batch (`ledger.featureMatrix`, one row per sub-network) to the
    /// evaluations the algorithm sees.
    func searchPredictions(seed: UInt64, ledger: MeasurementLedger, predict: (Matrix) -> [Evaluation])
        -> [(configuration: Configuration, predicted: Evaluation)]? {
        guard var algorithm = try? makeAlgorithm(seed: seed) else { return nil }
        var spent = 0
        while spent < innerEvaluations {
            var batch = algorithm.ask()
            if batch.isEmpty { break }
            if batch.count > innerEvaluations - spent { batch.removeLast(batch.count - (innerEvaluations - spent)) }
            let configurations = batch.map { space.configuration(genes: $0) }
            algorithm.tell(predict(ledger.featureMatrix(configurations)))
            spent += batch.count
        }
        let final = algorithm.population + algorithm.best
        return final.map { (space.configuration(genes: $0.genes), $0.evaluation) }
    }
}
