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
    /// `maxIterations` rounds; a small discrete space (at most `enumerationLimit` points) that still falls
    /// short is then enumerated in random order, so fewer come back only when the space is exhausted.
    /// With `continuingBatch` the candidates already accepted into the current batch are kept.
    public static func unique(
        count: Int, variables: [Variable], duplicates: inout DuplicateFilter, avoiding population: [Individual] = [],
        maxIterations: Int = 100, continuingBatch: Bool = false, using random: inout SeededRandom
    ) -> [[Double]] {
        var samples: [[Double]] = []
        samples.reserveCapacity(count)
        if !continuingBatch { duplicates.beginBatch() }
        for _ in 0..<maxIterations where samples.count < count {
            for _ in samples.count..<count {
                let genes = sample(variables, using: &random)
                if duplicates.accept(genes, population: population) { samples.append(genes) }
            }
        }
        if samples.count < count, var everything = enumerate(variables) {
            everything.shuffle(using: &random)
            for genes in everything where samples.count < count {
                if duplicates.accept(genes, population: population) { samples.append(genes) }
            }
        }
        return samples
    }

    /// Spaces up to this many points may be enumerated when random sampling keeps hitting duplicates.
    public static let enumerationLimit = 1 << 16

    /// Every point of an all-integer domain of at most `enumerationLimit` points, nil otherwise.
    static func enumerate(_ variables: [Variable]) -> [[Double]]? {
        var size = 1
        for variable in variables {
            guard variable.isInteger else { return nil }
            let (product, overflow) = size.multipliedReportingOverflow(by: Int(variable.upper - variable.lower) + 1)
            guard !overflow, product <= enumerationLimit else { return nil }
            size = product
        }
        var points: [[Double]] = [[]]
        for variable in variables {
            points = points.flatMap { prefix in stride(from: variable.lower, through: variable.upper, by: 1).map { prefix + [$0] } }
        }
        return points
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
