/// Rejects candidates that repeat a solution, as pymoo's duplicate elimination does in its mating loop.
///
/// Discrete domains compare canonical forms exactly (`SearchDomain.canonicalize`) against every candidate
/// evaluated so far and every candidate already accepted into the batch: a search never pays twice for the
/// same sub-network. Real domains follow pymoo's `DefaultDuplicateElimination`: a candidate within Euclidean
/// distance `epsilon` (1e-16) of a population member or an accepted candidate is a duplicate.
public struct DuplicateFilter: Sendable {
    /// Distance under which two real gene vectors are the same (pymoo's default epsilon).
    public var epsilon: Double = 1e-16
    private let isDiscrete: Bool
    private let canonicalize: @Sendable ([Double]) -> [Double]
    /// Canonical keys of every evaluated candidate (discrete domains only).
    private var evaluated: Set<[Double]> = []
    /// Canonical keys (discrete) or gene vectors (real) accepted into the batch being built.
    private var acceptedKeys: Set<[Double]> = []
    private var acceptedGenes: [[Double]] = []

    public init(domain: SearchDomain) {
        isDiscrete = domain.isDiscrete
        canonicalize = domain.canonicalize
    }

    /// Number of distinct evaluated candidates remembered (0 for real domains, which keep no history).
    public var evaluatedCount: Int { evaluated.count }

    /// Remembers that `genes` has been evaluated.
    public mutating func recordEvaluated(_ genes: [Double]) {
        if isDiscrete { evaluated.insert(canonicalize(genes)) }
    }

    /// Whether `genes` has been evaluated before (always false for real domains).
    public func wasEvaluated(_ genes: [Double]) -> Bool {
        isDiscrete && evaluated.contains(canonicalize(genes))
    }

    /// Starts a new batch: forgets the candidates accepted for the previous one.
    public mutating func beginBatch() {
        acceptedKeys.removeAll(keepingCapacity: true)
        acceptedGenes.removeAll(keepingCapacity: true)
    }

    /// Accepts `genes` into the current batch unless it duplicates an evaluated candidate, a member of
    /// `population` or an accepted candidate. Returns whether it was accepted.
    public mutating func accept(_ genes: [Double], population: [Individual]) -> Bool {
        if isDiscrete {
            let key = canonicalize(genes)
            // The population was told, so its members are already among the evaluated keys.
            return !evaluated.contains(key) && acceptedKeys.insert(key).inserted
        }
        for member in population where isNear(member.genes, genes) { return false }
        for other in acceptedGenes where isNear(other, genes) { return false }
        acceptedGenes.append(genes)
        return true
    }

    private func isNear(_ a: [Double], _ b: [Double]) -> Bool {
        let limit = epsilon * epsilon
        var sum = 0.0
        for i in a.indices {
            let d = a[i] - b[i]
            sum += d * d
            if sum > limit { return false }
        }
        return true
    }
}
