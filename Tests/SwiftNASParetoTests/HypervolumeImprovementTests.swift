import Testing
import SwiftNASCore
@testable import SwiftNASPareto

/// Hypervolume improvement of many candidates at once equals the difference of two exact hypervolumes.
@Suite struct HypervolumeImprovementTests {
    @Test(arguments: [2, 3, 4])
    func equalsTheDifferenceOfExactHypervolumes(dimension: Int) {
        var rng = SeededRandom(seed: UInt64(dimension))
        let reference = [Double](repeating: 1, count: dimension)
        for _ in 0..<20 {
            let front = (0..<(1 + rng.nextIndex(8))).map { _ in (0..<dimension).map { _ in rng.nextUnit() * 1.2 } }
            let candidates = (0..<30).map { _ in (0..<dimension).map { _ in rng.nextUnit() * 1.2 } }
            let gains = HypervolumeImprovement.of(candidates, over: front, reference: reference)
            let base = Hypervolume.compute(front, reference: reference)
            for (candidate, gain) in zip(candidates, gains) {
                let expected = Hypervolume.compute(front + [candidate], reference: reference) - base
                #expect(abs(gain - expected) < 1e-12)
            }
        }
    }

    @Test func dominatedOrOutsideCandidatesAddNothing() {
        let front = [[0.2, 0.6], [0.5, 0.3]]
        let gains = HypervolumeImprovement.of([[0.6, 0.7], [1.2, 0.1], [0.5, 0.3], [0.1, 0.1]], over: front, reference: [1, 1])
        #expect(gains[0] == 0 && gains[1] == 0 && gains[2] == 0)
        #expect(abs(gains[3] - (Hypervolume.compute(front + [[0.1, 0.1]], reference: [1, 1]) - Hypervolume.compute(front, reference: [1, 1]))) < 1e-12)
        #expect(HypervolumeImprovement.of([[0.5, 0.5]], over: [], reference: [1, 1]) == [0.25])
    }
}
