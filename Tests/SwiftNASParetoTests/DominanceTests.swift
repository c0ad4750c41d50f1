import Testing
@testable import SwiftNASPareto

/// The original O(M N²) implementation, kept as the reference the fast paths are checked against.
enum NaiveSorting {
    static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var strictlyBetter = false
        for i in a.indices {
            if a[i] > b[i] { return false }
            if a[i] < b[i] { strictlyBetter = true }
        }
        return strictlyBetter
    }

    static func fronts(_ points: [[Double]], limit: Int? = nil) -> [[Int]] {
        let n = points.count
        if n == 0 { return [] }
        var dominatedBy = [[Int]](repeating: [], count: n)
        var dominationCount = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                if dominates(points[i], points[j]) {
                    dominatedBy[i].append(j); dominationCount[j] += 1
                } else if dominates(points[j], points[i]) {
                    dominatedBy[j].append(i); dominationCount[i] += 1
                }
            }
        }
        var fronts: [[Int]] = []
        var current = (0..<n).filter { dominationCount[$0] == 0 }
        var assigned = 0
        while !current.isEmpty {
            fronts.append(current)
            assigned += current.count
            if let limit, assigned >= limit { break }
            var next: [Int] = []
            for i in current {
                for j in dominatedBy[i] {
                    dominationCount[j] -= 1
                    if dominationCount[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return fronts
    }
}

/// A small deterministic generator (SplitMix64) so the tests do not depend on other modules.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// `n` points in `m` objectives; with `levels` > 0 values are drawn from that many integers (ties), and
    /// about a fifth of the points are copies of earlier ones (duplicates).
    mutating func points(_ n: Int, _ m: Int, levels: Int) -> [[Double]] {
        var rows: [[Double]] = []
        for _ in 0..<n {
            if !rows.isEmpty && int(5) == 0 {
                rows.append(rows[int(rows.count)])
            } else {
                rows.append((0..<m).map { _ in levels > 0 ? Double(int(levels)) : unit() })
            }
        }
        return rows
    }
}

@Suite struct DominanceTests {
    @Test func frontsOfSmallSet() {
        let points: [[Double]] = [[1, 4], [2, 2], [4, 1], [3, 3], [5, 5], [2, 2]]
        #expect(NonDominatedSorting.fronts(points) == [[0, 1, 2, 5], [3], [4]])
    }

    @Test func emptyAndSinglePoint() {
        #expect(NonDominatedSorting.fronts([]) == [])
        #expect(NonDominatedSorting.ranks([]) == [])
        #expect(NonDominatedSorting.nonDominated([]) == [])
        for m in 0...6 {
            let p = [[Double]](repeating: [Double](repeating: 1, count: m), count: 1)
            #expect(NonDominatedSorting.fronts(p) == [[0]])
            #expect(NonDominatedSorting.ranks(p) == [0])
        }
    }

    @Test func allDuplicatesShareOneFront() {
        for m in 1...6 {
            let p = [[Double]](repeating: (0..<m).map(Double.init), count: 7)
            #expect(NonDominatedSorting.fronts(p) == [Array(0..<7)])
        }
        #expect(NonDominatedSorting.fronts([[], [], []]) == [[0, 1, 2]])
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func matchesNaiveOnRandomSets(m: Int) {
        var random = TestRandom(seed: UInt64(1000 + m))
        for trial in 0..<40 {
            let n = 1 + random.int(trial < 30 ? 40 : 200)
            let levels = [0, 2, 3, 5, 10][trial % 5]
            let points = random.points(n, m, levels: levels)
            let expected = NaiveSorting.fronts(points)
            #expect(NonDominatedSorting.fronts(points) == expected, "m=\(m) n=\(n) levels=\(levels)")
            for limit in trial < 30 ? [0, 1, n / 3, n] : [n / 2] {
                #expect(NonDominatedSorting.fronts(points, limit: limit) == NaiveSorting.fronts(points, limit: limit))
            }
            var rank = [Int](repeating: -1, count: n)
            for (r, front) in expected.enumerated() { for i in front { rank[i] = r } }
            #expect(NonDominatedSorting.ranks(points) == rank)
            #expect(NonDominatedSorting.nonDominated(points) == (expected.first ?? []))
        }
    }

    @Test(arguments: [2, 3, 4])
    func matchesNaiveOnLargerTiedSets(m: Int) {
        var random = TestRandom(seed: UInt64(500 + m))
        for levels in [0, 4, 20] {
            let points = random.points(800, m, levels: levels)
            #expect(NonDominatedSorting.fronts(points) == NaiveSorting.fronts(points), "m=\(m) levels=\(levels)")
        }
    }

    @Test func nanFallsBackToPairwiseSemantics() {
        let points: [[Double]] = [[1, .nan], [2, 1], [0, 3], [.nan, .nan], [3, 3]]
        #expect(NonDominatedSorting.fronts(points) == NaiveSorting.fronts(points))
    }

    @Test func dominatesHandlesTiesAndRaggedRows() {
        #expect(NonDominatedSorting.dominates([1, 2], [1, 3]))
        #expect(!NonDominatedSorting.dominates([1, 2], [1, 2]))
        #expect(!NonDominatedSorting.dominates([1, 3], [2, 2]))
        #expect(NonDominatedSorting.dominates([1, 2, 9], [1, 3]))
        #expect(!NonDominatedSorting.dominates([1], [1, 3]))
    }

    @Test func flatMatrixMatchesRows() {
        var random = TestRandom(seed: 7)
        let points = random.points(100, 3, levels: 4)
        let matrix = ObjectiveMatrix(rows: points)
        #expect(matrix.rows == points)
        #expect(ObjectiveMatrix(values: matrix.values, dimension: 3) == matrix)
        #expect(ObjectiveMatrix(values: [1, 2, 3], dimension: 2) == nil)
        #expect(NonDominatedSorting.fronts(matrix) == NonDominatedSorting.fronts(points))
    }

    @Test func hypervolume2D() {
        let hv = Hypervolume.compute([[1, 2], [2, 1]], reference: [3, 3])
        #expect(abs(hv - 3) < 1e-12)
    }
}
