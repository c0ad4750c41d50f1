/// Exact hypervolume of a set of points (minimisation) with respect to a reference point.
///
/// Points that do not strictly dominate the reference point (some objective at or beyond it, or NaN)
/// contribute nothing; duplicates count once; the empty set has volume 0.
///
/// Algorithms: one objective is a minimum; two objectives a sort-and-sweep, O(n log n); three objectives
/// the sweep of Beume et al. (2009) along f3 keeping the (f1, f2) staircase in a 64-ary bit tree over the
/// points' f1 ranks, O(n log n); four objectives a sweep along f4 adding each point's exclusive 3-D
/// contribution, O(n²); five and more the WFG algorithm (While, Bradstreet & Barone 2012), slicing along
/// the last objective so that the recursion bottoms out in the four-objective sweep.
public enum Hypervolume {
    /// The volume of the region dominated by `points` and bounded by `reference`. Returns NaN when the rows
    /// and the reference point differ in length.
    public static func compute(_ points: [[Double]], reference: [Double]) -> Double {
        if points.contains(where: { $0.count != reference.count }) { return .nan }
        return compute(ObjectiveMatrix(rows: points), reference: reference)
    }

    /// ``compute(_:reference:)`` for points already held in a flat matrix.
    public static func compute(_ matrix: ObjectiveMatrix, reference: [Double]) -> Double {
        let m = reference.count
        if matrix.count == 0 { return 0 }
        if matrix.dimension != m { return .nan }
        if m == 0 { return 0 }
        var inside = [Double]()
        inside.reserveCapacity(matrix.values.count)
        var n = 0
        matrix.values.withUnsafeBufferPointer { v in
            for i in 0..<matrix.count {
                var keep = true
                for k in 0..<m where !(v[i * m + k] < reference[k]) { keep = false; break }
                if keep {
                    for k in 0..<m { inside.append(v[i * m + k]) }
                    n += 1
                }
            }
        }
        if n == 0 { return 0 }
        switch m {
        case 1: return reference[0] - (inside.min() ?? reference[0])
        case 2: return HVKernels.sweep2D(inside, n, reference[0], reference[1])
        case 3: return HVKernels.sweep3D(inside, n, reference[0], reference[1], reference[2])
        case 4: return HVKernels.sweep4D(inside, n, reference)
        default:
            let (filtered, kept) = HVKernels.minimalSet(inside, n, m)
            return HVKernels.wfg(filtered, kept, m, reference)
        }
    }
}

/// The hypervolume algorithms behind ``Hypervolume``. Every kernel takes `n` points of a flat row-major
/// buffer that all strictly dominate the reference point.
enum HVKernels {
    /// Two objectives: sort by f1 (then f2) and add the slab each new f2 minimum opens.
    static func sweep2D(_ v: [Double], _ n: Int, _ rx: Double, _ ry: Double) -> Double {
        let order = v.withUnsafeBufferPointer { v in
            IndexSort.lexicographicOrder(v, count: n, stride: 2, columns: 2)
        }
        var volume = 0.0
        var bestY = ry
        v.withUnsafeBufferPointer { v in
            for i in order {
                let y = v[2 * i + 1]
                if y < bestY {
                    volume += (rx - v[2 * i]) * (bestY - y)
                    bestY = y
                }
            }
        }
        return volume
    }

