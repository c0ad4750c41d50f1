import Testing
@testable import SwiftNASPareto

/// The original hypervolume by slicing (HSO), kept as an independent reference.
enum NaiveHypervolume {
    static func compute(_ points: [[Double]], reference: [Double]) -> Double {
        let inside = points.filter { p in zip(p, reference).allSatisfy { $0 < $1 } }
        if inside.isEmpty { return 0 }
        return slice(inside, reference: reference)
    }

    static func slice(_ points: [[Double]], reference: [Double]) -> Double {
        let m = reference.count
        if m == 1 { return reference[0] - points.map { $0[0] }.min()! }
        let sorted = points.sorted { $0[m - 1] < $1[m - 1] }
        var volume = 0.0
        let lowerReference = Array(reference.prefix(m - 1))
        for (i, p) in sorted.enumerated() {
            let top = i + 1 < sorted.count ? sorted[i + 1][m - 1] : reference[m - 1]
            let height = top - p[m - 1]
            if height <= 0 { continue }
            let projected = sorted[0...i].map { Array($0.prefix(m - 1)) }
            volume += height * slice(projected, reference: lowerReference)
        }
        return volume
    }
}

/// Independent references for five and more objectives.
enum HypervolumeChecks {
    /// WFG one level deep, written out here: points in decreasing order of the last objective, each adding its
    /// box minus the volume of the later points pushed up to it (a thickness times a 4-D volume from the 4-D sweep).
    static func wfgOverFourD(_ points: [[Double]], reference: [Double]) -> Double {
        let m = reference.count
        let inside = points.filter { p in zip(p, reference).allSatisfy { $0 < $1 } }.sorted { $0[m - 1] > $1[m - 1] }
        let lower = Array(reference.prefix(m - 1))
        var volume = 0.0
        for (k, p) in inside.enumerated() {
            let box = (0..<(m - 1)).reduce(1.0) { $0 * (reference[$1] - p[$1]) }
            let limit = inside[(k + 1)...].map { q in (0..<(m - 1)).map { max(p[$0], q[$0]) } }
            volume += (reference[m - 1] - p[m - 1]) * (box - Hypervolume.compute(limit, reference: lower))
        }
        return volume
    }

    /// For integer points and reference: the number of unit cells [c, c + 1) of the reference box that some point
    /// weakly dominates (c ≥ p coordinate-wise), which is the hypervolume exactly.
    static func gridCount(_ points: [[Int]], reference: [Int]) -> Int {
        let m = reference.count
        var cell = [Int](repeating: 0, count: m)
        var covered = 0
        while true {
            if points.contains(where: { p in (0..<m).allSatisfy { p[$0] <= cell[$0] } }) { covered += 1 }
            var k = 0
            while k < m {
                cell[k] += 1
                if cell[k] < reference[k] { break }
                cell[k] = 0
                k += 1
            }
            if k == m { return covered }
        }
    }
}

@Suite struct HypervolumeTests {
    @Test func edgeCases() {
        #expect(Hypervolume.compute([], reference: [1, 1]) == 0)
        #expect(Hypervolume.compute([[2, 0]], reference: [1, 1]) == 0)
        #expect(Hypervolume.compute([[1, 0]], reference: [1, 1]) == 0)  // on the reference boundary
        #expect(Hypervolume.compute([[0.5, .nan]], reference: [1, 1]) == 0)
        #expect(Hypervolume.compute([[0.5]], reference: [1]) == 0.5)
        #expect(Hypervolume.compute([[0.5, 0.5, 0.5]], reference: [1, 1, 1]) == 0.125)
        #expect(Hypervolume.compute([[0.5, 0.5, 0.5, 0.5]], reference: [1, 1, 1, 1]) == 0.0625)
        #expect(Hypervolume.compute([[1, 2], [1]], reference: [3, 3]).isNaN)
        #expect(Hypervolume.compute([[1, 2]], reference: [3, 3, 3]).isNaN)
    }

    @Test(arguments: [2, 3, 4, 5])
    func duplicatesCountOnce(m: Int) {
        let p = [Double](repeating: 0.5, count: m)
        let q = (0..<m).map { $0 == 0 ? 0.25 : 0.75 }
        let once = Hypervolume.compute([p, q], reference: [Double](repeating: 1, count: m))
        let thrice = Hypervolume.compute([p, q, p, q, p], reference: [Double](repeating: 1, count: m))
        #expect(closeRelative(once, thrice, 1e-14))
    }

