import Foundation
import Testing
import SwiftNASPredictors

/// Cases from `benchmarks/predictors_metric_fixtures.py` (scikit-learn 1.9 / scipy 1.17).
struct MetricFixture: Decodable {
    struct Case: Decodable {
        var actual: [Double]
        var predicted: [Double]
        var mape: Double
        var rmse: Double
        var kendall: Double
        var spearman: Double
    }
    var cases: [Case]

    static func load() throws -> MetricFixture {
        let url = try #require(Bundle.module.url(forResource: "Reference/metrics", withExtension: "json"))
        return try JSONDecoder().decode(MetricFixture.self, from: Data(contentsOf: url))
    }
}

@Suite struct MetricsTests {
    @Test func matchScipyAndScikitLearn() throws {
        for (index, c) in try MetricFixture.load().cases.enumerated() {
            let scores = RegressionScores(actual: c.actual, predicted: c.predicted)
            #expect(abs(scores.mape - c.mape) < 1e-9 * max(1, c.mape), "case \(index) MAPE")
            #expect(abs(scores.rmse - c.rmse) < 1e-9 * max(1, c.rmse), "case \(index) RMSE")
            #expect(abs(scores.kendall - c.kendall) < 1e-12, "case \(index) Kendall")
            #expect(abs(scores.spearman - c.spearman) < 1e-12, "case \(index) Spearman")
        }
    }

    @Test func kendallMatchesQuadraticDefinitionWithTies() {
        let a: [Double] = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6]
        let b: [Double] = [2, 1, 1, 3, 4, 4, 4, 6, 5, 5]
        var concordant = 0, discordant = 0, tiesA = 0, tiesB = 0
        for i in 0..<a.count {
            for j in (i + 1)..<a.count {
                let s = (a[i] - a[j]) * (b[i] - b[j])
                if s > 0 { concordant += 1 } else if s < 0 { discordant += 1 }
                if a[i] == a[j] { tiesA += 1 }
                if b[i] == b[j] { tiesB += 1 }
            }
        }
        let pairs = Double(a.count * (a.count - 1) / 2)
        let expected = Double(concordant - discordant) / ((pairs - Double(tiesA)) * (pairs - Double(tiesB))).squareRoot()
        #expect(abs(RegressionMetrics.kendallTau(a, b) - expected) < 1e-12)
    }

    @Test func constantSequencesHaveNoCorrelation() {
        #expect(RegressionMetrics.kendallTau([1, 1, 1], [1, 2, 3]).isNaN)
        #expect(RegressionMetrics.spearmanRho([1, 2, 3], [4, 4, 4]).isNaN)
        #expect(RegressionMetrics.averageRanks([10, 20, 10, 30]) == [1.5, 3, 1.5, 4])
    }
}
