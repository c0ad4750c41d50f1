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
