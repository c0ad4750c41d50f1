import SwiftNASAlgorithms

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// The ZDT bi-objective test problems (Zitzler, Deb & Thiele 2000) as defined by pymoo 0.6
/// (`pymoo/problems/multi/zdt.py`): same variable counts, bounds, formulas and Pareto-front samples.
public struct ZDT: Problem {
    /// Which member of the family.
    public enum Variant: Int, Sendable, CaseIterable {
        case one = 1, two = 2, three = 3, four = 4, six = 6
    }

    public let variant: Variant
    public let domain: SearchDomain

    /// ZDT`variant` with pymoo's default variable count (30 for ZDT1-3, 10 for ZDT4 and ZDT6).
    public init(_ variant: Variant) {
        self.variant = variant
        switch variant {
        case .one, .two, .three:
            domain = SearchDomain(variables: Array(repeating: Variable(lower: 0, upper: 1), count: 30), objectiveCount: 2)
        case .four:
            domain = SearchDomain(
                variables: [Variable(lower: 0, upper: 1)] + Array(repeating: Variable(lower: -5, upper: 5), count: 9),
                objectiveCount: 2)
        case .six:
            domain = SearchDomain(variables: Array(repeating: Variable(lower: 0, upper: 1), count: 10), objectiveCount: 2)
        }
    }

    public var name: String { "zdt\(variant.rawValue)" }

    public func evaluate(_ x: [Double]) -> Evaluation {
        let n = x.count
        var tail = 0.0
        for i in 1..<n { tail += x[i] }
        let f1: Double, f2: Double
        switch variant {
        case .one:
            f1 = x[0]
            let g = 1 + 9 * tail / Double(n - 1)
            f2 = g * (1 - (f1 / g).squareRoot())
        case .two:
            f1 = x[0]
            let g = 1 + 9 * tail / Double(n - 1)
            f2 = g * (1 - (f1 / g) * (f1 / g))
        case .three:
            f1 = x[0]
            let g = 1 + 9 * tail / Double(n - 1)
            f2 = g * (1 - (f1 / g).squareRoot() - f1 / g * sin(10 * .pi * f1))
        case .four:
            f1 = x[0]
            var g = 1 + 10 * Double(n - 1)
            for i in 1..<n { g += x[i] * x[i] - 10 * cos(4 * .pi * x[i]) }
            f2 = g * (1 - (f1 / g).squareRoot())
        case .six:
            f1 = 1 - exp(-4 * x[0]) * pow(sin(6 * .pi * x[0]), 6)
            let g = 1 + 9 * pow(tail / Double(n - 1), 0.25)
            f2 = g * (1 - (f1 / g) * (f1 / g))
        }
        return Evaluation(objectives: [f1, f2])
    }

    /// 100 points of the true front, as pymoo's `pareto_front()` (ZDT3: 20 per disconnected region).
    public func paretoFront() -> [[Double]]? {
        switch variant {
        case .one, .four:
            return linearSpace(0, 1, 100).map { [$0, 1 - $0.squareRoot()] }
        case .two:
            return linearSpace(0, 1, 100).map { [$0, 1 - $0 * $0] }
        case .three:
            let regions: [(Double, Double)] = [
                (0, 0.0830015349), (0.182228780, 0.2577623634), (0.4093136748, 0.4538821041),
                (0.6183967944, 0.6525117038), (0.8233317983, 0.8518328654),
            ]
            return regions.flatMap { region in
                linearSpace(region.0, region.1, 20).map { [$0, 1 - $0.squareRoot() - $0 * sin(10 * .pi * $0)] }
            }
        case .six:
            return linearSpace(0.2807753191, 1, 100).map { [$0, 1 - $0 * $0] }
        }
    }
}

/// `count` evenly spaced values from `start` to `end` inclusive (numpy's `linspace`).
func linearSpace(_ start: Double, _ end: Double, _ count: Int) -> [Double] {
    if count == 1 { return [start] }
    let step = (end - start) / Double(count - 1)
    return (0..<count).map { $0 == count - 1 ? end : start + Double($0) * step }
}
