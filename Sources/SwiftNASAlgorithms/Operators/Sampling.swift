import SwiftNASCore

/// Uniform random sampling of a domain: reals uniform over `[lower, upper]`, integers uniform over their
/// values (pymoo's `FloatRandomSampling` / `IntegerRandomSampling`).
public enum UniformSampling {
    /// One uniformly drawn gene vector.
    public static func sample(_ variables: [Variable], using random: inout SeededRandom) -> [Double] {
        var genes = [Double](repeating: 0, count: variables.count)
        for i in variables.indices {
            genes[i] = sample(variables[i], using: &random)
        }
        return genes
    }

    /// Up to `count` uniform samples accepted by `duplicates` (none repeating each other, a member of
    /// `population` or, in a discrete domain, anything evaluated). Sampling is retried for up to
    /// `maxIterations` rounds, so fewer come back only when the space is (nearly) exhausted.
    public static func unique(
        count: Int, variables: [Variable], duplicates: inout DuplicateFilter, avoiding population: [Individual] = [],
        maxIterations: Int = 100, using random: inout SeededRandom
    ) -> [[Double]] {
        var samples: [[Double]] = []
        samples.reserveCapacity(count)
        duplicates.beginBatch()
        for _ in 0..<maxIterations where samples.count < count {
            for _ in samples.count..<count {
                let genes = sample(variables, using: &random)
                if duplicates.accept(genes, population: population) { samples.append(genes) }
            }
        }
        return samples
    }

    /// One uniformly drawn value of `variable`.
    @inlinable
    public static func sample(_ variable: Variable, using random: inout SeededRandom) -> Double {
        if variable.isInteger {
            let count = Int(variable.upper - variable.lower) + 1
            return variable.lower + Double(count > 1 ? random.nextIndex(count) : 0)
        }
        return variable.lower + (variable.upper - variable.lower) * random.nextUnit()
    }
}
