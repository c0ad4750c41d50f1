import SwiftNASCore
import SwiftNASPareto

/// Feasibility-first survival, as pymoo's `Survival(filter_infeasible=True)` (`pymoo/core/survival.py`):
/// feasible individuals are ranked by the algorithm's own criterion; any remaining places go to the
/// infeasible ones in order of increasing total violation.
public enum FeasibilityFirst {
    /// Indices of feasible individuals (ascending) and of infeasible ones sorted by violation (stable).
    public static func split(_ individuals: [Individual]) -> (feasible: [Int], infeasible: [Int]) {
        var feasible: [Int] = [], infeasible: [Int] = []
        for i in individuals.indices {
            if individuals[i].isFeasible { feasible.append(i) } else { infeasible.append(i) }
        }
        infeasible = infeasible.enumerated()
            .sorted { (individuals[$0.element].violation, $0.offset) < (individuals[$1.element].violation, $1.offset) }
            .map(\.element)
        return (feasible, infeasible)
    }

    /// Chooses `count` survivors: `rankFeasible(indices, n)` picks `n` of the feasible `indices`, then the
    /// least violating infeasible individuals fill the remaining places.
    public static func survivors(
        of individuals: [Individual], count: Int, rankFeasible: (_ feasible: [Int], _ count: Int) -> [Int]
    ) -> [Int] {
        let (feasible, infeasible) = split(individuals)
        let wanted = min(count, individuals.count)
        var chosen = feasible.isEmpty ? [] : rankFeasible(feasible, min(feasible.count, wanted))
        chosen.append(contentsOf: infeasible.prefix(wanted - chosen.count))
        return chosen
    }

    /// pymoo's `opt` for multi-objective algorithms: the feasible non-dominated individuals, or the least
    /// violating one when none is feasible.
    public static func best(of individuals: [Individual]) -> [Individual] {
        let feasible = individuals.filter(\.isFeasible)
        if feasible.isEmpty {
            return individuals.min { $0.violation < $1.violation }.map { [$0] } ?? []
        }
        return NonDominatedSorting.nonDominated(feasible.map(\.objectives)).map { feasible[$0] }
    }
}

/// NSGA-II's rank-and-crowding survival (pymoo's `RankAndCrowding` with `cd`, feasibility first): whole
/// fronts survive in order; the front that does not fit keeps its most crowding-distant members, ties
/// broken at random.
public enum RankAndCrowdingSurvival {
    /// Survivors of `individuals`, with each survivor's front rank and crowding distance (the latter
    /// computed on the whole front before truncation, as pymoo does; infeasible survivors get rank `Int.max`
    /// and crowding 0, tournaments decide them by violation first).
    public static func select(
        _ individuals: [Individual], count: Int, using random: inout SeededRandom
    ) -> (survivors: [Int], rank: [Int], crowding: [Double]) {
        var rank = [Int](repeating: .max, count: individuals.count)
        var crowding = [Double](repeating: 0, count: individuals.count)
        let survivors = FeasibilityFirst.survivors(of: individuals, count: count) { feasible, wanted in
            let objectives = feasible.map { individuals[$0].objectives }
            var chosen: [Int] = []
            chosen.reserveCapacity(wanted)
            for (k, front) in NonDominatedSorting.fronts(objectives, limit: wanted).enumerated() {
                let distance = CrowdingDistance.compute(front.map { objectives[$0] })
                for (j, i) in front.enumerated() {
                    rank[feasible[i]] = k
                    crowding[feasible[i]] = distance[j]
                }
                if chosen.count + front.count <= wanted {
                    chosen.append(contentsOf: front.map { feasible[$0] })
                } else {
                    var order = Array(front.indices)
                    order.shuffle(using: &random)
                    order.sort { distance[$0] > distance[$1] }
                    chosen.append(contentsOf: order.prefix(wanted - chosen.count).map { feasible[front[$0]] })
                }
                if chosen.count >= wanted { break }
            }
            return chosen
        }
        return (survivors, survivors.map { rank[$0] }, survivors.map { crowding[$0] })
    }
}
