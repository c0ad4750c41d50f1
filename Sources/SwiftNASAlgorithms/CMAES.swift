import SwiftNASCore

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif

/// CMA-ES for one objective: the standard (μ/μ_w, λ)-CMA-ES with the default strategy parameters of
/// N. Hansen, "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772, Table 1 and Fig. 6), run on the
/// variables normalised to [0, 1] as pymoo's `CMAES` does (σ₀ = 0.1, start at the best of 20 uniform
/// samples, pymoo's `n_sample_points`). Integer variables are searched relaxed and rounded for evaluation.
///
/// - λ = 4 + ⌊3 ln n⌋ (the population setting is not used), μ = ⌊λ/2⌋, log-linear positive weights.
/// - Bounds: candidates are clamped into the box for evaluation and ranked by constraint violation, then
///   by how far the unclamped sample lies outside the box, then by objective.
/// - Restarts with doubled λ (IPOP-CMA-ES, Auger & Hansen 2005) when the search stagnates: σ·max√Cᵢᵢ
///   below 1e-11 (pymoo's `tolx`), the objective spread of the generation and the recent best values
///   below 1e-11 (`tolfun`), or cond(C) above 1e14.
/// - In a discrete domain, a sample that rounds to a candidate evaluated before is not asked again: its
///   remembered evaluation is reused, so no candidate is ever asked twice.
public struct CMAES: RegisteredAlgorithm {
    public static let name = "cmaes"
    public static let summary = "CMA-ES for one objective (Hansen's defaults, IPOP restarts)"
    public static let objectiveCounts = 1...1

    /// Initial step size in the normalised space (pymoo's `sigma`).
    static let initialStepSize = 0.1
    /// Uniform samples evaluated to choose the starting point (pymoo `LocalSearch.n_sample_points`).
    static let startingSamples = 20
    /// IPOP doubles λ at most this often (Auger & Hansen 2005 allow 9 restarts).
    static let maxPopulationDoublings = 9
    /// Generations of only already-evaluated candidates after which `ask()` reports exhaustion.
    static let maxGenerationsWithoutNews = 100

    private let domain: SearchDomain
    private var random: SeededRandom
    private var duplicates: DuplicateFilter
    /// Evaluations of the discrete candidates seen so far, by canonical genes.
    private var remembered: [[Double]: Evaluation] = [:]
    private var strategy: Strategy?
    /// Candidates returned by the last `ask()`.
    private var pending: [[Double]] = []
    /// The generation being evaluated: its samples and, per sample, the pending index or known evaluation.
    private var generation: [Sample] = []

