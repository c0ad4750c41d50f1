import SwiftNASAlgorithms
import SwiftNASCore
import SwiftNASPredictors
import SwiftNASSpace

/// `linas`: Lightweight Iterative NAS (Cummings et al., 2022), DyNAS-T's core method.
///
/// 1. Measure a random population for real.
/// 2. Fit one predictor per objective (and per constrained metric) on everything measured so far, on one-hot
///    features of the sub-networks (DyNAS-T: ridge vs SVR chosen by cross-validated MAPE).
/// 3. Run the algorithm on the predictors for `innerEvaluations` predicted evaluations.
/// 4. Measure the first `measuredPerIteration` new sub-networks of the inner run's final population, in its
///    survival order (never one measured before; topped up from the inner run's best and then at random),
///    and repeat from 2. DyNAS-T measures a whole population per iteration; half a population (the default)
///    refits the predictors twice as often for the same budget, which finds better fronts sooner
///    (docs/benchmarks/search-quality.md).
public struct LINASTactic: RegisteredTactic {
    public static let name = "linas"
    public static let summary = "iterate: fit predictors on all measurements, search them, measure the result"

    let context: TacticContext
    let activity: GeneActivity
    /// Makes the per-metric predictor (DyNAS-T's selection by default).
    let makePredictor: @Sendable () -> any Predictor
    var rng: SeededRandom
    var iteration = 0
    var seen: Set<[Int]> = []
    var features: [[Double]] = []
    var measuredMetrics: [[String: Double]] = []

    public init(context: TacticContext) throws {
        try self.init(context: context, predictor: { PredictorSelection.dynast })
    }

    /// A LINAS tactic with a custom predictor per metric.
    public init(context: TacticContext, predictor: @escaping @Sendable () -> any Predictor) throws {
        // Fails now, not at the first inner search, for an algorithm that cannot take these objectives.
        _ = try context.makeAlgorithm(seed: context.seed)
        self.context = context
        self.activity = GeneActivity(space: context.space)
        self.makePredictor = predictor
        self.rng = SeededRandom(seed: context.seed)
    }

    /// How many sub-networks the current iteration measures.
    var batchSize: Int {
        iteration == 0 ? context.populationSize : max(1, context.measuredPerIteration ?? context.populationSize / 2)
    }

    public mutating func ask() -> [Configuration] {
        defer { iteration += 1 }
        let size = batchSize
        var batch: [Configuration] = []
        if iteration > 0, let proposals = innerSearch() {
            for configuration in proposals where batch.count < size {
                if markSeen(configuration) { batch.append(configuration) }
            }
        }
        var attempts = 0
        while batch.count < size && attempts < 100 * size {
            attempts += 1
            let configuration = context.space.randomConfiguration(using: &rng)
            if markSeen(configuration) { batch.append(configuration) }
        }
        return batch
    }

    public mutating func tell(_ measurements: [Measurement]) {
        for measurement in measurements {
            guard let metrics = measurement.metrics else { continue }
            features.append(context.space.oneHotFeatures(of: measurement.configuration, activity: activity))
            measuredMetrics.append(metrics)
        }
    }

    /// Records a sub-network as asked; false when it was asked before.
    private mutating func markSeen(_ configuration: Configuration) -> Bool {
        var key = configuration.indices
        activity.canonicalize(&key)
        return seen.insert(key).inserted
    }

    /// The metrics the predictors model: objectives, then constrained metrics.
    var predictedMetrics: [String] {
        var names = context.goal.objectives.map(\.metric)
        for constraint in context.goal.constraints where !names.contains(constraint.metric) { names.append(constraint.metric) }
        return names
    }

    /// Fits the predictors and runs the inner search; nil when there is too little data to fit.
    mutating func innerSearch() -> [Configuration]? {
        let matrix = Matrix(rowArrays: features, columns: context.space.choicesPerGene.reduce(0, +))
        var predictors: [String: any Predictor] = [:]
        for metric in predictedMetrics {
            var predictor = makePredictor()
            do { try predictor.fit(features: matrix, targets: measuredMetrics.map { $0[metric] ?? .nan }) } catch { return nil }
            predictors[metric] = predictor
        }
        let innerSeed = rng.next()
        guard var algorithm = try? context.makeAlgorithm(seed: innerSeed) else { return nil }
        var spent = 0
        while spent < context.innerEvaluations {
            var batch = algorithm.ask()
            if batch.isEmpty { break }
            if batch.count > context.innerEvaluations - spent { batch.removeLast(batch.count - (context.innerEvaluations - spent)) }
            let configurations = batch.map { context.space.configuration(genes: $0) }
            let batchFeatures = Matrix(rowArrays: configurations.map { context.space.oneHotFeatures(of: $0, activity: activity) },
                                       columns: matrix.columns)
            var predicted: [String: [Double]] = [:]
            for (metric, predictor) in predictors { predicted[metric] = predictor.predict(batchFeatures) }
            algorithm.tell(configurations.indices.map { row in
                context.goal.evaluation(from: predicted.mapValues { $0[row] })
            })
            spent += batch.count
        }
        let final = algorithm.population + algorithm.best
        return final.map { context.space.configuration(genes: $0.genes) }
    }
}
