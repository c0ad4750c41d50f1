import Foundation
import Testing
@testable import SwiftNASPredictors

/// scikit-learn results from `benchmarks/predictors_model_fixtures.py`.
struct ModelFixture: Decodable {
    struct Linear: Decodable { var coef: [Double]; var intercept: Double; var prediction: [Double] }
    struct Kernel: Decodable { var prediction: [Double] }
    struct RidgeSearch: Decodable { var alpha: Double; var mape: Double; var mape_per_alpha: [Double] }
    struct SVRSearch: Decodable { var cost: Double; var mape: Double; var mape_per_cost: [Double] }
    var train_x: [[Double]]
    var train_y: [Double]
    var test_x: [[Double]]
    var ridge_alpha_1_3: Linear
    var svr_c10_eps01_scale: Kernel
    var svr_c3_eps0_auto: Kernel
    var ridge_search: RidgeSearch
    var svr_search: SVRSearch

    var train: Matrix { Matrix(rowArrays: train_x) }
    var test: Matrix { Matrix(rowArrays: test_x) }

    static func load() throws -> ModelFixture {
        let url = try #require(Bundle.module.url(forResource: "Reference/models", withExtension: "json"))
        return try JSONDecoder().decode(ModelFixture.self, from: Data(contentsOf: url))
    }
}

func maxDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct LinearAlgebraTests {
    @Test func tridiagonalizationSolvesShiftedSystems() {
        var rng = SplitMix(seed: 3)
        let n = 17
        let x = Matrix(rows: 25, columns: n, storage: (0..<(25 * n)).map { _ in rng.next() })
        let gram = x.transposeTimesSelf()
        let reduction = SymmetricTridiagonalization(gram)
        let b = (0..<n).map { _ in rng.next() }
        for shift in [0.1, 1, 10] {
            let solution = reduction.qTimes(reduction.solveShifted(reduction.transposedQTimes(b), shift: shift))
            var residual = gram.times(solution)
            for i in 0..<n { residual[i] += shift * solution[i] - b[i] }
            #expect(residual.map(abs).max()! < 1e-10)
        }
        // Q is orthogonal: Qᵀ(Q z) = z.
        #expect(maxDifference(reduction.transposedQTimes(reduction.qTimes(b)), b) < 1e-12)
    }

    @Test func choleskySolves() throws {
        let a = Matrix(rowArrays: [[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]])
        let factor = try #require(CholeskyFactor(a))
        let x = factor.solve([1, 2, 3])
        #expect(maxDifference(a.times(x), [1, 2, 3]) < 1e-12)
        #expect(CholeskyFactor(Matrix(rowArrays: [[1, 2], [2, 1]])) == nil)
    }
}

/// A tiny deterministic generator for test matrices.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1.0p-53 - 0.5
    }
}

@Suite struct RidgeTests {
    @Test func fixedAlphaMatchesScikitLearn() throws {
        let f = try ModelFixture.load()
        var ridge = RidgeRegression(alphas: [1.3])
        try ridge.fit(features: f.train, targets: f.train_y)
        #expect(maxDifference(ridge.coefficients, f.ridge_alpha_1_3.coef) < 1e-9)
        #expect(abs(ridge.intercept - f.ridge_alpha_1_3.intercept) < 1e-9)
        #expect(maxDifference(ridge.predict(f.test), f.ridge_alpha_1_3.prediction) < 1e-9)
    }

    @Test func dualPathMatchesPrimalWhenFewerSamplesThanFeatures() throws {
        var rng = SplitMix(seed: 11)
        let x = Matrix(rows: 6, columns: 10, storage: (0..<60).map { _ in rng.next() })
        let y = (0..<6).map { _ in 10 + rng.next() }
        let dual = RidgePath(features: x, targets: y).weights(alpha: 0.7)
        // Primal normal equations (XcᵀXc + αI) w = Xcᵀyc, checked by residual.
        let means = x.columnMeans()
        let centred = x.subtractingFromColumns(means)
        let yMean = y.reduce(0, +) / 6
        var lhs = centred.transposeTimesSelf()
        for i in 0..<10 { lhs[i, i] += 0.7 }
        #expect(maxDifference(lhs.times(dual), centred.transposeTimes(y.map { $0 - yMean })) < 1e-10)
    }

    @Test func gridSearchMatchesGridSearchCV() throws {
        let f = try ModelFixture.load()
        var ridge = RidgeRegression()
        try ridge.fit(features: f.train, targets: f.train_y)
        #expect(abs((ridge.alpha ?? 0) - f.ridge_search.alpha) < 1e-9)
        #expect(abs((ridge.crossValidationMAPE ?? 0) - f.ridge_search.mape) < 1e-9)
    }

    @Test func rejectsMismatchedTargets() {
        var ridge = RidgeRegression()
        #expect(throws: PredictorError.self) { try ridge.fit(features: Matrix(rows: 3, columns: 2), targets: [1, 2]) }
        #expect(throws: PredictorError.self) { try ridge.fit(features: Matrix(rows: 3, columns: 2), targets: [1, 2, 3]) }
    }
}

