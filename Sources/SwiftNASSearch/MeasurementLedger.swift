import SwiftNASCore
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSpace

/// What a predictor-guided tactic (LINAS, mobo) keeps about its measurements: every sub-network it asked for, by
/// canonical genes (so it never asks for one twice), and the features and metrics of those measured successfully,
/// in order.
struct MeasurementLedger: Sendable {
    /// How sub-networks become predictor features.
    enum Encoding: Sendable {
        /// One slot per gene value (DyNAS-T's `onehot_generic`): what LINAS's predictors see.
        case oneHot
        /// One-hot, then the value counts of every repeated parameter (`SearchSpace.valueCountFeatures`), in the
        /// same units (moving one gene to another value changes either block's squared distance by 2).
        case oneHotAndValueCounts
    }

    let space: SearchSpace
    let activity: GeneActivity
    let encoding: Encoding
    /// The width of `features`' rows.
    let featureColumns: Int
    private var asked: Set<[Int]> = []
    /// Features of the successful measurements.
    private(set) var features: [[Double]] = []
    /// Metrics of the successful measurements, in the same order.
    private(set) var metrics: [[String: Double]] = []

    init(space: SearchSpace, encoding: Encoding = .oneHot) {
        self.space = space
        self.encoding = encoding
        activity = GeneActivity(space: space)
        let oneHotColumns = space.choicesPerGene.reduce(0, +)
        featureColumns = encoding == .oneHot ? oneHotColumns : oneHotColumns + space.valueCountFeatureCount
    }

    /// A sub-network's genes with inactive ones canonicalised: equal keys, same sub-network.
    func key(_ configuration: Configuration) -> [Int] {
        var key = configuration.indices
        activity.canonicalize(&key)
        return key
    }

    func wasAsked(_ configuration: Configuration) -> Bool { asked.contains(key(configuration)) }

    /// The items whose sub-networks were never asked, each sub-network once (the first item for it), in order.
    func unasked<Item>(_ items: [Item], configuration: (Item) -> Configuration) -> [Item] {
        var keys = Set<[Int]>()
        return items.filter { item in
            let key = key(configuration(item))
            return !asked.contains(key) && keys.insert(key).inserted
        }
    }

    /// Records a sub-network as asked; false when it was asked before.
    mutating func markAsked(_ configuration: Configuration) -> Bool { asked.insert(key(configuration)).inserted }

    /// Keeps the features and metrics of the successful measurements.
    mutating func record(_ measurements: [Measurement]) {
        for measurement in measurements {
            guard let measured = measurement.metrics else { continue }
            features.append(featureRow(of: measurement.configuration))
            metrics.append(measured)
        }
    }

    /// The features of `configurations`, one row each.
    func featureMatrix(_ configurations: [Configuration]) -> Matrix {
        Matrix(rowArrays: configurations.map(featureRow(of:)), columns: featureColumns)
    }

    /// One sub-network's features under `encoding`.
    func featureRow(of configuration: Configuration) -> [Double] {
        let oneHot = space.oneHotFeatures(of: configuration, activity: activity)
        switch encoding {
        case .oneHot: return oneHot
        case .oneHotAndValueCounts: return oneHot + space.valueCountFeatures(of: configuration, activity: activity)
        }
    }

    /// Fills `batch` up to `size` with random sub-networks never asked before (gives up after 100 tries per place).
    /// Those of `configurations` not asked for yet (each sub-network once), now marked as asked: how a tactic's
    /// first batch starts with `TacticContext.initialConfigurations`.
    mutating func claim(_ configurations: [Configuration]) -> [Configuration] { configurations.filter { markAsked($0) } }

    mutating func topUp(_ batch: inout [Configuration], to size: Int, using rng: inout SeededRandom) {
        var attempts = 0
        while batch.count < size && attempts < 100 * size {
            attempts += 1
            let configuration = space.randomConfiguration(using: &rng)
            if markAsked(configuration) { batch.append(configuration) }
        }
    }
}

extension SearchGoal {
    /// The metrics a predictor-guided tactic models: the objectives, then the constrained metrics.
    var modelledMetrics: [String] {
        var names = objectives.map(\.metric)
        for constraint in constraints where !names.contains(constraint.metric) { names.append(constraint.metric) }
        return names
    }
}
