import SwiftNASCore

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Recombines two parents into two children. Children may violate integrality; `Variation` repairs them.
public protocol CrossoverOperator: Sendable {
    /// Two children of `first` and `second` (same length as the parents), inside the variables' bounds.
    func cross(
        _ first: [Double], _ second: [Double], variables: [Variable], using random: inout SeededRandom
    ) -> ([Double], [Double])
}

/// Simulated binary crossover (Deb & Agrawal 1995) with pymoo 0.6's semantics
/// (`pymoo/operators/crossover/sbx.py`): with probability `probability` a mating crosses at all; then each
/// variable crosses with probability `variableProbability` unless the parents agree within 1e-14 or the
/// variable is fixed; the two children are exchanged with probability `exchangeProbability`; children are
/// clamped to the bounds. Without crossover the parents are copied.
public struct SimulatedBinaryCrossover: CrossoverOperator, Hashable {
    /// Probability that a pair of parents is crossed at all (pymoo `prob`).
    public var probability: Double
    /// Distribution index: larger keeps children closer to their parents (pymoo `eta`).
    public var eta: Double
    /// Per-variable crossover probability (pymoo `prob_var`, default 0.5).
    public var variableProbability: Double
    /// Probability of swapping a crossed variable between the children (pymoo `prob_bin`, default 0.5).
    public var exchangeProbability: Double

    public init(probability: Double = 0.9, eta: Double = 15, variableProbability: Double = 0.5, exchangeProbability: Double = 0.5) {
        self.probability = probability
        self.eta = eta
        self.variableProbability = variableProbability
        self.exchangeProbability = exchangeProbability
    }

    public func cross(
        _ first: [Double], _ second: [Double], variables: [Variable], using random: inout SeededRandom
    ) -> ([Double], [Double]) {
        var child1 = first
        var child2 = second
        guard random.nextUnit() < probability else { return (child1, child2) }
        let exponent = 1 / (eta + 1)
        for i in variables.indices {
            let draw = random.nextUnit()
            let lower = variables[i].lower, upper = variables[i].upper
            let a = first[i], b = second[i]
            guard draw < variableProbability, abs(a - b) > 1e-14, lower != upper else { continue }
            let y1 = min(a, b), y2 = max(a, b)
            let delta = y2 - y1
            let u = random.nextUnit()
            func spread(_ beta: Double) -> Double {
                let alpha = 2 - pow(beta, -(eta + 1))
                return u <= 1 / alpha ? pow(u * alpha, exponent) : pow(1 / (2 - u * alpha), exponent)
            }
            let low = 0.5 * ((y1 + y2) - spread(1 + 2 * (y1 - lower) / delta) * delta)
            let high = 0.5 * ((y1 + y2) + spread(1 + 2 * (upper - y2) / delta) * delta)
            // pymoo gives the low child to the smaller parent, then swaps with prob_bin XOR (a > b):
            // overall each child gets the low value with probability 1/2 whatever the parents' order.
            let swap = (random.nextUnit() < exchangeProbability) != (a > b)
            var c1 = a < b ? low : high
            var c2 = a < b ? high : low
            if swap { (c1, c2) = (c2, c1) }
            child1[i] = min(max(c1, lower), upper)
            child2[i] = min(max(c2, lower), upper)
        }
        return (child1, child2)
    }
}

/// Uniform crossover: with probability `probability` a mating crosses, and then every gene is exchanged
/// between the children with probability 1/2 (pymoo's `UniformCrossover`).
public struct UniformCrossover: CrossoverOperator, Hashable {
    /// Probability that a pair of parents is crossed at all.
    public var probability: Double

    public init(probability: Double = 0.9) {
        self.probability = probability
    }

    public func cross(
        _ first: [Double], _ second: [Double], variables: [Variable], using random: inout SeededRandom
    ) -> ([Double], [Double]) {
        var child1 = first
        var child2 = second
        guard random.nextUnit() < probability else { return (child1, child2) }
        for i in first.indices where random.nextUnit() < 0.5 {
            child1[i] = second[i]
            child2[i] = first[i]
        }
        return (child1, child2)
    }
}
