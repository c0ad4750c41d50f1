/// Exact hypervolume of a set of points (minimisation) with respect to a reference point.
///
/// Points that do not strictly dominate the reference point (some objective at or beyond it, or NaN)
/// contribute nothing; duplicates count once; the empty set has volume 0.
///
/// Algorithms: one objective is a minimum; two objectives a sort-and-sweep, O(n log n); three objectives
/// the sweep of Beume et al. (2009) along f3 keeping the (f1, f2) staircase in a 64-ary bit tree over the
/// points' f1 ranks, O(n log n); four objectives a sweep along f4 adding each point's exclusive 3-D
/// contribution, O(n²); five objectives the dimension sweep of Fonseca, Paquete & López-Ibáñez (2006) along f5,
/// adding each point's exclusive 4-D contribution computed HV4D+-style (Guerreiro & Fonseca 2018) as a sweep
/// along f4 of 3-D contributions; six and more the WFG algorithm (While, Bradstreet & Barone 2012), slicing along
/// the last objective so that the recursion bottoms out in the five-objective sweep.
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
        // The points that strictly dominate the reference; when that is all of them (the usual case) the matrix's
        // own buffer serves, uncopied.
        let allInside = matrix.values.withUnsafeBufferPointer { v in
            reference.withUnsafeBufferPointer { r in
                var below = true
                for i in 0..<matrix.count {
                    for k in 0..<m { below = below && v[i * m + k] < r[k] }
                }
                return below
            }
        }
        var inside = matrix.values
        var n = matrix.count
        if !allInside {
            inside = []
            n = 0
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
        }
        if n == 0 { return 0 }
        switch m {
        case 1: return reference[0] - (inside.min() ?? reference[0])
        case 2: return HVKernels.sweep2D(inside, n, reference[0], reference[1])
        case 3: return HVKernels.sweep3D(inside, n, reference[0], reference[1], reference[2])
        case 4: return HVKernels.sweep4D(inside, n, reference)
        case 5: return HVKernels.sweep5D(inside, n, reference)
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
    /// new point p's exclusive 3-D contribution: the kept projections (3-D-dominated ones dropped) are held
    /// sorted by f3, and a sweep along f3 over them tracks the part of p's (f1, f2) box they cover. O(n²).
    ///
    /// Within p's box only three kinds of kept point matter, so most are settled by a comparison: those left of
    /// p (f1 ≤ p's) cover a band above their f2, and only the lowest such band counts; those below p likewise;
    /// the rest ("inner" points) go into a 2-D staircase only if neither band already hides them.
    static func sweep4D(_ v: [Double], _ n: Int, _ reference: [Double]) -> Double {
        if n == 1 { return (reference[0] - v[0]) * (reference[1] - v[1]) * (reference[2] - v[2]) * (reference[3] - v[3]) }
        return v.withUnsafeBufferPointer { v in
            let byW = IndexSort.stableOrder(v, count: n, stride: 4, column: 3)
            var sorted = [Double](repeating: 0, count: 4 * n)
            for (r, i) in byW.enumerated() {
                for k in 0..<4 { sorted[4 * r + k] = v[4 * i + k] }
            }
            return sorted.withUnsafeBufferPointer { sweep4DSorted($0, n, reference) }
        }
    }

    /// ``sweep4D(_:_:_:)`` for rows already in increasing order of f4 (ties in any order). Rows may be dominated
    /// or repeated: a row whose projection a kept one dominates adds nothing.
    static func sweep4DSorted(_ v: UnsafeBufferPointer<Double>, _ n: Int, _ reference: [Double]) -> Double {
        let rx = reference[0], ry = reference[1], rz = reference[2], rw = reference[3]
        var kept = ProjectionColumns(capacity: n + 1)
        var stairs = ClippedStaircase(capacity: n + 2, rx: rx, ry: ry)
        var volume3 = 0.0
        var volume = 0.0
        var lastW = 0.0
        for i in 0..<n {
            let px = v[4 * i], py = v[4 * i + 1], pz = v[4 * i + 2], w = v[4 * i + 3]
            if i > 0 { volume += volume3 * (w - lastW) }
            lastW = w
            volume3 += kept.add(px, py, pz, rz: rz, stairs: &stairs)
        }
        volume += volume3 * (rw - lastW)
        return volume
    }

    /// Five objectives: the dimension sweep of Fonseca, Paquete & López-Ibáñez (2006) one level above the 4-D case.
    /// The points are taken by increasing f5 while a ``FourDFront`` keeps the 4-D volume V of the (f1, …, f4)
    /// projections seen so far; each slab between consecutive f5 values adds V × thickness, and V grows by each new
    /// point's exclusive 4-D contribution, computed HV4D+-style as a sweep along f4 of 3-D contributions. Dominated
    /// and repeated points contribute 0 there, so no filter runs first. O(n² c) for c the size of a clipped 3-D front.
    static func sweep5D(_ v: [Double], _ n: Int, _ reference: [Double]) -> Double {
        if n == 1 { return (0..<5).reduce(1.0) { $0 * (reference[$1] - v[$1]) } }
        return v.withUnsafeBufferPointer { v in
            let byU = IndexSort.stableOrder(v, count: n, stride: 5, column: 4)
            var front = FourDFront(v, n, stride: 5, reference: reference)
            var volume4 = 0.0
            var volume = 0.0
            var lastU = 0.0
            for (step, i) in byU.enumerated() {
                let u = v[5 * i + 4]
                if step > 0 { volume += volume4 * (u - lastU) }
                lastU = u
                volume4 += front.add(i)
            }
            volume += volume4 * (reference[4] - lastU)
            return volume
        }
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
        case 5: return sweep5D(v, n, reference)
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
            for (rank, p) in order.enumerated() {
                let base = p * m
                var box = 1.0
                for k in 0..<last { box *= reference[k] - v[base + k] }
                limit.removeAll(keepingCapacity: true)
                for q in order[(rank + 1)...] {
                    for k in 0..<last { limit.append(max(v[base + k], v[q * m + k])) }
                }
                let count = n - rank - 1
                var shadowed = 0.0
                if count > 0 {
                    let (filtered, kept) = minimalSet(limit, count, last)
                    shadowed = wfg(filtered, kept, last, lower)
                }
                volume += (reference[last] - v[base + last]) * (box - shadowed)
            }
        }
        return volume
    }
}

