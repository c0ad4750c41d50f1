/// Gradient-boosted regression trees for squared error (Friedman, *Annals of Statistics* 29, 2001): each tree
/// of depth ≤ `depth` is fitted to the residuals of the ensemble so far and added scaled by `shrinkage`.
///
/// Splits are exact: every feature is sorted once, and each tree level finds the best threshold of every
/// node in one pass per feature, so a tree costs O(depth · features · samples). Defaults follow
/// scikit-learn's `GradientBoostingRegressor` (shrinkage 0.1, depth 3), with 200 trees and leaves of at least
/// 3 samples to suit the few hundred samples LINAS fits on. Deterministic: no subsampling.
public struct GradientBoostedTrees: Predictor {
    /// The number of trees.
    public var trees: Int
    /// The maximum depth of each tree.
    public var depth: Int
    /// The learning rate each tree is scaled by.
    public var shrinkage: Double
    /// The fewest samples a leaf may hold.
    public var minimumLeafSamples: Int
    private var initialPrediction = 0.0
    private var ensemble: [RegressionTree] = []
    private var fitted = false

    public var name: String { Self.name }

    /// A boosted ensemble of `trees` trees of depth ≤ `depth`.
    public init(trees: Int = 200, depth: Int = 3, shrinkage: Double = 0.1, minimumLeafSamples: Int = 3) {
        precondition(trees >= 1 && depth >= 1 && shrinkage > 0 && minimumLeafSamples >= 1, "invalid boosting settings")
        self.trees = trees
        self.depth = depth
        self.shrinkage = shrinkage
        self.minimumLeafSamples = minimumLeafSamples
    }

    public mutating func fit(features: Matrix, targets: [Double]) throws {
        try PredictorError.validate(features: features, targets: targets, minimumRows: 2, predictor: name)
        let n = features.rows
        let sortedByFeature = (0..<features.columns).map { c in (0..<n).sorted { features[$0, c] < features[$1, c] } }
        initialPrediction = targets.reduce(0, +) / Double(n)
        var current = [Double](repeating: initialPrediction, count: n)
        ensemble = []
        for _ in 0..<trees {
            let residuals = (0..<n).map { targets[$0] - current[$0] }
            let tree = RegressionTree(features: features, targets: residuals, sortedByFeature: sortedByFeature,
                                      depth: depth, minimumLeafSamples: minimumLeafSamples, scale: shrinkage)
            for r in 0..<n { current[r] += tree.predict(features, row: r) }
            ensemble.append(tree)
        }
        fitted = true
    }

    public func predict(_ features: Matrix) -> [Double] {
        precondition(fitted, "predict before fit")
        return (0..<features.rows).map { r in
            ensemble.reduce(initialPrediction) { $0 + $1.predict(features, row: r) }
        }
    }
}

/// One least-squares regression tree stored as a complete binary tree (node k has children 2k+1 and 2k+2).
struct RegressionTree: Sendable {
    /// The split feature of each node, or −1 for a leaf.
    private var feature: [Int]
    private var threshold: [Double]
    /// The (already scaled) output of each leaf.
    private var value: [Double]

    init(features: Matrix, targets: [Double], sortedByFeature: [[Int]], depth: Int, minimumLeafSamples: Int, scale: Double) {
        let nodes = (1 << (depth + 1)) - 1
        feature = [Int](repeating: -1, count: nodes)
        threshold = [Double](repeating: 0, count: nodes)
        value = [Double](repeating: 0, count: nodes)
        let n = targets.count
        var nodeOf = [Int](repeating: 0, count: n)
        var count = [Int](repeating: 0, count: nodes), sum = [Double](repeating: 0, count: nodes)
        for r in 0..<n { count[0] += 1; sum[0] += targets[r] }
        var open: [Int] = [0]
        for _ in 0..<depth {
            // Best split per open node: (gain, feature, threshold).
            var best = [Int: (gain: Double, feature: Int, threshold: Double)]()
            var isOpen = [Bool](repeating: false, count: nodes)
            for k in open where count[k] >= 2 * minimumLeafSamples { isOpen[k] = true }
            var leftCount = [Int](repeating: 0, count: nodes), leftSum = [Double](repeating: 0, count: nodes)
            var lastValue = [Double](repeating: 0, count: nodes)
            for (c, order) in sortedByFeature.enumerated() {
                for k in open { leftCount[k] = 0; leftSum[k] = 0 }
                for r in order {
                    let k = nodeOf[r]
                    guard isOpen[k] else { continue }
                    let x = features[r, c]
                    let nl = leftCount[k]
                    if nl >= minimumLeafSamples && count[k] - nl >= minimumLeafSamples && x != lastValue[k] {
                        let sl = leftSum[k], sr = sum[k] - sl, nr = count[k] - nl
                        let gain = sl * sl / Double(nl) + sr * sr / Double(nr) - sum[k] * sum[k] / Double(count[k])
                        if gain > (best[k]?.gain ?? 1e-12) { best[k] = (gain, c, (x + lastValue[k]) / 2) }
                    }
                    leftCount[k] += 1
                    leftSum[k] += targets[r]
                    lastValue[k] = x
                }
            }
            var next: [Int] = []
            for k in open {
                guard let split = best[k] else { continue }
                feature[k] = split.feature
                threshold[k] = split.threshold
                next.append(2 * k + 1)
                next.append(2 * k + 2)
            }
            if next.isEmpty { break }
            for k in next { count[k] = 0; sum[k] = 0 }
            for r in 0..<n where best[nodeOf[r]] != nil {
                let k = nodeOf[r]
                let child = features[r, feature[k]] <= threshold[k] ? 2 * k + 1 : 2 * k + 2
                nodeOf[r] = child
                count[child] += 1
                sum[child] += targets[r]
            }
            open = next
        }
        for k in 0..<nodes where feature[k] < 0 && count[k] > 0 { value[k] = scale * sum[k] / Double(count[k]) }
    }

