import Testing
@testable import SwiftNASPredictors

/// The Gaussian copula the `mobo` tactic fits its models through.
@Suite struct EmpiricalDistributionTests {
    @Test func midRankProbabilitiesShareTiesAndStayInsideTheUnitInterval() {
        let distribution = EmpiricalDistribution([3, 1, 2, 2, .nan])
        #expect(distribution.sortedValues == [1, 2, 2, 3])
        #expect(distribution.probability(1) == 1.0 / 5)
        #expect(distribution.probability(2) == 2.5 / 5)
        #expect(distribution.probability(3) == 4.0 / 5)
        #expect(distribution.probability(0) == 0.5 / 5)
        #expect(distribution.probability(9) == 4.5 / 5)
        #expect(distribution.normalScore(2) == 0)
        #expect(distribution.normalScore(1) < distribution.normalScore(3))
    }

    @Test func valueAtProbabilityInvertsTheMeasuredValuesAndClamps() {
        let distribution = EmpiricalDistribution([10, 20, 40])
        for value in [10.0, 20, 40] {
            #expect(abs(distribution.value(atProbability: distribution.probability(value)) - value) < 1e-12)
        }
        #expect(abs(distribution.value(atProbability: 0.625) - 30) < 1e-12)
        #expect(distribution.value(atProbability: 0.01) == 10)
        #expect(distribution.value(atProbability: 0.99) == 40)
        #expect(EmpiricalDistribution([]).value(atProbability: 0.5).isNaN)
    }

    @Test func standardNormalQuantileInvertsTheCDF() {
        #expect(abs(StandardNormal.quantile(0.975) - 1.959963984540054) < 1e-12)
        #expect(abs(StandardNormal.quantile(0.5)) < 1e-15)
        for p in [1e-12, 1e-6, 0.01, 0.3, 0.7, 0.99, 1 - 1e-9] {
            #expect(abs(StandardNormal.cdf(StandardNormal.quantile(p)) - p) < 1e-12 * max(1, p / (1 - p)))
        }
        #expect(StandardNormal.quantile(0) == -.infinity && StandardNormal.quantile(1) == .infinity)
        #expect(StandardNormal.quantile(1.5).isNaN)
    }

    @Test func latentPredictionsMatchTheDirectFormulaAndExcludeTheNoise() throws {
        let rows: [[Double]] = [[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1], [1, 0, 1, 0], [0, 1, 1, 0]]
        let features = Matrix(rowArrays: rows)
        var process = GaussianProcess()
        try process.fit(features: features, targets: [0.3, 1.2, -0.4, 0.8, 2.0])
        let queries = Matrix(rowArrays: [[1, 0, 0, 1], [0, 0, 0, 1], [1, 1, 1, 1]])
        let latent = process.predictLatent(queries)
        let noisy = process.predictWithVariance(queries)
        #expect(latent.mean == noisy.mean)
        for r in 0..<3 {
            #expect(abs(noisy.variance[r] - latent.variance[r] - process.signalVariance * process.noiseRatio) < 1e-12)
            #expect(latent.variance[r] >= 0)
        }
        // A training input is known up to the noise; an input unlike any other is not.
        #expect(latent.variance[0] < latent.variance[2])
    }
}