/// The four-objective front of the five-objective dimension sweep: which of the points given up front have been
/// added and are not weakly dominated (in f1…f4) by another added one.
///
/// Every point's (f1, …, f4) is stored twice, once in order of f3 and once in order of f4, and the front is two
/// bit sets over those ranks, so it can be walked in either order and a point enters or leaves by flipping two bits.
///
/// ``add(_:)`` returns a point p's exclusive 4-D contribution to the front and then inserts it, in the manner of
/// HV4D+ (Guerreiro & Fonseca 2018): the part of p's box the front leaves uncovered is swept along f4. The kept
/// points are clipped to p's box (coordinate-wise maximum with p). Those with f4 ≤ p's cover a 3-D region of the
/// box from p's f4 on: walked in f3 order that is a plain 3-D sweep with a 2-D staircase, which also lays out the
/// clipped points, sorted by f3, in a ``ProjectionColumns``. Each later point, in f4 order, covers its clipped
/// region from its own f4 on; its exclusive 3-D contribution there comes from the ``ProjectionColumns``. The
/// contribution is Σ (uncovered 3-D volume) × (thickness of each f4 slab), ending early once a point dominates p in
/// (f1, f2, f3) and so covers the whole box.
struct FourDFront: ~Copyable {
    /// The points' (f1, …, f4) by rank in f3 order.
    private let zx: UnsafeMutablePointer<Double>, zy: UnsafeMutablePointer<Double>
    private let zz: UnsafeMutablePointer<Double>, zw: UnsafeMutablePointer<Double>
    /// The same by rank in f4 order, and the rank in f3 order of each.
    private let wx: UnsafeMutablePointer<Double>, wy: UnsafeMutablePointer<Double>
    private let wz: UnsafeMutablePointer<Double>, ww: UnsafeMutablePointer<Double>
    private let wToZ: UnsafeMutablePointer<Int>
    /// Each point's ranks, by its index in the input.
    private let zRank: UnsafeMutablePointer<Int>, wRank: UnsafeMutablePointer<Int>
    /// For each rank in f4 order, the first rank with the same f4.
    private let wTieStart: UnsafeMutablePointer<Int>
    /// The front as bit sets over the ranks in f3 and in f4 order.
    private let zBits: UnsafeMutablePointer<UInt64>, wBits: UnsafeMutablePointer<UInt64>
    private let words: Int
    /// Scratch for the point being added: its clipped points as a 3-D set, the staircase `clipped.add` works in,
    /// and the staircase of the f3-order sweep.
    private var clipped: ProjectionColumns
    private var stairs: ClippedStaircase
    private var base: ClippedStaircase
    private let rx: Double, ry: Double, rz: Double, rw: Double

