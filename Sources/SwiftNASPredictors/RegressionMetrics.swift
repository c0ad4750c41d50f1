import Foundation

/// Scores of predictions against measured targets: the four figures DyNAS-T's `Predictor.get_metrics` reports
/// (MAPE in percent, RMSE, Kendall's τ-b and Spearman's ρ; `dynast/predictors/dynamic_predictor.py`).
public enum RegressionMetrics {
    /// Mean absolute percentage error, in percent: `100 · mean(|y − ŷ| / max(|y|, ε))` with ε the machine epsilon,
    /// as scikit-learn's `mean_absolute_percentage_error` (times 100, as DyNAS-T reports it).
    public static func meanAbsolutePercentageError(actual: [Double], predicted: [Double]) -> Double {
        precondition(actual.count == predicted.count, "actual and predicted differ in length")
        guard !actual.isEmpty else { return .nan }
        var sum = 0.0
        for i in actual.indices {
            sum += abs(actual[i] - predicted[i]) / max(abs(actual[i]), Double.ulpOfOne)
        }
        return 100 * sum / Double(actual.count)
    }

    /// Root mean squared error.
    public static func rootMeanSquaredError(actual: [Double], predicted: [Double]) -> Double {
        precondition(actual.count == predicted.count, "actual and predicted differ in length")
        guard !actual.isEmpty else { return .nan }
        var sum = 0.0
        for i in actual.indices {
            let d = actual[i] - predicted[i]
            sum += d * d
        }
        return (sum / Double(actual.count)).squareRoot()
    }

    /// Kendall's τ-b (ties in either sequence corrected, as `scipy.stats.kendalltau`), in O(n log n) by
    /// Knight's algorithm (1966): sort by (a, b), count tied groups, then count discordant pairs as the swaps
    /// of a merge sort on b. NaN when either sequence is constant.
    public static func kendallTau(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "sequences differ in length")
        let n = a.count
        guard n >= 2 else { return .nan }
        var order = Array(0..<n)
        order.sort { a[$0] < a[$1] || (a[$0] == a[$1] && b[$0] < b[$1]) }
        var tiedInA = 0, tiedInBoth = 0
        var runA = 1, runBoth = 1
        for k in 1..<n {
            let (i, j) = (order[k - 1], order[k])
            if a[i] == a[j] {
                runA += 1
                if b[i] == b[j] { runBoth += 1 } else { tiedInBoth += runBoth * (runBoth - 1) / 2; runBoth = 1 }
            } else {
                tiedInA += runA * (runA - 1) / 2
                tiedInBoth += runBoth * (runBoth - 1) / 2
                runA = 1; runBoth = 1
            }
        }
        tiedInA += runA * (runA - 1) / 2
        tiedInBoth += runBoth * (runBoth - 1) / 2

        var values = order.map { b[$0] }
        var buffer = values
        let swaps = mergeSortCountingSwaps(&values, &buffer, 0, n)
        var tiedInB = 0, runB = 1
        for k in 1..<n {
            if values[k] == values[k - 1] { runB += 1 } else { tiedInB += runB * (runB - 1) / 2; runB = 1 }
        }
        tiedInB += runB * (runB - 1) / 2

        let pairs = n * (n - 1) / 2
        let concordantMinusDiscordant = pairs - tiedInA - tiedInB + tiedInBoth - 2 * swaps
        let denominator = (Double(pairs - tiedInA) * Double(pairs - tiedInB)).squareRoot()
        guard denominator > 0 else { return .nan }
        return Double(concordantMinusDiscordant) / denominator
    }

    /// Sorts `values[lower..<upper]` ascending and returns how many inversions (strictly greater before smaller) it removed.
    private static func mergeSortCountingSwaps(_ values: inout [Double], _ buffer: inout [Double], _ lower: Int, _ upper: Int) -> Int {
        guard upper - lower > 1 else { return 0 }
        let middle = (lower + upper) / 2
        var swaps = mergeSortCountingSwaps(&values, &buffer, lower, middle)
        swaps += mergeSortCountingSwaps(&values, &buffer, middle, upper)
        var left = lower, right = middle, out = lower
        while left < middle && right < upper {
            if values[right] < values[left] {
                buffer[out] = values[right]; right += 1
                swaps += middle - left
            } else {
                buffer[out] = values[left]; left += 1
            }
            out += 1
        }
        while left < middle { buffer[out] = values[left]; left += 1; out += 1 }
        while right < upper { buffer[out] = values[right]; right += 1; out += 1 }
        for k in lower..<upper { values[k] = buffer[k] }
        return swaps
    }

    /// Spearman's ρ: the Pearson correlation of the ranks, tied values sharing their average rank
    /// (as `scipy.stats.spearmanr`). NaN when either sequence is constant.
    public static func spearmanRho(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "sequences differ in length")
        guard a.count >= 2 else { return .nan }
        return pearson(averageRanks(a), averageRanks(b))
    }

    /// Ranks starting at 1, tied values getting the mean of the ranks they span.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 1) / 2
            for k in start..<end { ranks[order[k]] = rank }
            start = end
        }
        return ranks
    }

    /// Pearson's correlation coefficient; NaN when either sequence is constant.
    public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let meanA = a.reduce(0, +) / n, meanB = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            let da = a[i] - meanA, db = b[i] - meanB
            sab += da * db; saa += da * da; sbb += db * db
        }
        guard saa > 0 && sbb > 0 else { return .nan }
        return sab / (saa * sbb).squareRoot()
    }
}

/// The four held-out figures of one predictor.
public struct RegressionScores: Sendable, Hashable {
    /// Mean absolute percentage error, percent.
    public var mape: Double
    /// Root mean squared error, in target units.
    public var rmse: Double
    /// Kendall's τ-b between targets and predictions.
    public var kendall: Double
    /// Spearman's ρ between targets and predictions.
    public var spearman: Double

    /// Scores `predicted` against `actual`.
    public init(actual: [Double], predicted: [Double]) {
        mape = RegressionMetrics.meanAbsolutePercentageError(actual: actual, predicted: predicted)
        rmse = RegressionMetrics.rootMeanSquaredError(actual: actual, predicted: predicted)
        kendall = RegressionMetrics.kendallTau(actual, predicted)
        spearman = RegressionMetrics.spearmanRho(actual, predicted)
    }
}
