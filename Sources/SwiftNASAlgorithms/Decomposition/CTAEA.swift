import SwiftNASCore
import SwiftNASPareto

/// C-TAEA (Li, Chen, Fu & Yao 2019, "Two-archive evolutionary algorithm for constrained multiobjective
/// optimization", IEEE TEVC 23(2)) as pymoo 0.6.2's `CTAEA`: a convergence archive (CA, the population)
/// pushes towards the feasible front, a diversity archive (DA) keeps well-spread solutions regardless of
/// feasibility, and restricted mating draws parents from whichever archive currently holds more
/// non-dominated members. Constraint-aware by design. SBX (prob 1, η 30, one child per mating) and
/// polynomial mutation (η 20), pymoo's CTAEA defaults, for real domains; duplicates eliminated.
public struct CTAEA: RegisteredAlgorithm {
    public static let name = "ctaea"
    public static let summary = "C-TAEA: convergence and diversity archives for constrained problems (Li et al. 2019)"
    public static let objectiveCounts = 2...Int.max
    public static let options = AlgorithmSettings.referenceDirectionsDescription

    /// The weight substituted for zero components in the achievement function (pymoo passes
    /// `weight_0=1e-4` in `CADASurvival._associate`).
    static let zeroWeight = 1e-4

    private var core: GenerationalCore
    private let mating: OneChildMating
    let directions: [[Double]]
    /// The convergence archive.
    public private(set) var population: [Individual] = []
    /// The diversity archive.
    public private(set) var diversityArchive: [Individual] = []
    private var ideal: [Double]

    /// C-TAEA with one archive slot per `ReferenceDirections.standard` direction (pymoo: the population
    /// size is the number of directions).
    public init(domain: SearchDomain, settings: AlgorithmSettings) throws {
        let slots = try DirectionSlots(domain: domain, settings: settings, crossoverEta: 30)
        core = slots.core
        mating = slots.mating
        directions = slots.directions
        ideal = [Double](repeating: .infinity, count: domain.objectiveCount)
    }

    public var best: [Individual] { FeasibilityFirst.best(of: population) }

    public mutating func ask() -> [[Double]] {
        if population.isEmpty {
            return core.asking(core.sample(count: core.populationSize, avoiding: []))
        }
        let matingPool = population + diversityArchive
        let firstFront = Set(NonDominatedSorting.nonDominated(matingPool.map(\.objectives)))
        let children = mating.offspring(
            slots: Array(0..<core.populationSize), population: matingPool, variables: core.domain.variables,
            duplicates: &core.duplicates, using: &core.random
        ) { missing, random in
            CTAEA.restrictedMating(pairs: missing.count, pool: matingPool, firstFront: firstFront, using: &random)
        }
        return core.asking(core.toppedUp(children.map(\.genes), population: matingPool))
    }

    public mutating func tell(_ evaluations: [Evaluation]) {
        let offspring = core.receive(evaluations)
        for child in offspring {
            for k in ideal.indices { ideal[k] = Swift.min(ideal[k], child.objectives[k]) }
        }
        population = updateConvergenceArchive(population + offspring)
        diversityArchive = updateDiversityArchive(diversityArchive + offspring)
    }

    // MARK: Association

    /// Each member's nearest direction (perpendicular distance of its objectives relative to the ideal
    /// point, not normalized, as pymoo) and its achievement value for that direction.
    private func associate(_ members: [Individual]) -> (niche: [Int], fitness: [Double]) {
        let translated = members.map { member in member.objectives.indices.map { member.objectives[$0] - ideal[$0] } }
        let niche = Scalarization.associate(translated, to: directions).niche
        let asf = Scalarization.achievement(zeroWeight: CTAEA.zeroWeight)
        let fitness = members.indices.map { asf.value(members[$0].objectives, weight: directions[niche[$0]], ideal: ideal) }
        return (niche, fitness)
    }

    // MARK: Convergence archive