    /// An empty front over the `n` points of `v` (row-major, `stride` values a row, f1…f4 first), bounded by the
    /// first four coordinates of `reference`.
    init(_ v: UnsafeBufferPointer<Double>, _ n: Int, stride: Int, reference: [Double]) {
        rx = reference[0]; ry = reference[1]; rz = reference[2]; rw = reference[3]
        let size = max(n, 1)
        // The non-copyable scratch comes first: assigned after the loops below, Swift 6.3's optimiser freed a wild
        // pointer as `clipped`'s storage inside this initialiser (-O, caught by AddressSanitizer).
        clipped = ProjectionColumns(capacity: size + 1)
        stairs = ClippedStaircase(capacity: size + 2, rx: reference[0], ry: reference[1])
        base = ClippedStaircase(capacity: size + 2, rx: reference[0], ry: reference[1])
        zx = .allocate(capacity: size); zy = .allocate(capacity: size)
        zz = .allocate(capacity: size); zw = .allocate(capacity: size)
        wx = .allocate(capacity: size); wy = .allocate(capacity: size)
        wz = .allocate(capacity: size); ww = .allocate(capacity: size)
        wToZ = .allocate(capacity: size)
        zRank = .allocate(capacity: size); wRank = .allocate(capacity: size)
        wTieStart = .allocate(capacity: size)
        words = (size + 63) >> 6
        zBits = .allocate(capacity: words); wBits = .allocate(capacity: words)
        zBits.initialize(repeating: 0, count: words)
        wBits.initialize(repeating: 0, count: words)
        let byZ = IndexSort.stableOrder(v, count: n, stride: stride, column: 2)
        let byW = IndexSort.stableOrder(v, count: n, stride: stride, column: 3)
        for (r, i) in byZ.enumerated() {
            zRank[i] = r
            zx[r] = v[i * stride]; zy[r] = v[i * stride + 1]; zz[r] = v[i * stride + 2]; zw[r] = v[i * stride + 3]
        }
        for (r, i) in byW.enumerated() {
            wRank[i] = r
            wx[r] = v[i * stride]; wy[r] = v[i * stride + 1]; wz[r] = v[i * stride + 2]; ww[r] = v[i * stride + 3]
            wToZ[r] = zRank[i]
            wTieStart[r] = r > 0 && ww[r - 1] == ww[r] ? wTieStart[r - 1] : r
        }
    }

    deinit {
        zx.deallocate(); zy.deallocate(); zz.deallocate(); zw.deallocate()
        wx.deallocate(); wy.deallocate(); wz.deallocate(); ww.deallocate()
        wToZ.deallocate(); zRank.deallocate(); wRank.deallocate(); wTieStart.deallocate()
        zBits.deallocate()
        wBits.deallocate()
    }

    /// Takes the point of f3 rank `zr` and f4 rank `wr` out of the front.
    @inline(__always)
    private func remove(z zr: Int, w wr: Int) {
        zBits[zr >> 6] &= ~(1 << UInt64(zr & 63))
        wBits[wr >> 6] &= ~(1 << UInt64(wr & 63))
    }