    @Test(arguments: [2, 3, 4, 5, 6])
    func matchesSlicingOnRandomSets(m: Int) {
        var random = TestRandom(seed: UInt64(77 + m))
        let reference = [Double](repeating: 0.9, count: m)
        for trial in 0..<25 {
            let n = 1 + random.int(m >= 5 ? 12 : 40)
            let levels = [0, 0, 3, 6, 10][trial % 5]
            let points = random.points(n, m, levels: levels).map { row in row.map { levels > 0 ? $0 / Double(levels) : $0 } }
            let expected = NaiveHypervolume.compute(points, reference: reference)
            let hv = Hypervolume.compute(points, reference: reference)
            #expect(closeRelative(hv, expected, 1e-12), "m=\(m) n=\(n): \(hv) vs \(expected)")
        }
    }

    @Test func sweep3DMatchesSlicingOnLargerTiedSets() {
        var random = TestRandom(seed: 99)
        for levels in [0, 4, 12] {
            let points = random.points(200, 3, levels: levels).map { row in row.map { levels > 0 ? $0 / Double(levels) : $0 } }
            let reference: [Double] = [0.95, 1, 0.9]
            let expected = NaiveHypervolume.compute(points, reference: reference)
            #expect(closeRelative(Hypervolume.compute(points, reference: reference), expected, 1e-12))
        }
    }

    @Test func sweep4DMatchesSlicingOnLargerTiedSets() {
        // Enough points for the kept projections to hold left, lower and inner points of each new box at once.
        var random = TestRandom(seed: 41)
        for levels in [0, 3, 8] {
            let points = random.points(70, 4, levels: levels).map { row in row.map { levels > 0 ? $0 / Double(levels) : $0 } }
            let reference: [Double] = [0.95, 1, 0.9, 1.05]
            let expected = NaiveHypervolume.compute(points, reference: reference)
            #expect(closeRelative(Hypervolume.compute(points, reference: reference), expected, 1e-12), "levels \(levels)")
        }
    }