    /// pymoo `CADASurvival._updateCA`: the feasible members when exactly enough; too few are topped up with
    /// infeasible ones ranked on (violation, achievement value); too many are reduced by non-dominated
    /// sorting and then by removing, from the most crowded niches, the worst member of the closest pair.
    private mutating func updateConvergenceArchive(_ candidates: [Individual]) -> [Individual] {
        let size = core.populationSize
        let feasible = candidates.filter(\.isFeasible)
        if feasible.count == size { return feasible }
        if feasible.count < size {
            let infeasible = candidates.filter { !$0.isFeasible }
            let fitness = associate(infeasible).fitness
            let violation = infeasible.map(\.violation)
            let remainder = size - feasible.count
            var chosen: [Int] = []
            for front in NonDominatedSorting.fronts(infeasible.indices.map { [violation[$0], fitness[$0]] }, limit: remainder) {
                if chosen.count + front.count <= remainder {
                    chosen += front
                } else {
                    chosen += front.sorted { (violation[$0], $0) < (violation[$1], $1) }.prefix(remainder - chosen.count)
                }
            }
            return feasible + chosen.map { infeasible[$0] }
        }
        let kept = NonDominatedSorting.fronts(feasible.map(\.objectives), limit: size).flatMap { $0 }.map { feasible[$0] }
        return kept.count > size ? thinCrowdedNiches(kept, to: size) : kept
    }