@Suite struct QuadraticRidgeTests {
    @Test func fitsAnInteractionALinearModelCannot() throws {
        // y = 3 + 2·a·b − b²: exact in the expanded features, out of a linear model's reach.
        var rng = SplitMix(seed: 5)
        let rows = (0..<60).map { _ in [rng.next() * 4, rng.next() * 2 + 1, rng.next()] }
        let y = rows.map { 3 + 2 * $0[0] * $0[1] - $0[1] * $0[1] }
        let test = (0..<20).map { _ in [rng.next() * 4, rng.next() * 2 + 1, rng.next()] }
        let truth = test.map { 3 + 2 * $0[0] * $0[1] - $0[1] * $0[1] }
        var quadratic = QuadraticRidge(ridge: RidgeRegression(alphas: [1e-8]))
        try quadratic.fit(features: Matrix(rowArrays: rows), targets: y)
        #expect(maxDifference(quadratic.predict(Matrix(rowArrays: test)), truth) < 1e-5)
        var linear = RidgeRegression(alphas: [1e-8])
        try linear.fit(features: Matrix(rowArrays: rows), targets: y)
        #expect(maxDifference(linear.predict(Matrix(rowArrays: test)), truth) > 0.5)
        #expect(QuadraticRidge.expandedCount(3) == 9)
    }

    @Test func aConstantFeatureIsKeptAndHarmless() throws {
        var rng = SplitMix(seed: 6)
        let rows = (0..<30).map { _ in [rng.next(), 7.0] }
        var quadratic = QuadraticRidge()
        try quadratic.fit(features: Matrix(rowArrays: rows), targets: rows.map { 1 + $0[0] })
        #expect(quadratic.scale[1] == 1)
        #expect(quadratic.predict(Matrix(rowArrays: rows)).allSatisfy { $0.isFinite })
    }
}

@Suite struct SupportVectorRegressionTests {
    @Test func fixedCostMatchesLibsvm() throws {
        let f = try ModelFixture.load()
        var svr = SupportVectorRegression(costs: [10])
        try svr.fit(features: f.train, targets: f.train_y)
        // Both solvers stop at the same 1e-3 KKT tolerance, so predictions agree to about that.
        #expect(maxDifference(svr.predict(f.test), f.svr_c10_eps01_scale.prediction) < 5e-3)
        var auto = SupportVectorRegression(costs: [3], epsilon: 0, kernelWidth: .auto)
        try auto.fit(features: f.train, targets: f.train_y)
        #expect(maxDifference(auto.predict(f.test), f.svr_c3_eps0_auto.prediction) < 5e-3)
    }

    @Test func warmStartedGridSearchMatchesGridSearchCV() throws {
        let f = try ModelFixture.load()
        var svr = SupportVectorRegression()
        try svr.fit(features: f.train, targets: f.train_y)
        let chosen = try #require(svr.cost)
        // The chosen C is within the tolerance-level noise of scikit-learn's optimum.
        let index = Int(chosen) - 1
        #expect(f.svr_search.mape_per_cost[index] - f.svr_search.mape < 0.01)
        #expect(abs((svr.crossValidationMAPE ?? 0) - f.svr_search.mape) < 0.01)
    }

    @Test func solverSatisfiesEqualityAndBoxConstraints() throws {
        let f = try ModelFixture.load()
        let distances = f.train.squaredDistances(to: f.train)
        let all = Array(0..<f.train.rows)
        var solver = EpsilonSVRSolver(kernel: SupportVectorRegression.kernel(distances, rows: all, columns: all, gamma: 0.1),
                                      targets: f.train_y, epsilon: 0.1, tolerance: 1e-6, maximumIterations: 100_000)
        for cost in [1.0, 5, 50] {
            solver.solve(cost: cost)
            #expect(abs(solver.coefficients.reduce(0, +)) < 1e-9)
            #expect(solver.coefficients.allSatisfy { abs($0) <= cost + 1e-12 })
        }
    }
}

@Suite struct SelectionTests {
    @Test func picksTheLowestCrossValidatedError() throws {
        let f = try ModelFixture.load()
        var selection = PredictorSelection.dynast
        try selection.fit(features: f.train, targets: f.train_y)
        #expect(selection.name == "linas")
        #expect(selection.scores.map(\.name) == ["ridge", "svr"])
        let best = try #require(selection.scores.min { $0.score < $1.score })
        #expect(selection.selected?.name == best.name)
        #expect(selection.predict(f.test).count == f.test.rows)
    }

    @Test func crossValidatesCandidatesThatDoNotTuneThemselves() throws {
        let f = try ModelFixture.load()
        var selection = PredictorSelection(candidates: [RidgeRegression(alphas: [1]), RidgeRegression(alphas: [1000])], criterion: .rmse)
        try selection.fit(features: f.train, targets: f.train_y)
        #expect(selection.scores[0].score < selection.scores[1].score)
        #expect((selection.selected as? RidgeRegression)?.alpha == 1)
    }
}
