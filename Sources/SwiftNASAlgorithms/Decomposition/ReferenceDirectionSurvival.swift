import SwiftNASCore
import SwiftNASPareto

/// NSGA-III's survival (Deb & Jain 2014) as pymoo 0.6.2's `ReferenceDirectionSurvival`, feasibility first:
/// whole non-dominated fronts survive while they fit; the objectives are normalized by the adaptive
/// ideal/nadir points; every member is associated with its nearest reference line; the front that does not
/// fit is thinned by niching, filling the least crowded reference lines first.
struct ReferenceDirectionSurvival: Sendable {
    let directions: [[Double]]
    private var normalization: HyperplaneNormalization

    /// What the survival learned about each survivor, which U-NSGA-III's tournament uses. Infeasible
    /// survivors have rank `Int.max`, niche −1 and infinite distance (tournaments decide them by violation).
    struct Survivors: Sendable, Hashable {
        var indices: [Int] = []
        var rank: [Int] = []
        var niche: [Int] = []
        var distanceToNiche: [Double] = []
    }

    init(directions: [[Double]]) {
        self.directions = directions
        normalization = HyperplaneNormalization(objectiveCount: directions[0].count)
    }

    /// `count` survivors of `individuals` (fewer only if there are fewer individuals).
    mutating func select(_ individuals: [Individual], count: Int, using random: inout SeededRandom) -> Survivors {
        var rank = [Int](repeating: .max, count: individuals.count)
        var niche = [Int](repeating: -1, count: individuals.count)
        var distance = [Double](repeating: .infinity, count: individuals.count)
        let indices = FeasibilityFirst.survivors(of: individuals, count: count) { feasible, wanted in
            let points = feasible.map { individuals[$0].objectives }
            let chosen = selectFeasible(
                points, count: wanted, rank: &rank, niche: &niche, distance: &distance, offsets: feasible, using: &random)
            return chosen.map { feasible[$0] }
        }
        return Survivors(
            indices: indices, rank: indices.map { rank[$0] }, niche: indices.map { niche[$0] },
            distanceToNiche: indices.map { distance[$0] })
    }

    /// Survivors among feasible `points` (indices into `points`); records rank, niche and distance of every
    /// sorted point at `offsets[i]`.
    private mutating func selectFeasible(
        _ points: [[Double]], count: Int, rank: inout [Int], niche: inout [Int], distance: inout [Double],
        offsets: [Int], using random: inout SeededRandom
    ) -> [Int] {
        let fronts = NonDominatedSorting.fronts(points, limit: count)
        normalization.update(points, front: fronts[0])
        let ideal = normalization.ideal, nadir = normalization.nadir
        // A zero range is replaced by 1e-12, as pymoo's `associate_to_niches`.
        let scale = zip(nadir, ideal).map { $0 - $1 == 0 ? 1e-12 : $0 - $1 }
        let sorted = fronts.flatMap { $0 }
        let normalized = sorted.map { i in points[i].indices.map { (points[i][$0] - ideal[$0]) / scale[$0] } }
        let association = Scalarization.associate(normalized, to: directions)
        var position = 0
        for (r, front) in fronts.enumerated() {
            for i in front {
                rank[offsets[i]] = r
                niche[offsets[i]] = association.niche[position]
                distance[offsets[i]] = association.distance[position]
                position += 1
            }
        }
        guard sorted.count > count else { return sorted }

        let lastFront = fronts[fronts.count - 1]
        let kept = fronts.dropLast().flatMap { $0 }
        var nicheCount = [Int](repeating: 0, count: directions.count)
        for i in kept { nicheCount[niche[offsets[i]]] += 1 }
        let picked = Self.niching(
            count: count - kept.count, niche: lastFront.map { niche[offsets[$0]] },
            distance: lastFront.map { distance[offsets[$0]] }, nicheCount: &nicheCount, using: &random)
        return kept + picked.map { lastFront[$0] }
    }

    /// pymoo's `niching`: repeatedly takes the reference lines with the fewest survivors (in random order),
    /// and gives each one candidate: the closest when the line has none yet, a random one otherwise.
    /// Returns positions in the candidate arrays.
    static func niching(
        count: Int, niche: [Int], distance: [Double], nicheCount: inout [Int], using random: inout SeededRandom
    ) -> [Int] {
        var available = [Bool](repeating: true, count: niche.count)
        var survivors: [Int] = []
        while survivors.count < count {
            let stillNeeded = count - survivors.count
            let candidateNiches = Set(niche.indices.filter { available[$0] }.map { niche[$0] }).sorted()
            guard let fewest = candidateNiches.map({ nicheCount[$0] }).min() else { break }
            var nextNiches = candidateNiches.filter { nicheCount[$0] == fewest }
            nextNiches.shuffle(using: &random)
            for line in nextNiches.prefix(stillNeeded) {
                var members = niche.indices.filter { available[$0] && niche[$0] == line }
                members.shuffle(using: &random)
                var chosen = members[0]
                if nicheCount[line] == 0 {
                    for member in members where distance[member] < distance[chosen] { chosen = member }
                }
                available[chosen] = false
                survivors.append(chosen)
                nicheCount[line] += 1
            }
        }
        return survivors
    }
}
