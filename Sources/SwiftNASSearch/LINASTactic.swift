import SwiftNASAlgorithms
import SwiftNASCore
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSpace

/// `linas`: Lightweight Iterative NAS (Cummings et al., 2022), DyNAS-T's core method.
///
/// 1. Measure a random population for real.
/// 2. Fit one predictor per objective (and per constrained metric) on everything measured so far, on one-hot
///    features of the sub-networks (DyNAS-T: ridge vs SVR chosen by cross-validated MAPE).
/// 3. Run the algorithm on the predictors for `innerEvaluations` predicted evaluations.
/// 4. Measure `measuredPerIteration` new sub-networks of the inner run's final population (never one measured
///    before; topped up at random), chosen greedily by predicted hypervolume contribution to the measured front,
///    most promising first, and repeat from 2. DyNAS-T measures a whole population per iteration in survival
///    order; a fifth of a population (the default, 10 of 50) refits the predictors five times as often for the
///    same budget, which finds better fronts sooner (docs/benchmarks/search-quality.md) at an overhead of about
///    half a second per refit on 250 measurements (docs/benchmarks/linas-overhead.md).
public struct LINASTactic: RegisteredTactic {
    public static let name = "linas"
    public static let summary = "iterate: fit predictors on all measurements, search them, measure the result"

    let context: TacticContext
    /// Makes the per-metric predictor (`TacticContext.makePredictor`: DyNAS-T's selection by default).
    let makePredictor: @Sendable () -> any Predictor
    var rng: SeededRandom
    var iteration = 0
    var ledger: MeasurementLedger
    /// The predictor each metric's last fit chose (the candidate, for a selection).
    var fittedPredictors: [String: String] = [:]
    public private(set) var lastIteration: TacticIteration?

    public init(context: TacticContext) throws {
        try self.init(context: context, predictor: context.makePredictor)
    }

    /// A LINAS tactic with a custom predictor per metric.
    public init(context: TacticContext, predictor: @escaping @Sendable () -> any Predictor) throws {
        // Fails now, not at the first inner search, for an algorithm that cannot take these objectives.
        _ = try context.makeAlgorithm(seed: context.seed)
        self.context = context
        self.ledger = MeasurementLedger(space: context.space)
        self.makePredictor = predictor
        self.rng = SeededRandom(seed: context.seed)
    }

    /// How many sub-networks the current iteration measures.
    var batchSize: Int {
        iteration == 0 ? context.populationSize : max(1, context.measuredPerIteration ?? context.populationSize / 5)
    }

    public mutating func ask() -> [Configuration] {
        defer { iteration += 1 }
        let size = batchSize
        var batch = iteration == 0 ? ledger.claim(context.initialConfigurations) : []
        var predicted: [Int: [String: Double]] = [:]
        fittedPredictors = [:]
        if iteration > 0, let proposals = innerSearch() {
            let fresh = ledger.unasked(proposals) { $0.configuration }
            for index in Self.orderByPredictedContribution(fresh.map(\.predicted), measured: measuredEvaluations, count: size) {
                let configuration = fresh[index].configuration
                if ledger.markAsked(configuration) {
                    predicted[batch.count] = predictedObjectives(fresh[index].predicted)
                    batch.append(configuration)
                }
            }
        }
        lastIteration = fittedPredictors.isEmpty ? nil : TacticIteration(iteration: iteration, predictors: fittedPredictors, predicted: predicted)
        ledger.topUp(&batch, to: size, using: &rng)
        return batch
    }

    public mutating func tell(_ measurements: [Measurement]) { ledger.record(measurements) }

    /// The measured sub-networks as the algorithm sees them (minimised objectives, constraint values).
    var measuredEvaluations: [Evaluation] {
        ledger.metrics.map { context.goal.evaluation(from: $0) }
    }

    /// The order in which to measure `count` of the inner run's proposals: greedily, the proposal whose predicted
    /// objectives add the most hypervolume to the measured feasible front plus the proposals already chosen (so a
    /// batch starts with its most promising sub-networks and spreads along the front instead of crowding one
    /// region); proposals predicted infeasible or adding nothing follow in the inner run's survival order.
    /// Hypervolume is taken on objectives normalised by the range of the measured and proposed points, with the
    /// reference 10 % beyond their nadir.
    static func orderByPredictedContribution(_ proposals: [Evaluation], measured: [Evaluation], count: Int) -> [Int] {
        let feasibleMeasured = measured.map(\.objectives).filter { $0.allSatisfy(\.isFinite) }
            .enumerated().filter { measured[$0.offset].violation == 0 }.map(\.element)
        let candidates = proposals.indices.filter { proposals[$0].violation == 0 && proposals[$0].objectives.allSatisfy(\.isFinite) }
        guard let dimension = proposals.first?.objectives.count, dimension > 0, !candidates.isEmpty else {
            return Array(proposals.indices.prefix(count))
        }
        var low = [Double](repeating: .infinity, count: dimension), high = [Double](repeating: -.infinity, count: dimension)
        for point in feasibleMeasured + candidates.map({ proposals[$0].objectives }) {
            for k in 0..<dimension { low[k] = min(low[k], point[k]); high[k] = max(high[k], point[k]) }
        }
        let scale = (0..<dimension).map { high[$0] > low[$0] ? high[$0] - low[$0] : 1 }
        let normalise = { (point: [Double]) in (0..<dimension).map { (point[$0] - low[$0]) / scale[$0] } }
        let reference = [Double](repeating: 1.1, count: dimension)
        var front = feasibleMeasured.map(normalise)
        var volume = Hypervolume.compute(front, reference: reference)
        var remaining = candidates
        var order: [Int] = []
        while order.count < count, !remaining.isEmpty {
            var best = -1, bestGain = 0.0
            for (position, index) in remaining.enumerated() {
                let gain = Hypervolume.compute(front + [normalise(proposals[index].objectives)], reference: reference) - volume
                if gain > bestGain { best = position; bestGain = gain }
            }
            if best < 0 { break }
            let chosen = remaining.remove(at: best)
            order.append(chosen)
            front.append(normalise(proposals[chosen].objectives))
            volume += bestGain
        }
        for index in proposals.indices where order.count < count && !order.contains(index) { order.append(index) }
        return order
    }

    /// A predicted evaluation's objectives in the user's units, by metric.
    private func predictedObjectives(_ evaluation: Evaluation) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: zip(context.goal.objectives, evaluation.objectives).map { ($0.metric, $0.sense.fromMinimization($1)) })
    }

    /// Fits the predictors and runs the inner search: its final population with the predicted evaluations, in
    /// survival order; nil when there is too little data to fit.
    mutating func innerSearch() -> [(configuration: Configuration, predicted: Evaluation)]? {
        let matrix = Matrix(rowArrays: ledger.features, columns: ledger.featureColumns)
        var predictors: [String: any Predictor] = [:]
        var chosen: [String: String] = [:]
        for metric in context.goal.modelledMetrics {
            var predictor = makePredictor()
            do { try predictor.fit(features: matrix, targets: ledger.metrics.map { $0[metric] ?? .nan }) } catch { return nil }
            predictors[metric] = predictor
            chosen[metric] = (predictor as? PredictorSelection)?.selected?.name ?? predictor.name
        }
        fittedPredictors = chosen
        return context.searchPredictions(seed: rng.next(), ledger: ledger) { batch in
            var predicted: [String: [Double]] = [:]
            for (metric, predictor) in predictors { predicted[metric] = predictor.predict(batch) }
            return (0..<batch.rows).map { row in context.goal.evaluation(from: predicted.mapValues { $0[row] }) }
        }
    }
}
