import SwiftNASCore

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// Perturbs one child in place, keeping it inside the bounds. Integrality is repaired afterwards.
public protocol MutationOperator: Sendable {
    func mutate(_ genes: inout [Double], variables: [Variable], using random: inout SeededRandom)
}

/// Polynomial mutation (Deb & Goyal 1996) with pymoo 0.6's semantics (`pymoo/operators/mutation/pm.py`):
/// a child is mutated at all with probability `probability` (pymoo `prob`, per individual), and then each
/// variable with probability `variableProbability` (pymoo `prob_var`; nil = min(0.5, 1/n)).
public struct PolynomialMutation: MutationOperator, Hashable {
    /// Probability that a child is mutated at all (pymoo `Mutation.prob`).
    public var probability: Double
    /// Distribution index: larger keeps the mutant closer to the original (pymoo `eta`).
    public var eta: Double
    /// Per-variable mutation probability; nil means min(0.5, 1/n) as pymoo.
    public var variableProbability: Double?

    public init(probability: Double = 0.9, eta: Double = 20, variableProbability: Double? = nil) {
        self.probability = probability
        self.eta = eta
        self.variableProbability = variableProbability
    }

    public func mutate(_ genes: inout [Double], variables: [Variable], using random: inout SeededRandom) {
        guard random.nextUnit() <= probability, !genes.isEmpty else { return }
        let perVariable = variableProbability ?? min(0.5, 1 / Double(genes.count))
        let exponent = 1 / (eta + 1)
        for i in genes.indices {
            let lower = variables[i].lower, upper = variables[i].upper
            guard random.nextUnit() < perVariable, lower != upper else { continue }
            let x = genes[i]
            let range = upper - lower
            let u = random.nextUnit()
            let shift: Double
            if u <= 0.5 {
                let xy = 1 - (x - lower) / range
                shift = pow(2 * u + (1 - 2 * u) * pow(xy, eta + 1), exponent) - 1
            } else {
                let xy = 1 - (upper - x) / range
                shift = 1 - pow(2 * (1 - u) + 2 * (u - 0.5) * pow(xy, eta + 1), exponent)
            }
            genes[i] = min(max(x + shift * range, lower), upper)
        }
    }
}

/// Per-gene resampling: each gene is redrawn uniformly over its variable (all values of an integer
/// variable, the whole range of a real one) with probability `variableProbability` (nil = 1/n).
public struct ResamplingMutation: MutationOperator, Hashable {
    /// Per-gene resampling probability; nil means 1/n.
    public var variableProbability: Double?

    public init(variableProbability: Double? = nil) {
        self.variableProbability = variableProbability
    }

    public func mutate(_ genes: inout [Double], variables: [Variable], using random: inout SeededRandom) {
        guard !genes.isEmpty else { return }
        let perVariable = variableProbability ?? 1 / Double(genes.count)
        for i in genes.indices where random.nextUnit() < perVariable {
            genes[i] = UniformSampling.sample(variables[i], using: &random)
        }
    }
}
