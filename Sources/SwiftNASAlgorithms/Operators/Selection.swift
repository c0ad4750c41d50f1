import SwiftNASCore
import SwiftNASPareto

/// Binary tournament selection as pymoo's `TournamentSelection(pressure=2)`
/// (`pymoo/operators/selection/tournament.py`): competitors are taken pairwise from concatenated random
/// permutations of the population, so every member competes about equally often.
public enum BinaryTournament {
    /// Indices of `count` winners among `populationSize` members; `winner` decides each tournament.
    public static func select(
        count: Int, populationSize: Int, using random: inout SeededRandom,
        winner: (_ first: Int, _ second: Int, _ random: inout SeededRandom) -> Int
    ) -> [Int] {
        guard count > 0, populationSize > 0 else { return [] }
        let needed = 2 * count
        var competitors: [Int] = []
        competitors.reserveCapacity(needed + populationSize)
        while competitors.count < needed {
            var permutation = Array(0..<populationSize)
            permutation.shuffle(using: &random)
            competitors.append(contentsOf: permutation)
        }
        var winners: [Int] = []
        winners.reserveCapacity(count)
        for t in 0..<count {
            winners.append(winner(competitors[2 * t], competitors[2 * t + 1], &random))
        }
        return winners
    }

    /// pymoo NSGA-II's `binary_tournament` with `comp_by_dom_and_crowding`: if either is infeasible the smaller
    /// violation wins; otherwise the dominating one wins; otherwise the larger crowding distance; ties at random.
    public static func byDominanceThenCrowding(
        _ a: Int, _ b: Int, individuals: [Individual], crowding: [Double], using random: inout SeededRandom
    ) -> Int {
        if let decided = byViolation(a, b, individuals: individuals, using: &random) { return decided }
        if NonDominatedSorting.dominates(individuals[a].objectives, individuals[b].objectives) { return a }
        if NonDominatedSorting.dominates(individuals[b].objectives, individuals[a].objectives) { return b }
        return larger(a, crowding[a], b, crowding[b], using: &random)
    }

    /// pymoo's `binary_tournament` with `comp_by_rank_and_crowding` (AGE-MOEA): if either is infeasible the
    /// smaller violation wins; otherwise the lower rank; otherwise the larger crowding value; ties at random.
    public static func byRankThenCrowding(
        _ a: Int, _ b: Int, individuals: [Individual], rank: [Int], crowding: [Double], using random: inout SeededRandom
    ) -> Int {
        if let decided = byViolation(a, b, individuals: individuals, using: &random) { return decided }
        if rank[a] != rank[b] { return rank[a] < rank[b] ? a : b }
        return larger(a, crowding[a], b, crowding[b], using: &random)
    }

    /// pymoo GA's `comp_by_cv_and_fitness`: smaller violation if either is infeasible, otherwise the smaller
    /// first objective; ties at random.
    public static func byViolationThenFitness(
        _ a: Int, _ b: Int, individuals: [Individual], using random: inout SeededRandom
    ) -> Int {
        if let decided = byViolation(a, b, individuals: individuals, using: &random) { return decided }
        return larger(a, -individuals[a].objectives[0], b, -individuals[b].objectives[0], using: &random)
    }

    /// The less violating of `a` and `b` when at least one is infeasible (ties at random), nil when both are
    /// feasible.
    @inlinable
    public static func byViolation(
        _ a: Int, _ b: Int, individuals: [Individual], using random: inout SeededRandom
    ) -> Int? {
        let va = individuals[a].violation, vb = individuals[b].violation
        guard va > 0 || vb > 0 else { return nil }
        return larger(a, -va, b, -vb, using: &random)
    }

    @usableFromInline
    static func larger(_ a: Int, _ valueA: Double, _ b: Int, _ valueB: Double, using random: inout SeededRandom) -> Int {
        if valueA > valueB { return a }
        if valueB > valueA { return b }
        return random.nextUnit() < 0.5 ? a : b
    }
}