    /// Three objectives: sweep the points by increasing f3, keeping the 2-D staircase of the (f1, f2)
    /// projections seen so far and its dominated area; each slab between consecutive f3 values adds
    /// area × thickness. Staircase members are kept by their rank in (f1, f2) order in a ``RankSet``, so
    /// finding the neighbours of a new point and dropping the points it dominates are O(log₆₄ n) each.
    static func sweep3D(_ v: [Double], _ n: Int, _ rx: Double, _ ry: Double, _ rz: Double) -> Double {
        if n == 1 { return (rx - v[0]) * (ry - v[1]) * (rz - v[2]) }
        let (byXY, byZ) = v.withUnsafeBufferPointer { v in
            (IndexSort.lexicographicOrder(v, count: n, stride: 3, columns: 2),
             IndexSort.stableOrder(v, count: n, stride: 3, column: 2))
        }
        var rankOf = [Int](repeating: 0, count: n)
        var sx = [Double](repeating: 0, count: n)
        var sy = [Double](repeating: 0, count: n)
        v.withUnsafeBufferPointer { v in
            for (r, i) in byXY.enumerated() {
                rankOf[i] = r
                sx[r] = v[3 * i]
                sy[r] = v[3 * i + 1]
            }
        }
        var members = RankSet(capacity: n)
        var area = 0.0
        var volume = 0.0
        var lastZ = 0.0
        v.withUnsafeBufferPointer { v in
            sx.withUnsafeBufferPointer { sx in
                sy.withUnsafeBufferPointer { sy in
                    for (step, i) in byZ.enumerated() {
                        let z = v[3 * i + 2]
                        if step > 0 { volume += area * (z - lastZ) }
                        lastZ = z
                        let r = rankOf[i]
                        let x = sx[r], y = sy[r]
                        let q = members.predecessor(of: r)
                        if q >= 0 && sy[q] <= y { continue }  // weakly dominated in (f1, f2)
                        var top = q >= 0 ? sy[q] : ry
                        var left = x
                        var added = 0.0
                        var s = members.successor(of: r)
                        while s >= 0 && sy[s] >= y {
                            added += (sx[s] - left) * (top - y)
                            top = sy[s]
                            left = sx[s]
                            members.remove(s)
                            s = members.successor(of: s)
                        }
                        added += ((s >= 0 ? sx[s] : rx) - left) * (top - y)
                        area += added
                        members.insert(r)
                    }
                }
            }
        }
        volume += area * (rz - lastZ)
        return volume
    }

    /// Four objectives: sweep the points by increasing f4 keeping the 3-D volume V of the (f1, f2, f3)
    /// projections seen so far; each slab between consecutive f4 values adds V × thickness. V grows by each
    /// new point's exclusive 3-D contribution, computed by a sweep along f3 over the kept projections (held
    /// sorted by f3, 3-D-dominated ones dropped) with a 2-D staircase clipped to the new point's box. O(n²).
    static func sweep4D(_ v: [Double], _ n: Int, _ reference: [Double]) -> Double {
        let rx = reference[0], ry = reference[1], rz = reference[2], rw = reference[3]
        if n == 1 { return (rx - v[0]) * (ry - v[1]) * (rz - v[2]) * (rw - v[3]) }
        let byW = v.withUnsafeBufferPointer { IndexSort.stableOrder($0, count: n, stride: 4, column: 3) }
        // Kept projections, f3 ascending: `count` rows of k; p is merged in through the spare buffer.
        var k = [Double](repeating: 0, count: 3 * n), spare = [Double](repeating: 0, count: 3 * n)
        var count = 0
        var stairs = Staircase2D(rx: rx, ry: ry)
        var volume3 = 0.0
        var volume = 0.0
        var lastW = 0.0
        for (step, i) in byW.enumerated() {
            let px = v[4 * i], py = v[4 * i + 1], pz = v[4 * i + 2], w = v[4 * i + 3]
            if step > 0 { volume += volume3 * (w - lastW) }
            lastW = w
            // Exclusive contribution of p to the kept projections.
            stairs.reset()
            let box = (rx - px) * (ry - py)
            var j = 0
            while j < count && k[3 * j + 2] <= pz {
                stairs.insert(max(k[3 * j], px), max(k[3 * j + 1], py), cornerX: px, cornerY: py)
                j += 1
            }
            if stairs.full { continue }  // weakly dominated in (f1, f2, f3)
            let below = j  // kept rows with f3 ≤ pz: p goes right after them
            var contribution = 0.0
            var z = pz
            while j < count {
                let qz = k[3 * j + 2]
                contribution += (box - stairs.area) * (qz - z)
                z = qz
                stairs.insert(max(k[3 * j], px), max(k[3 * j + 1], py), cornerX: px, cornerY: py)
                if stairs.full { break }
                j += 1
            }
            if !stairs.full { contribution += (box - stairs.area) * (rz - z) }
            volume3 += contribution
            // Rows before `below` have f3 ≤ pz and are not dominated by p unless equal to it in f3 and
            // beyond; rows after are kept unless p weakly dominates them.
            var out = 0
            k.withUnsafeBufferPointer { k in
                spare.withUnsafeMutableBufferPointer { spare in
                    for t in 0..<count {
                        if t == below {
                            spare[3 * out] = px; spare[3 * out + 1] = py; spare[3 * out + 2] = pz
                            out += 1
                        }
                        let qx = k[3 * t], qy = k[3 * t + 1], qz = k[3 * t + 2]
                        if px <= qx && py <= qy && pz <= qz { continue }
                        spare[3 * out] = qx; spare[3 * out + 1] = qy; spare[3 * out + 2] = qz
                        out += 1
                    }
                    if below == count {
                        spare[3 * out] = px; spare[3 * out + 1] = py; spare[3 * out + 2] = pz
                        out += 1
                    }
                }
            }
            swap(&k, &spare)
            count = out
        }
        volume += volume3 * (rw - lastW)
        return volume
    }

