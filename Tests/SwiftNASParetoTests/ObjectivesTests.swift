import Testing
@testable import SwiftNASPareto

@Suite struct ObjectivesTests {
    @Test func sensesTurnMaximaIntoMinima() {
        #expect(ObjectiveSense.maximize.toMinimization(3) == -3)
        #expect(ObjectiveSense.minimize.toMinimization(3) == 3)
        #expect(ObjectiveSense.maximize.fromMinimization(-3) == 3)
        let rows: [[Double]] = [[0.9, 100, 5], [0.8, 50, 7]]
        let senses: [ObjectiveSense] = [.maximize, .minimize, .maximize]
        let mins = Objectives.toMinimization(rows, senses: senses)
        #expect(mins == [[-0.9, 100, -5], [-0.8, 50, -7]])
        #expect(Objectives.minimizationMatrix(rows, senses: senses).rows == mins)
        #expect(mins.map { Objectives.fromMinimization($0, senses: senses) } == rows)
        #expect(Objectives.toMinimization([1, 2], senses: [.maximize]) == [-1, 2])
    }

    @Test func idealAndNadir() {
        let rows: [[Double]] = [[1, 5], [3, 2], [2, 4]]
        #expect(Objectives.ideal(rows) == [1, 2])
        #expect(Objectives.nadir(rows) == [3, 5])
        #expect(Objectives.ideal([]) == [])
    }

    @Test func minMaxNormalisation() throws {
        let norm = try #require(Normalization(ideal: [1, 2, 3], nadir: [3, 6, 3]))
        #expect(norm.normalize([2, 4, 5]) == [0.5, 0.5, 2])  // zero range: shifted only, as in pymoo
        #expect(norm.denormalize([0.5, 0.5, 2]) == [2, 4, 5])
        #expect(Normalization(ideal: [1], nadir: [1, 2]) == nil)
        let bounded = try #require(Normalization(bounding: [[1, 5], [3, 2]]))
        #expect(bounded.normalize([[1, 5], [3, 2]]) == [[0, 1], [1, 0]])
        #expect(Normalization(bounding: []) == nil)
    }

    @Test func igdAndIgdPlus() {
        let reference: [[Double]] = [[0, 1], [1, 0]]
        let front: [[Double]] = [[0, 2], [2, 0]]
        #expect(Indicators.igd(front: front, reference: reference) == 1)
        #expect(Indicators.igdPlus(front: front, reference: reference) == 1)
        // A point dominating the reference front has IGD+ 0 but IGD > 0.
        #expect(Indicators.igdPlus(front: [[-1, -1]], reference: reference) == 0)
        #expect(abs(Indicators.igd(front: [[0, 0]], reference: reference) - 1) < 1e-15)
        #expect(Indicators.gd(front: [[0, 2]], reference: reference) == 1)
        #expect(Indicators.gdPlus(front: [[0.5, 0.5]], reference: reference) == 0.5)
        #expect(Indicators.igd(front: front, reference: []).isNaN)
        #expect(Indicators.igd(front: [], reference: reference) == .infinity)
        #expect(Indicators.igdPlus(front: [[1, 2, 3]], reference: reference).isNaN)
    }
}