    public private(set) var population: [Individual] = []
    public private(set) var best: [Individual] = []

    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        guard !domain.variables.isEmpty else {
            throw InputError(source: "domain", field: "variables", "a search needs at least one variable")
        }
        self.domain = domain
        random = SeededRandom(seed: settings.seed)
        duplicates = DuplicateFilter(domain: domain)
    }

    public mutating func ask() -> [[Double]] {
        guard var strategy else {
            pending = UniformSampling.unique(
                count: Self.startingSamples, variables: domain.variables, duplicates: &duplicates, using: &random)
            generation = []
            return pending
        }
        // Sample generations until one needs a new evaluation; generations made only of remembered
        // candidates update the strategy directly. Give up when restarts keep finding nothing new.
        let largestPopulation = Strategy.defaultPopulationSize(domain.variables.count) << Self.maxPopulationDoublings
        for _ in 0..<Self.maxGenerationsWithoutNews {
            if strategy.shouldRestart {
                strategy = Strategy(
                    mean: (0..<domain.variables.count).map { _ in random.nextUnit() },
                    populationSize: min(strategy.populationSize * 2, largestPopulation), dimension: domain.variables.count)
            }
            var batch: [[Double]] = []
            var samples: [Sample] = []
            duplicates.beginBatch()
            for _ in 0..<strategy.populationSize {
                let (point, step) = strategy.sample(using: &random)
                let genes = candidate(point)
                let key = domain.isDiscrete ? domain.canonicalize(genes) : genes
                if let known = remembered[key] {
                    samples.append(Sample(point: point, step: step, genes: genes, source: .known(known)))
                } else if let earlier = domain.isDiscrete ? batch.firstIndex(where: { domain.canonicalize($0) == key }) : nil {
                    samples.append(Sample(point: point, step: step, genes: genes, source: .pending(earlier)))
                } else {
                    samples.append(Sample(point: point, step: step, genes: genes, source: .pending(batch.count)))
                    batch.append(genes)
                }
            }
            if !batch.isEmpty {
                self.strategy = strategy
                pending = batch
                generation = samples
                return batch
            }
            strategy.update(with: samples.compactMap { sample in sample.knownEvaluation.map { (sample, $0) } })
        }
        self.strategy = strategy
        pending = []
        generation = []
        return []
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        let count = min(evaluations.count, pending.count)
        var told: [Individual] = []
        for i in 0..<count {
            duplicates.recordEvaluated(pending[i])
            if domain.isDiscrete { remembered[domain.canonicalize(pending[i])] = evaluations[i] }
            told.append(Individual(genes: pending[i], evaluation: evaluations[i]))
        }
        population = told
        if let current = best.first { told.append(current) }
        if let top = told.min(by: Self.isBetter) { best = [top] }
        if strategy == nil {
            guard let start = population.min(by: Self.isBetter) else { return }
            strategy = Strategy(
                mean: normalized(start.genes), populationSize: Strategy.defaultPopulationSize(domain.variables.count),
                dimension: domain.variables.count)
        } else if count == pending.count, var strategy {
            let evaluated: [(Sample, Evaluation)] = generation.map { sample in
                switch sample.source {
                case .known(let evaluation): return (sample, evaluation)
                case .pending(let index): return (sample, evaluations[index])
                }
            }
            strategy.update(with: evaluated)
            self.strategy = strategy
        }
        pending = []
        generation = []
    }

    /// Feasible before infeasible, then less violation, then smaller objective.
    static func isBetter(_ a: Individual, _ b: Individual) -> Bool {
        (a.violation, a.objectives[0]) < (b.violation, b.objectives[0])
    }

    private func normalized(_ genes: [Double]) -> [Double] {
        zip(genes, domain.variables).map { x, v in v.upper > v.lower ? (x - v.lower) / (v.upper - v.lower) : 0.5 }
    }

    /// The gene vector a normalised point stands for: clamped into the box, scaled, integers rounded.
    private func candidate(_ point: [Double]) -> [Double] {
        var genes = zip(point, domain.variables).map { z, v in v.lower + min(max(z, 0), 1) * (v.upper - v.lower) }
        Repair.round(&genes, to: domain.variables)
        return genes
    }
}

extension CMAES {
    /// One sampled point of a CMA-ES generation.
    struct Sample: Sendable {
        /// Where its evaluation comes from.
        enum Source: Sendable {
            case pending(Int)
            case known(Evaluation)
        }

        /// The point in the normalised space, possibly outside [0, 1].
        var point: [Double]
        /// (point − mean) / σ, i.e. B D z.
        var step: [Double]
        var genes: [Double]
        var source: Source

        var knownEvaluation: Evaluation? {
            if case .known(let evaluation) = source { return evaluation }
            return nil
        }

        /// How far the point lies outside the unit box (squared Euclidean distance).
        var boxExcess: Double {
            point.reduce(0) { total, z in
                let outside = z < 0 ? -z : (z > 1 ? z - 1 : 0)
                return total + outside * outside
            }
        }
    }

    /// The state of one CMA-ES run: mean, step size, covariance and evolution paths (Hansen's tutorial).
    struct Strategy: Sendable {
        let dimension: Int
        let populationSize: Int
        let weights: [Double]
        let effectiveMass: Double
        let cumulationSigma: Double
        let dampingSigma: Double
        let cumulationC: Double
        let rankOneRate: Double
        let rankMuRate: Double
        let expectedNorm: Double