    /// The points of `v` not weakly dominated by another (one copy of each duplicate), as a new buffer and
    /// its point count. Points are visited in lexicographic order, so a point can only be weakly dominated
    /// by one visited before it and the kept set only grows: O(n log n + n·k·m) for k kept points.
    static func minimalSet(_ v: [Double], _ n: Int, _ m: Int) -> ([Double], Int) {
        var kept = [Double]()
        kept.reserveCapacity(v.count)
        var count = 0
        v.withUnsafeBufferPointer { v in
            let order = IndexSort.lexicographicOrder(v, count: n, stride: m, columns: m)
            for i in order {
                let c = i * m
                let dominated = kept.withUnsafeBufferPointer { kept in
                    var j = (count - 1) * m
                    while j >= 0 {
                        var all = true
                        for k in 0..<m where kept[j + k] > v[c + k] { all = false; break }
                        if all { return true }
                        j -= m
                    }
                    return false
                }
                if !dominated {
                    for k in 0..<m { kept.append(v[c + k]) }
                    count += 1
                }
            }
        }
        return (kept, count)
    }

    /// WFG for `m` ≥ 2 objectives. Points are taken in decreasing order of the last objective; the volume
    /// point k adds beyond the points after it is its box minus the volume of the "limit set" (those points
    /// pushed up to k's coordinates), and every limit point shares k's last objective, so both are a
    /// thickness times an (m−1)-objective volume.
    static func wfg(_ v: [Double], _ n: Int, _ m: Int, _ reference: [Double]) -> Double {
        if n == 0 { return 0 }
        switch m {
        case 2: return sweep2D(v, n, reference[0], reference[1])
        case 3: return sweep3D(v, n, reference[0], reference[1], reference[2])
        case 4: return sweep4D(v, n, reference)
        default: break
        }
        let last = m - 1
        if n == 1 {
            var box = 1.0
            for k in 0..<m { box *= reference[k] - v[k] }
            return box
        }
        let order = v.withUnsafeBufferPointer { v in
            Array(IndexSort.stableOrder(v, count: n, stride: m, column: last).reversed())
        }
        let lower = Array(reference.prefix(last))
        var limit = [Double]()
        limit.reserveCapacity((n - 1) * last)
        var volume = 0.0
        v.withUnsafeBufferPointer { v in
            for (position, p) in order.enumerated() {
                let base = p * m
                let thickness = reference[last] - v[base + last]
                var box = 1.0
                for k in 0..<last { box *= reference[k] - v[base + k] }
                limit.removeAll(keepingCapacity: true)
                for q in order[(position + 1)...] {
                    for k in 0..<last { limit.append(max(v[base + k], v[q * m + k])) }
                }
                let count = n - position - 1
                var shadowed = 0.0
                if count > 0 {
                    let (filtered, kept) = minimalSet(limit, count, last)
                    shadowed = wfg(filtered, kept, last, lower)  // m − 1 = 4 goes to the 4-D sweep
                }
                volume += thickness * (box - shadowed)
            }
        }
        return volume
    }
}

/// A 2-D staircase clipped to the box of a corner point, with the area it covers (minimisation, bounded by
/// the reference (rx, ry)): points sorted by x ascending, y strictly descending.
struct Staircase2D {
    let rx: Double
    let ry: Double
    var x: [Double] = []
    var y: [Double] = []
    /// Area covered between the points and the reference.
    var area = 0.0
    /// Whether a point at the corner was inserted, so the whole box is covered.
    var full = false

    init(rx: Double, ry: Double) {
        self.rx = rx
        self.ry = ry
    }