    /// Returns the 4-D volume point `i` adds to the front (bounded by the reference) and inserts it, dropping the
    /// points it weakly dominates; returns 0 and changes nothing when a point of the front weakly dominates it.
    /// O(k log c + k' c) for k points in the front, k' of them above p in f4, and c the size of the clipped 3-D front.
    mutating func add(_ i: Int) -> Double {
        let pzr = zRank[i], pwr = wRank[i]
        let px = zx[pzr], py = zy[pzr], pz = zz[pzr], pw = zw[pzr]
        let box2 = (rx - px) * (ry - py)
        clipped.count = 0
        base.reset()
        // The points with f4 ≤ pw, in f3 order: a 3-D sweep of their clipped copies from pz up, where the uncovered
        // area of the box is box2 − the staircase's. Those with f3 ≤ pz all sit at pz once clipped.
        var uncovered = 0.0
        var z0 = pz
        var covered = false
        scan: for wordIndex in 0..<words {
            var word = zBits[wordIndex]
            while word != 0 {
                let r = wordIndex << 6 | word.trailingZeroBitCount
                word &= word - 1
                guard zw[r] <= pw else { continue }
                let qx = zx[r], qy = zy[r], qz = zz[r]
                if qz <= pz {
                    if qx <= px && qy <= py { return 0 }  // q weakly dominates p
                } else {
                    uncovered += (box2 - base.area) * (qz - z0)
                    z0 = qz
                }
                if qx <= px && qy <= py {
                    // Above pz (below it q would dominate p): the whole box is covered from qz up.
                    clipped.append(px, py, qz)
                    covered = true
                    break scan
                }
                let cx = max(qx, px), cy = max(qy, py), cz = max(qz, pz)
                if base.insert(cx, cy) { clipped.append(cx, cy, cz) }
            }
        }
        if !covered { uncovered += (box2 - base.area) * (rz - z0) }
        // The points above pw in f4 order, each covering its clipped region from its f4 on; those of f4 = pw only
        // leave if p weakly dominates them.
        var contribution = 0.0
        var w0 = pw
        let start = wTieStart[pwr]
        var wordIndex = start >> 6
        var word = wBits[wordIndex] & (UInt64.max << UInt64(start & 63))
        sweep: while true {
            while word != 0 {
                let r = wordIndex << 6 | word.trailingZeroBitCount
                word &= word - 1
                let qx = wx[r], qy = wy[r], qz = wz[r], qw = ww[r]
                let hidden = px <= qx && py <= qy && pz <= qz
                if hidden { remove(z: wToZ[r], w: r) }
                guard qw > pw else { continue }
                contribution += uncovered * (qw - w0)
                w0 = qw
                if qx <= px && qy <= py && qz <= pz {
                    uncovered = 0
                    break sweep
                }
                let cx = max(qx, px), cy = max(qy, py), cz = max(qz, pz)
                if clipped.covers(cx, cy, cz) { continue }
                uncovered -= clipped.add(cx, cy, cz, rz: rz, stairs: &stairs)
            }
            wordIndex += 1
            if wordIndex == words { break }
            word = wBits[wordIndex]
        }
        contribution += uncovered * (rw - w0)
        zBits[pzr >> 6] |= 1 << UInt64(pzr & 63)
        wBits[pwr >> 6] |= 1 << UInt64(pwr & 63)
        return contribution
    }
}

/// The kept (f1, f2, f3) projections of the 4-D sweep, sorted by f3, as three columns of fixed capacity.
struct ProjectionColumns: ~Copyable {
    let x: UnsafeMutablePointer<Double>
    let y: UnsafeMutablePointer<Double>
    let z: UnsafeMutablePointer<Double>
    var count = 0
    /// Scratch: the rows inside the box of the point being added.
    private let inner: UnsafeMutablePointer<Int>

    init(capacity: Int) {
        x = .allocate(capacity: capacity)
        y = .allocate(capacity: capacity)
        z = .allocate(capacity: capacity)
        inner = .allocate(capacity: capacity)
    }

    deinit {
        x.deallocate()
        y.deallocate()
        z.deallocate()
        inner.deallocate()
    }

    /// Whether some row weakly dominates (px, py, pz): one branch-free pass over all rows, so that the many points
    /// the five-objective sweep offers already covered are turned away before ``add(_:_:_:rz:stairs:)``.
    @inline(__always)
    func covers(_ px: Double, _ py: Double, _ pz: Double) -> Bool {
        var hits = 0
        for j in 0..<count {
            let inside = (x[j] <= px ? 1 : 0) & (y[j] <= py ? 1 : 0) & (z[j] <= pz ? 1 : 0)
            hits |= inside
        }
        return hits != 0
    }

    /// Whether some row from `start` on has f1 ≥ px and f2 ≥ py (branch-free pass).
    @inline(__always)
    private func anyAbove(_ px: Double, _ py: Double, from start: Int) -> Bool {
        var hits = 0
        for j in start..<count { hits |= (px <= x[j] ? 1 : 0) & (py <= y[j] ? 1 : 0) }
        return hits != 0
    }

    /// Puts (px, py, pz) after the last row; the caller keeps the rows in increasing order of f3.
    @inline(__always)
    mutating func append(_ px: Double, _ py: Double, _ pz: Double) {
        x[count] = px; y[count] = py; z[count] = pz
        count += 1
    }

