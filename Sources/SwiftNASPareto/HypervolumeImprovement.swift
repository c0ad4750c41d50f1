/// How much hypervolume each of many candidate points would add to a front (minimisation), for acquisition
/// functions that score thousands of candidates per step.
///
/// Two objectives: exact, by integrating each candidate's box against the front's staircase, O(front) per
/// candidate after one sort. More objectives: the exact volume with and without the candidate
/// (``Hypervolume``) for each candidate that could add anything; callers keep the candidate set small there.
public enum HypervolumeImprovement {
    /// The hypervolume `front ∪ {candidate}` has beyond `front`'s, for every candidate, with respect to
    /// `reference`; 0 for a candidate dominated by the front or outside the reference box.
    public static func of(_ candidates: [[Double]], over front: [[Double]], reference: [Double]) -> [Double] {
        guard reference.count == 2 else {
            let inside = front.filter { point in zip(point, reference).allSatisfy { $0 < $1 } }
            let base = Hypervolume.compute(inside, reference: reference)
            return candidates.map { candidate in
                guard zip(candidate, reference).allSatisfy({ $0 < $1 }) else { return 0 }
                if inside.contains(where: { point in zip(point, candidate).allSatisfy { $0 <= $1 } }) { return 0 }
                return max(0, Hypervolume.compute(inside + [candidate], reference: reference) - base)
            }
        }
        // The front's staircase inside the box: x ascending, y strictly descending.
        var steps: [(x: Double, y: Double)] = []
        for point in front.filter({ $0[0] < reference[0] && $0[1] < reference[1] }).sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            if point[1] < (steps.last?.y ?? reference[1]) { steps.append((point[0], point[1])) }
        }
        return candidates.map { candidate in
            let (cx, cy) = (candidate[0], candidate[1])
            guard cx < reference[0], cy < reference[1] else { return 0 }
            // Between consecutive step x-positions the front dominates everything above its last y.
            var gain = 0.0, ceiling = reference[1], start = -Double.infinity
            for step in steps + [(x: reference[0], y: -Double.infinity)] {
                let left = max(cx, start), width = step.x - left
                if width > 0, ceiling > cy { gain += width * (ceiling - cy) }
                if step.x >= reference[0] { break }
                start = step.x
                ceiling = step.y
                if ceiling <= cy { break }
            }
            return gain
        }
    }
}
