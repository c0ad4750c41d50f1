import SwiftNASAlgorithms
import SwiftNASPareto

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The scalable DTLZ test problems (Deb, Thiele, Laumanns & Zitzler 2002) with pymoo 0.6's formulas
/// (`pymoo/problems/many/dtlz.py`). There are `objectiveCount + k - 1` variables in [0, 1], with the
/// distance-variable counts k the DTLZ paper recommends: 5 for DTLZ1, 10 for DTLZ2-4, 20 for DTLZ7.
/// (pymoo's constructors default to 7 variables for DTLZ1 and 10 for the others instead.)
public struct DTLZ: Problem {
    /// Which member of the family.
    public enum Variant: Int, Sendable, CaseIterable {
        case one = 1, two = 2, three = 3, four = 4, seven = 7

        /// The paper's recommended number of distance variables.
        public var distanceVariables: Int {
            switch self {
            case .one: return 5
            case .two, .three, .four: return 10
            case .seven: return 20
            }
        }
    }

    public let variant: Variant
    public let domain: SearchDomain

    /// DTLZ`variant` with `objectiveCount` objectives (at least 2).
    public init(_ variant: Variant, objectiveCount: Int = 3) {
        precondition(objectiveCount >= 2, "DTLZ needs at least two objectives")
        self.variant = variant
        let count = objectiveCount + variant.distanceVariables - 1
        domain = SearchDomain(variables: Array(repeating: Variable(lower: 0, upper: 1), count: count), objectiveCount: objectiveCount)
    }

    public var name: String { "dtlz\(variant.rawValue)" }

    public func evaluate(_ x: [Double]) -> Evaluation {
        let m = domain.objectiveCount
        let k = x.count - m + 1
        let position = x[0..<(m - 1)]
        let distance = x[(m - 1)...]
        switch variant {
        case .one:
            var g = 0.0
            for xi in distance { g += (xi - 0.5) * (xi - 0.5) - cos(20 * .pi * (xi - 0.5)) }
            g = 100 * (Double(k) + g)
            var f = [Double](repeating: 0.5 * (1 + g), count: m)
            for i in 0..<m {
                for j in 0..<(m - 1 - i) { f[i] *= position[j] }
                if i > 0 { f[i] *= 1 - position[m - 1 - i] }
            }
            return Evaluation(objectives: f)
        case .two, .four:
            var g = 0.0
            for xi in distance { g += (xi - 0.5) * (xi - 0.5) }
            return Evaluation(objectives: Self.sphere(position, g: g, alpha: variant == .four ? 100 : 1))
        case .three:
            var g = 0.0
            for xi in distance { g += (xi - 0.5) * (xi - 0.5) - cos(20 * .pi * (xi - 0.5)) }
            g = 100 * (Double(k) + g)
            return Evaluation(objectives: Self.sphere(position, g: g, alpha: 1))
        case .seven:
            var g = 0.0
            for xi in x.suffix(k) { g += xi }
            g = 1 + 9 / Double(k) * g
            var f = Array(position)
            var h = Double(m)
            for fi in f { h -= fi / (1 + g) * (1 + sin(3 * .pi * fi)) }
            f.append((1 + g) * h)
            return Evaluation(objectives: f)
        }
    }

    /// pymoo's `obj_func`: the spherical front of DTLZ2-4 scaled by 1 + g.
    private static func sphere(_ position: ArraySlice<Double>, g: Double, alpha: Double) -> [Double] {
        let m = position.count + 1
        var f = [Double](repeating: 1 + g, count: m)
        let angles = position.map { pow($0, alpha) * .pi / 2 }
        for i in 0..<m {
            for j in 0..<(m - 1 - i) { f[i] *= cos(angles[j]) }
            if i > 0 { f[i] *= sin(angles[m - 1 - i]) }
        }
        return f
    }

    /// Samples of the true front. DTLZ1-4 follow pymoo: Das–Dennis directions (100 points for two
    /// objectives, 15 partitions for three; we use 8 for four and 5 beyond) scaled onto the plane
    /// (DTLZ1, times 0.5) or the unit sphere. pymoo downloads DTLZ7's three-objective front; we compute it:
    /// a grid over the first objectives with g = 1, keeping the non-dominated points.
    public func paretoFront() -> [[Double]]? {
        let m = domain.objectiveCount
        if variant == .seven {
            let perAxis = max(2, Int(pow(4000, 1 / Double(m - 1))))
            var grid: [[Double]] = [[]]
            for _ in 0..<(m - 1) {
                grid = grid.flatMap { prefix in linearSpace(0, 1, perAxis).map { prefix + [$0] } }
            }
            let points = grid.map { f in f + [2 * Double(m) - f.reduce(0) { $0 + $1 * (1 + sin(3 * .pi * $1)) }] }
            return NonDominatedSorting.nonDominated(points).map { points[$0] }
        }
        let partitions = m == 2 ? 99 : m == 3 ? 15 : m == 4 ? 8 : 5
        let directions = ReferenceLattice.points(dimensions: m, partitions: partitions)
        if variant == .one { return directions.map { $0.map { 0.5 * $0 } } }
        return directions.map { d in
            let norm = d.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return d.map { $0 / norm }
        }
    }
}
