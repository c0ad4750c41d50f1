import SwiftNASCore

/// Reference directions: points on the unit simplex (non-negative, summing to one) that decomposition-based
/// algorithms use as targets spread over the objective space.
///
/// Two constructions are offered, matching pymoo 0.6.2's `get_reference_directions`:
/// - `dasDennis(partitions:dimensions:)`, the simplex lattice of Das & Dennis (1998), "uniform" in pymoo;
/// - `energy(count:dimensions:seed:)`, any number of directions spread by minimising their Riesz s-energy
///   (Blank, Deb, Dhebar, Bandaru & Seada 2021, "Generating well-spaced points on a unit simplex for
///   evolutionary many-objective optimization", IEEE TEVC 25(1)), "energy" in pymoo.
///
/// Rows come in lexicographic order, as pymoo sorts them.
public enum ReferenceDirections {
    /// The Das–Dennis lattice: every point whose coordinates are multiples of `1 / partitions` and sum to
    /// one. There are `latticeCount(partitions:dimensions:)` = C(partitions + dimensions − 1, dimensions − 1)
    /// of them. Zero partitions give the single centroid, as in pymoo.
    public static func dasDennis(partitions: Int, dimensions: Int) -> [[Double]] {
        guard dimensions > 0 else { return [] }
        guard partitions > 0 else { return [[Double](repeating: 1 / Double(dimensions), count: dimensions)] }
        var directions: [[Double]] = []
        var steps = [Int](repeating: 0, count: dimensions)
        func fill(depth: Int, remaining: Int) {
            if depth == dimensions - 1 {
                steps[depth] = remaining
                directions.append(steps.map { Double($0) / Double(partitions) })
                return
            }
            for step in 0...remaining {
                steps[depth] = step
                fill(depth: depth + 1, remaining: remaining - step)
            }
        }
        fill(depth: 0, remaining: partitions)
        return directions
    }

    /// The number of Das–Dennis directions, C(partitions + dimensions − 1, dimensions − 1), or `Int.max` when
    /// that does not fit in an `Int`.
    public static func latticeCount(partitions: Int, dimensions: Int) -> Int {
        guard dimensions > 1, partitions > 0 else { return 1 }
        // C(n, k) built as a running product C(n - k + i, i), each step exact in integers.
        let k = min(dimensions - 1, partitions)
        let n = partitions + dimensions - 1
        var count = 1
        for i in 1...k {
            let (product, overflow) = count.multipliedReportingOverflow(by: n - k + i)
            if overflow { return .max }
            count = product / i
        }
        return count
    }

    /// The largest partition count whose lattice has at most `count` directions (pymoo's
    /// `get_partition_closest_to_points`); 0 when even one partition gives too many.
    public static func partitions(notExceeding count: Int, dimensions: Int) -> Int {
        guard dimensions > 1 else { return 0 }
        var partitions = 0
        while true {
            let next = latticeCount(partitions: partitions + 1, dimensions: dimensions)
            if next > count || next == .max { return partitions }
            partitions += 1
        }
    }

    /// The partition count whose lattice has exactly `count` directions, if there is one.
    public static func exactPartitions(for count: Int, dimensions: Int) -> Int? {
        let partitions = partitions(notExceeding: count, dimensions: dimensions)
        return latticeCount(partitions: partitions, dimensions: dimensions) == count ? partitions : nil
    }

    /// `count` directions spread by minimising their Riesz s-energy, as pymoo's
    /// `get_reference_directions("energy", dimensions, count)`: k-means-reduced random start, then projected
    /// Adam descent on the simplex. Deterministic given `seed`.
    public static func energy(count: Int, dimensions: Int, seed: UInt64 = 1) -> [[Double]] {
        guard count > 0, dimensions > 0 else { return [] }
        if dimensions == 1 { return [[1]] }
        var random = SeededRandom(seed: seed)
        let start = RieszEnergy.reductionStart(count: count, dimensions: dimensions, random: &random)
        return RieszEnergy.minimize(start, dimensions: dimensions).sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// The directions a decomposition-based algorithm uses by default.
    ///
    /// With `requested` set (`AlgorithmSettings.referenceDirections`), exactly that many: the Das–Dennis
    /// lattice when one has that size, energy directions otherwise. Without it, about `populationSize`: the
    /// largest lattice not above it (pymoo's defaults: 2 objectives 99 partitions for 100, 3 objectives
    /// 12 partitions = 91), unless that lattice is so coarse it has no interior point (fewer partitions than
    /// objectives, Deb & Jain 2014, NSGA-III part I, section V), in which case `populationSize` energy
    /// directions.
    public static func standard(
        objectives: Int, populationSize: Int, requested: Int?, seed: UInt64
    ) throws -> [[Double]] {
        if let requested {
            guard requested >= 1 else {
                throw InputError(source: "--reference-directions", "must be at least 1, not \(requested)")
            }
            if let partitions = exactPartitions(for: requested, dimensions: objectives) {
                return dasDennis(partitions: partitions, dimensions: objectives)
            }
            return energy(count: requested, dimensions: objectives, seed: seed)
        }
        guard populationSize >= 1 else {
            throw InputError(source: "--population", "must be at least 1, not \(populationSize)")
        }
        let partitions = partitions(notExceeding: populationSize, dimensions: objectives)
        if partitions >= objectives {
            return dasDennis(partitions: partitions, dimensions: objectives)
        }
        return energy(count: populationSize, dimensions: objectives, seed: seed)
    }
}

extension AlgorithmSettings {
    /// The option of the decomposition algorithms (U-NSGA-III, MOEA/D, C-TAEA): the number of reference
    /// directions (a Das–Dennis lattice or Riesz s-energy set of exactly that many).
    public static let referenceDirectionsOption = "reference_directions"
    /// `referenceDirectionsOption` with its description, for `RegisteredAlgorithm.options`.
    static let referenceDirectionsDescription = [referenceDirectionsOption: "number of reference directions (default: a Das–Dennis lattice near the population)"]

    /// Settings with `referenceDirections` reference directions (nil: the algorithm's default).
    public init(populationSize: Int = 50, seed: UInt64 = 1, referenceDirections: Int?) {
        self.init(populationSize: populationSize, seed: seed,
                  options: referenceDirections.map { [Self.referenceDirectionsOption: String($0)] } ?? [:])
    }

    /// The requested number of reference directions, or nil for the default.
    public func referenceDirections() throws -> Int? { try integerOption(Self.referenceDirectionsOption) }
}