    /// Over the first `rows` rows: the lowest f2 of those left of p (f1 ≤ px) and the lowest f1 of those below
    /// it (f2 ≤ py), each the reference's if there is none, and how many inner rows (neither) it listed in
    /// `inner`; nil when a row is both left and below (it dominates p in 2-D).
    @inline(__always)
    func bands(_ px: Double, _ py: Double, rows: Int, rx: Double, ry: Double) -> (leftY: Double, lowX: Double, inner: Int)? {
        // Branch-free: every row is written to `inner` and the count moves only for inner ones.
        var leftY = ry, lowX = rx, listed = 0, both = 0
        for j in 0..<rows {
            let qx = x[j], qy = y[j]
            let left = qx <= px ? 1 : 0, low = qy <= py ? 1 : 0
            both |= left & low
            leftY = min(leftY, left != 0 ? qy : ry)
            lowX = min(lowX, low != 0 ? qx : rx)
            inner[listed] = j
            listed += 1 &- (left | low)
        }
        if both != 0 { return nil }
        return (leftY, lowX, listed)
    }

    /// Adds p = (px, py, pz) and returns the 3-D volume it adds to the rows (bounded by the reference), or adds
    /// nothing and returns 0 when a row weakly dominates p. The rows p weakly dominates are dropped.
    @inline(__always)
    mutating func add(_ px: Double, _ py: Double, _ pz: Double, rz: Double, stairs: inout ClippedStaircase) -> Double {
        // The rows with f3 ≤ pz (a prefix) shape the covered part of p's box where the sweep along f3 starts.
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if z[mid] <= pz { lo = mid + 1 } else { hi = mid }
        }
        let below = lo
        guard let (leftY0, lowX0, listed) = bands(px, py, rows: below, rx: stairs.rx, ry: stairs.ry) else { return 0 }
        var leftY = leftY0, lowX = lowX0
        stairs.reset()
        if leftY < stairs.ry { stairs.insert(px, leftY) }
        if lowX < stairs.rx { stairs.insert(lowX, py) }
        for k in 0..<listed {
            let j = inner[k]
            let qx = x[j], qy = y[j]
            if qx < lowX && qy < leftY { stairs.insert(qx, qy) }
        }
        // Rows of f3 = pz that p weakly dominates leave; p goes after the rest of the prefix.
        var write = below
        while write > 0 && z[write - 1] == pz { write -= 1 }
        for t in write..<below {  // branch-free: every row is copied, the write position moves past kept ones
            let qx = x[t], qy = y[t], qz = z[t]
            x[write] = qx; y[write] = qy; z[write] = qz
            write += px <= qx && py <= qy ? 0 : 1
        }
        // Upwards from pz each row covers more of the box, until all of it is covered or the reference is reached.
        // The same pass moves the rows up one place behind p (the one in hand is written a step later), dropping
        // those p dominates.
        let box = (stairs.rx - px) * (stairs.ry - py)
        var contribution = 0.0
        var covered = false
        var z0 = pz
        var heldX = px, heldY = py, heldZ = pz
        var t = below
        while t < count {
            let (qx, qy, qz) = shiftUp(&t, behind: px, py, write: &write, held: &heldX, &heldY, &heldZ)
            if qx <= px && qy <= py {
                contribution += (box - stairs.area) * (qz - z0)
                covered = true
                break
            }
            // The corner q adds to the staircase inside p's box from its f3 on, if it adds anything.
            let corner: (x: Double, y: Double)
            if qx <= px {
                guard qy < leftY else { continue }
                leftY = qy
                corner = (px, qy)
            } else if qy <= py {
                guard qx < lowX else { continue }
                lowX = qx
                corner = (qx, py)
            } else {
                guard qx < lowX && qy < leftY else { continue }
                corner = (qx, qy)
            }
            contribution += (box - stairs.area) * (qz - z0)
            z0 = qz
            stairs.insert(corner.x, corner.y)
        }
        if !covered { contribution += (box - stairs.area) * (rz - z0) }
        // Above a row that covers the whole box the rest only move up. Many of them (a long 4-D sweep) move as a
        // block unless p dominates some; a few (the five-objective sweep's clipped fronts) move one by one.
        if count - t >= 16 && !anyAbove(px, py, from: t) {
            // The rows go to write + 1 on (perhaps overlapping, even at write when write = t) before p's lands there.
            let rest = count - t, bytes = rest * MemoryLayout<Double>.stride
            UnsafeMutableRawPointer(x + write + 1).copyMemory(from: x + t, byteCount: bytes)
            UnsafeMutableRawPointer(y + write + 1).copyMemory(from: y + t, byteCount: bytes)
            UnsafeMutableRawPointer(z + write + 1).copyMemory(from: z + t, byteCount: bytes)
            x[write] = heldX; y[write] = heldY; z[write] = heldZ
            count = write + 1 + rest
            return contribution
        }
        while t < count { _ = shiftUp(&t, behind: px, py, write: &write, held: &heldX, &heldY, &heldZ) }
        x[write] = heldX; y[write] = heldY; z[write] = heldZ
        count = write + 1
        return contribution
    }

    /// One step of `add`'s upward pass: takes row `t` (and advances `t`), writes the row in hand at `write`, and
    /// keeps row `t` in hand (moving `write` on) unless p weakly dominates it in (f1, f2). Returns row `t`.
    @inline(__always)
    private func shiftUp(_ t: inout Int, behind px: Double, _ py: Double, write: inout Int,
                         held heldX: inout Double, _ heldY: inout Double, _ heldZ: inout Double) -> (Double, Double, Double) {
        let qx = x[t], qy = y[t], qz = z[t]
        t += 1
        x[write] = heldX; y[write] = heldY; z[write] = heldZ
        if !(px <= qx && py <= qy) {
            heldX = qx; heldY = qy; heldZ = qz
            write += 1
        }
        return (qx, qy, qz)
    }
}