        var mean: [Double]
        var sigma = CMAES.initialStepSize
        var covariance: [[Double]]
        var basis: [[Double]]
        var scales: [Double]
        var pathSigma: [Double]
        var pathC: [Double]
        var generation = 0
        /// Best objective of each recent generation (for the `tolfun` stagnation test).
        var recentBest: [Double] = []
        var lastSpread = Double.infinity

        /// λ = 4 + ⌊3 ln n⌋.
        static func defaultPopulationSize(_ dimension: Int) -> Int {
            4 + Int(3 * log(Double(dimension)))
        }

        init(mean: [Double], populationSize: Int, dimension n: Int) {
            dimension = n
            self.populationSize = populationSize
            let parents = populationSize / 2
            let raw = (1...parents).map { log(Double(populationSize + 1) / 2) - log(Double($0)) }
            let total = raw.reduce(0, +)
            weights = raw.map { $0 / total }
            let mass = 1 / weights.reduce(0) { $0 + $1 * $1 }
            effectiveMass = mass
            let dn = Double(n)
            cumulationSigma = (mass + 2) / (dn + mass + 5)
            dampingSigma = 1 + 2 * max(0, ((mass - 1) / (dn + 1)).squareRoot() - 1) + cumulationSigma
            cumulationC = (4 + mass / dn) / (dn + 4 + 2 * mass / dn)
            rankOneRate = 2 / ((dn + 1.3) * (dn + 1.3) + mass)
            rankMuRate = min(1 - rankOneRate, 2 * (mass - 2 + 1 / mass) / ((dn + 2) * (dn + 2) + mass))
            expectedNorm = dn.squareRoot() * (1 - 1 / (4 * dn) + 1 / (21 * dn * dn))
            self.mean = mean
            covariance = (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
            basis = covariance
            scales = [Double](repeating: 1, count: n)
            pathSigma = [Double](repeating: 0, count: n)
            pathC = [Double](repeating: 0, count: n)
        }

        /// A new point m + σ B D z and its step B D z.
        func sample(using random: inout SeededRandom) -> (point: [Double], step: [Double]) {
            let z = (0..<dimension).map { _ in random.nextGaussian() }
            var step = [Double](repeating: 0, count: dimension)
            for i in 0..<dimension {
                var sum = 0.0
                for j in 0..<dimension { sum += basis[i][j] * scales[j] * z[j] }
                step[i] = sum
            }
            return ((0..<dimension).map { mean[$0] + sigma * step[$0] }, step)
        }

        /// Whether the run has stagnated and should restart (tolx, tolfun, condition number).
        var shouldRestart: Bool {
            let maxScale = scales.max() ?? 0, minScale = scales.min() ?? 0
            let spreadX = sigma * (covariance.indices.map { covariance[$0][$0] }.max() ?? 0).squareRoot()
            let history = 10 + Int((30 * Double(dimension) / Double(populationSize)).rounded(.up))
            var functionSpread = lastSpread
            if recentBest.count >= history, let high = recentBest.max(), let low = recentBest.min() {
                functionSpread = max(functionSpread, high - low)
            } else {
                functionSpread = .infinity
            }
            return spreadX < 1e-11 || functionSpread < 1e-11 || maxScale * maxScale > 1e14 * minScale * minScale
                || !sigma.isFinite
        }

        /// One generation's update from its samples and their evaluations.
        mutating func update(with evaluated: [(Sample, Evaluation)]) {
            let n = dimension
            let ranked = evaluated.sorted {
                ($0.1.violation, $0.0.boxExcess, $0.1.objectives[0]) < ($1.1.violation, $1.0.boxExcess, $1.1.objectives[0])
            }
            let objectives = ranked.map { $0.1.objectives[0] }
            lastSpread = (objectives.max() ?? 0) - (objectives.min() ?? 0)
            recentBest.append(objectives.min() ?? 0)
            let history = 10 + Int((30 * Double(n) / Double(populationSize)).rounded(.up))
            if recentBest.count > history { recentBest.removeFirst(recentBest.count - history) }

            var weightedStep = [Double](repeating: 0, count: n)
            for (k, weight) in weights.enumerated() where k < ranked.count {
                for i in 0..<n { weightedStep[i] += weight * ranked[k].0.step[i] }
            }
            for i in 0..<n { mean[i] += sigma * weightedStep[i] }

            // C^{-1/2} y_w = B D^{-1} Bᵀ y_w
            var rotated = [Double](repeating: 0, count: n)
            for j in 0..<n {
                var sum = 0.0
                for i in 0..<n { sum += basis[i][j] * weightedStep[i] }
                rotated[j] = sum / scales[j]
            }
            let sigmaFactor = (cumulationSigma * (2 - cumulationSigma) * effectiveMass).squareRoot()
            for i in 0..<n {
                var sum = 0.0
                for j in 0..<n { sum += basis[i][j] * rotated[j] }
                pathSigma[i] = (1 - cumulationSigma) * pathSigma[i] + sigmaFactor * sum
            }
            generation += 1
            let pathNorm = pathSigma.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let correction = (1 - pow(1 - cumulationSigma, 2 * Double(generation))).squareRoot()
            let stalled = pathNorm / correction < (1.4 + 2 / (Double(n) + 1)) * expectedNorm
            let cFactor = (cumulationC * (2 - cumulationC) * effectiveMass).squareRoot()
            for i in 0..<n { pathC[i] = (1 - cumulationC) * pathC[i] + (stalled ? cFactor * weightedStep[i] : 0) }
            let delta = stalled ? 0 : cumulationC * (2 - cumulationC)
            let keep = 1 + rankOneRate * delta - rankOneRate - rankMuRate
            for i in 0..<n {
                for j in 0...i {
                    var rankMu = 0.0
                    for (k, weight) in weights.enumerated() where k < ranked.count {
                        rankMu += weight * ranked[k].0.step[i] * ranked[k].0.step[j]
                    }
                    let value = keep * covariance[i][j] + rankOneRate * pathC[i] * pathC[j] + rankMuRate * rankMu
                    covariance[i][j] = value
                    covariance[j][i] = value
                }
            }
            sigma *= exp(cumulationSigma / dampingSigma * (pathNorm / expectedNorm - 1))
            let (values, vectors) = SymmetricEigen.decompose(covariance)
            scales = values.map { max($0, 1e-300).squareRoot() }
            basis = vectors
        }
    }