    /// The tree's output for one row.
    func predict(_ features: Matrix, row: Int) -> Double {
        var k = 0
        while feature[k] >= 0 { k = features[row, feature[k]] <= threshold[k] ? 2 * k + 1 : 2 * k + 2 }
        return value[k]
    }
}

extension GradientBoostedTrees: PersistentPredictor {
    public static let kind = "gbt"

    private enum CodingKeys: String, CodingKey { case trees, depth, shrinkage, minimumLeafSamples, initialPrediction, ensemble }

    /// The boosting settings, the initial prediction and every tree (complete binary arrays of split feature,
    /// threshold and scaled leaf value).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let trees = try container.decode(Int.self, forKey: .trees)
        let depth = try container.decode(Int.self, forKey: .depth)
        let shrinkage = try container.decode(Double.self, forKey: .shrinkage)
        let minimumLeafSamples = try container.decode(Int.self, forKey: .minimumLeafSamples)
        guard trees >= 1, depth >= 1, depth < 31, shrinkage > 0, minimumLeafSamples >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .trees, in: container, debugDescription: "invalid boosting settings (trees, depth, shrinkage, leaf size)")
        }
        self.init(trees: trees, depth: depth, shrinkage: shrinkage, minimumLeafSamples: minimumLeafSamples)
        initialPrediction = try container.decode(Double.self, forKey: .initialPrediction)
        ensemble = try container.decode([RegressionTree].self, forKey: .ensemble)
        fitted = true
    }

    public func encode(to encoder: Encoder) throws {
        guard fitted else { throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath, debugDescription: "gbt is not fitted")) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(trees, forKey: .trees)
        try container.encode(depth, forKey: .depth)
        try container.encode(shrinkage, forKey: .shrinkage)
        try container.encode(minimumLeafSamples, forKey: .minimumLeafSamples)
        try container.encode(initialPrediction, forKey: .initialPrediction)
        try container.encode(ensemble, forKey: .ensemble)
    }

    public func checkFittedState(featureCount: Int) throws {
        try FittedStateError.requireFinite([initialPrediction], field: "initialPrediction")
        try FittedStateError.requireCount(ensemble.count, trees, field: "ensemble")
        for (t, tree) in ensemble.enumerated() {
            do { try tree.check(featureCount: featureCount, depth: depth) } catch let error as FittedStateError {
                throw error.nested(in: "ensemble[\(t)]")
            }
        }
    }
}

extension RegressionTree: Codable {
    /// Checks the arrays line up as a complete tree of depth ≤ `depth` whose splits read existing features.
    func check(featureCount: Int, depth: Int) throws {
        let nodes = (1 << (depth + 1)) - 1
        try FittedStateError.requireCount(feature.count, nodes, field: "feature")
        try FittedStateError.requireCount(threshold.count, nodes, field: "threshold")
        try FittedStateError.requireCount(value.count, nodes, field: "value")
        for k in 0..<nodes where feature[k] >= 0 {
            guard feature[k] < featureCount else {
                throw FittedStateError(field: "feature[\(k)]", "is \(feature[k]), outside the \(featureCount) features")
            }
            guard 2 * k + 2 < nodes else { throw FittedStateError(field: "feature[\(k)]", "splits a node at the last level") }
        }
        try FittedStateError.requireFinite(threshold, field: "threshold")
        try FittedStateError.requireFinite(value, field: "value")
    }
}