/// A 2-D staircase inside the box of a corner point, with the area it covers (minimisation, bounded by the
/// reference (rx, ry)): points sorted by x ascending, y strictly descending. The points sit in the middle of
/// buffers with room on both sides, so an insertion moves whichever side of it is shorter (points entering at
/// the left edge, the most frequent case, move nothing).
struct ClippedStaircase: ~Copyable {
    let rx: Double
    let ry: Double
    private let xs: UnsafeMutablePointer<Double>
    private let ys: UnsafeMutablePointer<Double>
    /// Where the points start in the buffers when the staircase is empty: room for `middle` insertions either way.
    private let middle: Int
    private var first: Int
    private var count = 0
    /// Area covered between the points and the reference.
    private(set) var area = 0.0

    /// A staircase for at most `capacity` insertions between resets.
    init(capacity: Int, rx: Double, ry: Double) {
        self.rx = rx
        self.ry = ry
        middle = capacity + 1
        first = middle
        xs = .allocate(capacity: 2 * middle + 1)
        ys = .allocate(capacity: 2 * middle + 1)
    }

    deinit {
        xs.deallocate()
        ys.deallocate()
    }

    /// Empties the staircase, keeping its storage.
    @inline(__always)
    mutating func reset() {
        first = middle
        count = 0
        area = 0
    }

    /// Adds (px, py), a point of the box, unless a point already in the staircase weakly dominates it; returns
    /// whether it was added.
    @inline(__always) @discardableResult
    mutating func insert(_ px: Double, _ py: Double) -> Bool {
        let xs = self.xs + first, ys = self.ys + first
        // First point with x ≥ px.
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if xs[mid] < px { lo = mid + 1 } else { hi = mid }
        }
        let pos = lo
        if pos > 0 && ys[pos - 1] <= py { return false }
        if pos < count && xs[pos] == px && ys[pos] <= py { return false }
        var top = pos > 0 ? ys[pos - 1] : ry
        var left = px
        var added = 0.0
        var end = pos
        while end < count && ys[end] >= py {
            added += (xs[end] - left) * (top - py)
            top = ys[end]
            left = xs[end]
            end += 1
        }
        added += ((end < count ? xs[end] : rx) - left) * (top - py)
        area += added
        // Points pos..<end are replaced by the new one: close or open the gap from the shorter side.
        let shift = end - pos - 1  // > 0: the front moves right; < 0: it moves left by one
        var at = pos
        if shift != 0 {
            let tail = count - end
            if pos <= tail {
                let bytes = pos * MemoryLayout<Double>.stride
                UnsafeMutableRawPointer(xs + shift).copyMemory(from: xs, byteCount: bytes)
                UnsafeMutableRawPointer(ys + shift).copyMemory(from: ys, byteCount: bytes)
                first += shift
                at = pos + shift
            } else {
                let bytes = tail * MemoryLayout<Double>.stride
                UnsafeMutableRawPointer(xs + pos + 1).copyMemory(from: xs + end, byteCount: bytes)
                UnsafeMutableRawPointer(ys + pos + 1).copyMemory(from: ys + end, byteCount: bytes)
            }
            count -= shift
        }
        xs[at] = px
        ys[at] = py
        return true
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
