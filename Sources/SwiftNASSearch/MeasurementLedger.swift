import SwiftNASCore
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSpace

/// What a predictor-guided tactic (LINAS, mobo) keeps about its measurements: every sub-network it asked for, by
/// canonical genes (so it never asks for one twice), and the one-hot features and metrics of those measured
/// successfully, in order.
struct MeasurementLedger: Sendable {
    let space: SearchSpace
    let activity: GeneActivity
    /// One-hot features per gene value: the width of `features`' rows.
    let featureColumns: Int
    private var asked: Set<[Int]> = []
    /// One-hot features of the successful measurements.
    private(set) var features: [[Double]] = []
    /// Metrics of the successful measurements, in the same order.
    private(set) var metrics: [[String: Double]] = []

    init(space: SearchSpace) {
        self.space = space
        activity = GeneActivity(space: space)
        featureColumns = space.choicesPerGene.reduce(0, +)
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
            features.append(space.oneHotFeatures(of: measurement.configuration, activity: activity))
            metrics.append(measured)
        }
    }

    /// The one-hot features of `configurations`, one row each.
    func featureMatrix(_ configurations: [Configuration]) -> Matrix {
        Matrix(rowArrays: configurations.map { space.oneHotFeatures(of: $0, activity: activity) }, columns: featureColumns)
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