    /// Eigen-decomposition of small symmetric matrices by cyclic Jacobi rotations.
    enum SymmetricEigen {
        /// Eigenvalues and the matrix whose columns are the corresponding unit eigenvectors.
        static func decompose(_ matrix: [[Double]]) -> (values: [Double], vectors: [[Double]]) {
            let n = matrix.count
            var a = matrix
            var v = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
            for _ in 0..<100 {
                var offDiagonal = 0.0
                for i in 0..<n { for j in (i + 1)..<n { offDiagonal += a[i][j] * a[i][j] } }
                if offDiagonal < 1e-30 { break }
                for p in 0..<n {
                    for q in (p + 1)..<n where a[p][q] != 0 {
                        let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                        let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                        let c = 1 / (t * t + 1).squareRoot(), s = t * c
                        for k in 0..<n {
                            let akp = a[k][p], akq = a[k][q]
                            a[k][p] = c * akp - s * akq
                            a[k][q] = s * akp + c * akq
                        }
                        for k in 0..<n {
                            let apk = a[p][k], aqk = a[q][k]
                            a[p][k] = c * apk - s * aqk
                            a[q][k] = s * apk + c * aqk
                        }
                        for k in 0..<n {
                            let vkp = v[k][p], vkq = v[k][q]
                            v[k][p] = c * vkp - s * vkq
                            v[k][q] = s * vkp + c * vkq
                        }
                    }
                }
            }
            return ((0..<n).map { a[$0][$0] }, v)
        }
    }
}