    @Test func sweep3DOnSphereMatchesWFGSlicing() {
        // The 3-D sweep against the generic WFG recursion on one more (constant) objective.
        var random = TestRandom(seed: 3)
        var points: [[Double]] = []
        for _ in 0..<150 {
            let v = (0..<3).map { _ in random.unit() + 1e-3 }
            let norm = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).squareRoot()
            points.append(v.map { $0 / norm })
        }
        let hv3 = Hypervolume.compute(points, reference: [1.1, 1.1, 1.1])
        let hv4 = Hypervolume.compute(points.map { $0 + [0] }, reference: [1.1, 1.1, 1.1, 1])
        #expect(closeRelative(hv3, hv4, 1e-12))
    }

    @Test func mixedDirectionsUseUserUnits() {
        // Accuracy (max) vs MACs (min), reference: accuracy 70, MACs 600e6.
        let rows: [[Double]] = [[80, 400e6], [75, 200e6], [65, 100e6], [90, 700e6]]
        let hv = Hypervolume.compute(rows, reference: [70, 600e6], senses: [.maximize, .minimize])
        // Staircase: (75, 200e6) covers 5 × 400e6, (80, 400e6) adds 5 × 200e6.
        #expect(closeRelative(hv, 5 * 400e6 + 5 * 200e6, 1e-15))
        #expect(Hypervolume.minimizationReference([70, 600e6], senses: [.maximize, .minimize]) == [-70, 600e6])
        #expect(Hypervolume.compute(rows, reference: [70, 600e6], senses: [.maximize]).isNaN)
    }

    @Test func referencePointIsFactorTimesNadir() {
        #expect(Hypervolume.referencePoint(nadir: [1, 1]) == [1.1, 1.1])
        #expect(Objectives.referencePoint(nadir: [2, 4], factor: 2) == [4, 8])
        let front: [[Double]] = [[0, 1], [0.5, 0.3], [1, 0]]
        #expect(Hypervolume.referencePoint(nadir: Objectives.nadir(front)) == [1.1, 1.1])
    }

    @Test(arguments: [5, 6])
    func matchesGridCountOnIntegerSets(m: Int) {
        // Integer coordinates 0…6 against a reference of 4–6 per objective: ties in every coordinate, duplicates,
        // dominated points and points on or beyond the reference. Integer arithmetic in doubles is exact here.
        var random = TestRandom(seed: UInt64(500 + m))
        for trial in 0..<12 {
            let reference = (0..<m).map { _ in (m == 5 ? 4 : 3) + random.int(3) }
            let n = 1 + random.int(trial < 6 ? 15 : 70)
            let points = random.points(n, m, levels: 7).map { $0.map { Int($0) } }
            let expected = HypervolumeChecks.gridCount(points, reference: reference)
            let hv = Hypervolume.compute(points.map { $0.map(Double.init) }, reference: reference.map(Double.init))
            #expect(hv == Double(expected), "m=\(m) n=\(n) trial \(trial): \(hv) vs \(expected) cells")
        }
    }

    @Test func sweep5DMatchesWFGOnRandomSets() {
        // Continuous, tied and spherical sets with repeated and dominated points and some beyond the reference.
        var random = TestRandom(seed: 5)
        let reference: [Double] = [0.95, 1, 0.9, 1.05, 0.97]
        for trial in 0..<16 {
            let n = 5 + random.int(90)
            var points: [[Double]]
            switch trial % 4 {
            case 0: points = random.points(n, 5, levels: 0)
            case 1: points = random.points(n, 5, levels: 5).map { $0.map { $0 / 5 } }
            default:
                points = (0..<n).map { _ in
                    let v = (0..<5).map { _ in random.unit() + 1e-3 }
                    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    return v.map { $0 / norm }
                }
            }
            if trial % 4 == 3 {
                // Shifted copies: dominated points, and points pushed onto or past the reference.
                for k in 0..<(n / 4) {
                    var q = points[random.int(points.count)]
                    let axis = random.int(5)
                    q[axis] = k % 2 == 0 ? q[axis] + 0.05 : reference[axis]
                    points.append(q)
                }
                points.append([Double](repeating: 1.2, count: 5))
            }
            let expected = HypervolumeChecks.wfgOverFourD(points, reference: reference)
            let hv = Hypervolume.compute(points, reference: reference)
            #expect(closeRelative(hv, expected, 1e-12), "trial \(trial) n=\(points.count): \(hv) vs \(expected)")
        }
    }

    @Test func sweep5DEdgeCases() {
        let r: [Double] = [1, 1, 1, 1, 1]
        #expect(Hypervolume.compute([[0.5, 0.5, 0.5, 0.5, 0.5]], reference: r) == 0.03125)
        // Two points equal but in f5: the lower one hides the other.
        #expect(Hypervolume.compute([[0.5, 0.5, 0.5, 0.5, 0.7], [0.5, 0.5, 0.5, 0.5, 0.5]], reference: r) == 0.03125)
        // All points on the reference boundary or beyond: nothing inside.
        #expect(Hypervolume.compute([[1, 0, 0, 0, 0], [0, 0, 0, 0, 2]], reference: r) == 0)
        // Two incomparable points: inclusion–exclusion.
        let a: [Double] = [0.2, 0.6, 0.5, 0.5, 0.5], b: [Double] = [0.6, 0.2, 0.5, 0.5, 0.5]
        let expected = 0.8 * 0.4 * 0.125 + 0.4 * 0.8 * 0.125 - 0.4 * 0.4 * 0.125
        #expect(closeRelative(Hypervolume.compute([a, b, a], reference: r), expected, 1e-15))
    }

    @Test func rankSetNeighbours() {
        for capacity in [1, 5, 64, 65, 4096, 4097, 300_000] {
            var set = RankSet(capacity: capacity)
            var members = Set<Int>()
            var random = TestRandom(seed: UInt64(capacity))
            for step in 0..<2000 {
                let i = random.int(capacity)
                if step % 3 == 2 { set.remove(i); members.remove(i) } else { set.insert(i); members.insert(i) }
                let probe = random.int(capacity)
                #expect(set.successor(of: probe) == (members.filter { $0 > probe }.min() ?? -1))
                #expect(set.predecessor(of: probe) == (members.filter { $0 < probe }.max() ?? -1))
                if step > 200 && capacity > 100_000 { break }
            }
        }
    }
}