    /// Empties the staircase, keeping its storage.
    mutating func reset() {
        x.removeAll(keepingCapacity: true)
        y.removeAll(keepingCapacity: true)
        area = 0
        full = false
    }

    /// Adds (px, py), a point of the box whose lower corner is (cornerX, cornerY).
    @inline(__always)
    mutating func insert(_ px: Double, _ py: Double, cornerX: Double, cornerY: Double) {
        if full { return }
        if px == cornerX && py == cornerY { full = true }
        // First point with x ≥ px.
        var lo = 0, hi = x.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if x[mid] < px { lo = mid + 1 } else { hi = mid }
        }
        let pos = lo
        if pos > 0 && y[pos - 1] <= py { return }
        if pos < x.count && x[pos] == px && y[pos] <= py { return }
        var top = pos > 0 ? y[pos - 1] : ry
        var left = px
        var added = 0.0
        var end = pos
        while end < x.count && y[end] >= py {
            added += (x[end] - left) * (top - py)
            top = y[end]
            left = x[end]
            end += 1
        }
        added += ((end < x.count ? x[end] : rx) - left) * (top - py)
        area += added
        if end == pos {
            x.insert(px, at: pos); y.insert(py, at: pos)
        } else {
            x[pos] = px; y[pos] = py
            if end > pos + 1 {
                x.removeSubrange((pos + 1)..<end)
                y.removeSubrange((pos + 1)..<end)
            }
        }
    }
}

/// A set of integers in `0..<capacity` as a 64-ary tree of bit words, with O(log₆₄ n) insert, remove,
/// predecessor and successor.
struct RankSet {
    /// All levels' words, leaves first.
    private var words: [UInt64]
    /// Where each level starts in `words`, plus the end.
    private let offsets: [Int]

    init(capacity: Int) {
        var offsets = [0]
        var bits = max(capacity, 1)
        repeat {
            let count = (bits + 63) >> 6
            offsets.append(offsets[offsets.count - 1] + count)
            bits = count
        } while bits > 1
        self.offsets = offsets
        words = [UInt64](repeating: 0, count: offsets[offsets.count - 1])
    }

    /// Adds `i`.
    @inline(__always)
    mutating func insert(_ i: Int) {
        var i = i
        for level in 0..<(offsets.count - 1) {
            let w = offsets[level] + (i >> 6)
            let before = words[w]
            words[w] = before | (1 << UInt64(i & 63))
            if before != 0 { return }
            i >>= 6
        }
    }

    /// Removes `i`.
    @inline(__always)
    mutating func remove(_ i: Int) {
        var i = i
        for level in 0..<(offsets.count - 1) {
            let w = offsets[level] + (i >> 6)
            let after = words[w] & ~(1 << UInt64(i & 63))
            words[w] = after
            if after != 0 { return }
            i >>= 6
        }
    }

    /// The smallest member greater than `i`, or -1.
    @inline(__always)
    func successor(of i: Int) -> Int {
        let levels = offsets.count - 1
        var level = 0
        var index = i + 1
        while true {
            if level == levels { return -1 }
            let wordIndex = index >> 6
            if wordIndex >= offsets[level + 1] - offsets[level] { return -1 }
            let word = words[offsets[level] + wordIndex] & (UInt64.max << UInt64(index & 63))
            if word != 0 {
                index = (wordIndex << 6) | word.trailingZeroBitCount
                break
            }
            index = wordIndex + 1
            level += 1
        }
        while level > 0 {
            level -= 1
            index = (index << 6) | words[offsets[level] + index].trailingZeroBitCount
        }
        return index
    }

    /// The largest member smaller than `i`, or -1.
    @inline(__always)
    func predecessor(of i: Int) -> Int {
        let levels = offsets.count - 1
        if i <= 0 { return -1 }
        var level = 0
        var index = i - 1
        while true {
            if level == levels { return -1 }
            let wordIndex = index >> 6
            let word = words[offsets[level] + wordIndex] & (UInt64.max >> UInt64(63 - (index & 63)))
            if word != 0 {
                index = (wordIndex << 6) | (63 - word.leadingZeroBitCount)
                break
            }
            if wordIndex == 0 { return -1 }
            index = wordIndex - 1
            level += 1
        }
        while level > 0 {
            level -= 1
            index = (index << 6) | (63 - words[offsets[level] + index].leadingZeroBitCount)
        }
        return index
    }
}