    /// Removes members one at a time until `size` remain: in each most crowded niche, the candidate is the
    /// worst member by achievement value, or the worse of the niche's closest pair when that pair is closer
    /// than the candidate is to anyone; the worst candidate over those niches goes.
    private mutating func thinCrowdedNiches(_ members: [Individual], to size: Int) -> [Individual] {
        let (niche, fitness) = associate(members)
        let n = members.count
        var distance = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in (a + 1)..<n {
                let d = zip(members[a].objectives, members[b].objectives)
                    .reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                distance[a * n + b] = d
                distance[b * n + a] = d
            }
        }
        var alive = [Bool](repeating: true, count: n)
        var crowds = [Int: [Int]]()
        for i in 0..<n { crowds[niche[i], default: []].append(i) }
        var remaining = n
        while remaining > size {
            let largest = crowds.values.map(\.count).max() ?? 0
            var worst: (member: Int, line: Int)?
            var worstFitness = -Double.infinity
            for line in crowds.keys.sorted() {
                guard let crowd = crowds[line], crowd.count == largest else { continue }
                var candidate = crowd[0]
                for member in crowd where fitness[member] > fitness[candidate] { candidate = member }
                var nearestToCandidate = Double.infinity
                for other in 0..<n where alive[other] && other != candidate {
                    nearestToCandidate = Swift.min(nearestToCandidate, distance[candidate * n + other])
                }
                var closestPair = (crowd[0], crowd[0])
                var closestDistance = Double.infinity
                for (i, a) in crowd.enumerated() {
                    for b in crowd[(i + 1)...] where distance[a * n + b] < closestDistance {
                        closestDistance = distance[a * n + b]
                        closestPair = (a, b)
                    }
                }
                if closestDistance < nearestToCandidate {
                    let (a, b) = closestPair
                    candidate = fitness[a] != fitness[b] ? (fitness[a] > fitness[b] ? a : b)
                        : (core.random.nextUnit() < 0.5 ? a : b)
                }
                if worst == nil || fitness[candidate] > worstFitness {
                    worstFitness = fitness[candidate]
                    worst = (candidate, line)
                }
            }
            guard let (removed, line) = worst else { break }
            alive[removed] = false
            crowds[line]?.removeAll { $0 == removed }
            remaining -= 1
        }
        return (0..<n).filter { alive[$0] }.map { members[$0] }
    }

    // MARK: Diversity archive

    /// pymoo `CADASurvival._updateDA`: niche by niche, members of `candidates` join the archive where the
    /// convergence archive is thin, each time the non-dominated one with the best achievement value; passes
    /// repeat with a rising quota until the archive is full. (pymoo adds `quota − CA count` more members per
    /// niche on every pass rather than topping up to the quota; kept as is.)
    private func updateDiversityArchive(_ candidates: [Individual]) -> [Individual] {
        let size = core.populationSize
        let (candidateNiche, fitness) = associate(candidates)
        var unpicked = [[Int]](repeating: [], count: directions.count)
        for i in candidates.indices { unpicked[candidateNiche[i]].append(i) }
        var convergenceCount = [Int](repeating: 0, count: directions.count)
        for n in associate(population).niche { convergenceCount[n] += 1 }
        let target = Swift.min(size, candidates.count)
        var chosen: [Int] = []
        var quota = 1
        while chosen.count < target {
            for line in directions.indices where convergenceCount[line] < quota {
                for _ in 0..<(quota - convergenceCount[line]) {
                    let inNiche = unpicked[line]
                    if inNiche.isEmpty { break }
                    let front = NonDominatedSorting.nonDominated(inNiche.map { candidates[$0].objectives })
                    var pick = front[0]
                    for position in front where fitness[inNiche[position]] < fitness[inNiche[pick]] { pick = position }
                    chosen.append(inNiche[pick])
                    unpicked[line].remove(at: pick)
                    if chosen.count == target { break }
                }
                if chosen.count == target { break }
            }
            quota += 1
        }
        return chosen.map { candidates[$0] }
    }

    // MARK: Mating

    /// pymoo's `RestrictedMating` with `comp_by_cv_dom_then_random`: the first parent comes from the CA
    /// when its share of the pool's non-dominated members is larger than the DA's (else from the DA), the
    /// second from the CA with probability equal to that share; each parent is a binary tournament.
    static func restrictedMating(
        pairs: Int, pool: [Individual], firstFront: Set<Int>, using random: inout SeededRandom
    ) -> [(Int, Int)] {
        let half = pool.count / 2
        guard half > 0 else { return Array(repeating: (0, 0), count: pairs) }
        let share = { (range: Range<Int>) in Double(range.filter(firstFront.contains).count) / Double(pool.count) }
        let convergenceShare = share(0..<half), diversityShare = share(half..<pool.count)
        var competitors: [Int] = []
        while competitors.count < 4 * pairs {
            var permutation = Array(0..<half)
            permutation.shuffle(using: &random)
            competitors += permutation
        }
        func tournament(_ t: Int, offset: Int, using random: inout SeededRandom) -> Int {
            let a = competitors[2 * t] + offset, b = competitors[2 * t + 1] + offset
            return feasibilityThenDominance(a, b, pool: pool, using: &random)
        }
        let firstOffset = convergenceShare <= diversityShare ? half : 0
        let secondFromDiversity = (0..<pairs).map { _ in random.nextUnit() >= convergenceShare }
        return (0..<pairs).map { p in
            let first = tournament(2 * p, offset: firstOffset, using: &random)
            let second = tournament(2 * p + 1, offset: secondFromDiversity[p] ? half : 0, using: &random)
            return (first, second)
        }
    }

    /// pymoo's `comp_by_cv_dom_then_random`: a feasible rival beats an infeasible one; two feasible ones
    /// are decided by dominance; anything else by chance.
    static func feasibilityThenDominance(_ a: Int, _ b: Int, pool: [Individual], using random: inout SeededRandom) -> Int {
        switch (pool[a].isFeasible, pool[b].isFeasible) {
        case (true, false): return a
        case (false, true): return b
        case (true, true):
            if NonDominatedSorting.dominates(pool[a].objectives, pool[b].objectives) { return a }
            if NonDominatedSorting.dominates(pool[b].objectives, pool[a].objectives) { return b }
            return random.nextUnit() < 0.5 ? a : b
        case (false, false):
            return random.nextUnit() < 0.5 ? a : b
        }
    }
}
