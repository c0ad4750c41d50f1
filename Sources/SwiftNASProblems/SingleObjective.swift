import SwiftNASAlgorithms

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Classic single-objective test functions with pymoo 0.6's bounds and formulas
/// (`pymoo/problems/single/{sphere,rastrigin,ackley}.py`), 10 variables by default. All have optimum 0.
public struct SingleObjectiveFunction: Problem {
    /// Which function.
    public enum Kind: String, Sendable, CaseIterable {
        /// Σ (x - 0.5)², x in [0, 1].
        case sphere
        /// 10 n + Σ (x² - 10 cos 2πx), x in [-5, 5].
        case rastrigin
        /// Ackley's function with a = 20, b = 1/5, c = 2π, x in [-32.768, 32.768].
        case ackley
    }

    public let kind: Kind
    public let domain: SearchDomain

    public init(_ kind: Kind, variableCount: Int = 10) {
        self.kind = kind
        let variable: Variable
        switch kind {
        case .sphere: variable = Variable(lower: 0, upper: 1)
        case .rastrigin: variable = Variable(lower: -5, upper: 5)
        case .ackley: variable = Variable(lower: -32.768, upper: 32.768)
        }
        domain = SearchDomain(variables: Array(repeating: variable, count: variableCount), objectiveCount: 1)
    }

    public var name: String { kind.rawValue }

    public func evaluate(_ x: [Double]) -> Evaluation {
        let n = Double(x.count)
        var f = 0.0
        switch kind {
        case .sphere:
            for xi in x { f += (xi - 0.5) * (xi - 0.5) }
        case .rastrigin:
            f = 10 * n
            for xi in x { f += xi * xi - 10 * cos(2 * .pi * xi) }
        case .ackley:
            var squares = 0.0, cosines = 0.0
            for xi in x {
                squares += xi * xi
                cosines += cos(2 * .pi * xi)
            }
            f = -20 * exp(-0.2 * (squares / n).squareRoot()) - exp(cosines / n) + 20 + exp(1)
        }
        return Evaluation(objectives: [f])
    }

    /// The optimum value, 0.
    public func paretoFront() -> [[Double]]? { [[0]] }
}
