/// The non-dominated sorting algorithms behind ``NonDominatedSorting``. All take a NaN-free matrix with at
/// least two points and return the rank of every point.
///
/// The sweeps visit points in lexicographic order, so a point can only be dominated by points visited
/// before it. Each front keeps a summary of its members; "front k dominates p" is monotone in k (a member
/// of front k+1 that dominates p is itself dominated by a member of front k, which then dominates p), so
/// the first front not dominating p is found by binary search.
enum NDSKernels {
    /// Point indices sorted lexicographically by all objectives (ties between equal points by index).
    static func lexicographicOrder(_ matrix: ObjectiveMatrix) -> [Int] {
        matrix.values.withUnsafeBufferPointer { v in
            IndexSort.lexicographicOrder(v, count: matrix.count, stride: matrix.dimension, columns: matrix.dimension)
        }
    }

    /// One objective: the rank is the number of distinct smaller values.
    static func ranks1D(_ matrix: ObjectiveMatrix) -> [Int] {
        let order = lexicographicOrder(matrix)
        let v = matrix.values
        var rank = [Int](repeating: 0, count: matrix.count)
        var current = 0
        for r in 1..<order.count {
            if v[order[r]] > v[order[r - 1]] { current += 1 }
            rank[order[r]] = current
        }
        return rank
    }

    /// Two objectives: each front is summarised by its tail (the member with the smallest f2, i.e. the last
    /// one added); p is dominated by front k iff its tail dominates p.
    static func ranks2D(_ matrix: ObjectiveMatrix) -> [Int] {
        let n = matrix.count
        let order = lexicographicOrder(matrix)
        var rank = [Int](repeating: 0, count: n)
        var tailX = [Double](), tailY = [Double]()
        tailX.reserveCapacity(64); tailY.reserveCapacity(64)
        matrix.values.withUnsafeBufferPointer { v in
            for i in order {
                let px = v[2 * i], py = v[2 * i + 1]
                var lo = 0, hi = tailX.count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    let ty = tailY[mid]
                    if ty < py || (ty == py && tailX[mid] < px) { lo = mid + 1 } else { hi = mid }
                }
                if lo == tailX.count {
                    tailX.append(px); tailY.append(py)
                } else {
                    tailX[lo] = px; tailY[lo] = py
                }
                rank[i] = lo
            }
        }
        return rank
    }

    /// The (f2, f3) staircase of one front in the three-objective sweep: the 2-D non-dominated projections
    /// of its members, f2 strictly ascending and f3 strictly descending, each with the smallest f1 among the
    /// members projecting there (the first one added).
    struct Staircase {
        var y: [Double] = []
        var z: [Double] = []
        var x: [Double] = []

        /// First entry whose f2 exceeds `py`.
        @inline(__always)
        func upperBound(_ py: Double) -> Int {
            var lo = 0, hi = y.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if y[mid] <= py { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// Whether a member dominates (px, py, pz), a point visited after all members.
        @inline(__always)
        func dominates(_ px: Double, _ py: Double, _ pz: Double) -> Bool {
            let j = upperBound(py) - 1
            if j < 0 { return false }
            let rz = z[j]
            if rz < pz { return true }
            if rz > pz { return false }
            if y[j] < py { return true }
            return x[j] < px
        }

        /// Adds a point no member dominates.
        mutating func insert(_ px: Double, _ py: Double, _ pz: Double) {
            let pos = upperBound(py)
            var start = pos
            if pos > 0 && y[pos - 1] == py {
                if z[pos - 1] == pz { return }  // same projection: an equal point is already represented
                start = pos - 1  // same f2, larger f3: p's projection dominates it
            }
            var end = pos
            while end < y.count && z[end] >= pz { end += 1 }
            if start == end {
                y.insert(py, at: start); z.insert(pz, at: start); x.insert(px, at: start)
            } else {
                y[start] = py; z[start] = pz; x[start] = px
                if end > start + 1 {
                    y.removeSubrange((start + 1)..<end)
                    z.removeSubrange((start + 1)..<end)
                    x.removeSubrange((start + 1)..<end)
                }
            }
        }
    }

    /// Three objectives: the lexicographic sweep with a staircase per front.
    static func ranks3D(_ matrix: ObjectiveMatrix) -> [Int] {
        let n = matrix.count
        let order = lexicographicOrder(matrix)
        var rank = [Int](repeating: 0, count: n)
        var fronts = [Staircase]()
        matrix.values.withUnsafeBufferPointer { v in
            for i in order {
                let px = v[3 * i], py = v[3 * i + 1], pz = v[3 * i + 2]
                var lo = 0, hi = fronts.count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if fronts[mid].dominates(px, py, pz) { lo = mid + 1 } else { hi = mid }
                }
                if lo == fronts.count { fronts.append(Staircase()) }
                fronts[lo].insert(px, py, pz)
                rank[i] = lo
            }
        }
        return rank
    }

    /// Four or more objectives: efficient non-dominated sort with binary search (Zhang et al. 2015). Each
    /// front keeps its members in blocks of eight, column-major inside a block, so a visited point is
    /// compared with eight members at a time (SIMD), from the most recently added block backwards.
    static func ranksENS(_ matrix: ObjectiveMatrix) -> [Int] {
        let n = matrix.count, m = matrix.dimension
        let order = lexicographicOrder(matrix)
        var rank = [Int](repeating: 0, count: n)
        var fronts = [[Double]]()
        var sizes = [Int]()
        var p = [Double](repeating: 0, count: m)
        let blockSize = 8 * m
        matrix.values.withUnsafeBufferPointer { v in
            for i in order {
                for k in 0..<m { p[k] = v[i * m + k] }
                var lo = 0, hi = fronts.count
                while lo < hi {
                    let mid = (lo + hi) >> 1
                    if frontDominates(fronts[mid], sizes[mid], p, m) { lo = mid + 1 } else { hi = mid }
                }
                if lo == fronts.count { fronts.append([]); sizes.append(0) }
                let size = sizes[lo]
                let lane = size & 7
                if lane == 0 { fronts[lo].append(contentsOf: repeatElement(0, count: blockSize)) }
                let base = (size >> 3) * blockSize + lane
                for k in 0..<m { fronts[lo][base + 8 * k] = p[k] }
                sizes[lo] = size + 1
                rank[i] = lo
            }
        }
        return rank
    }

    /// Whether one of the `size` members of `front` (blocked as in ``ranksENS(_:)``; all visited before `p`,
    /// so lexicographically not greater) dominates p.
    @inline(__always)
    static func frontDominates(_ front: [Double], _ size: Int, _ p: [Double], _ m: Int) -> Bool {
        front.withUnsafeBufferPointer { f in
            p.withUnsafeBufferPointer { p in
                guard let start = f.baseAddress, size > 0 else { return false }
                let raw = UnsafeRawPointer(start)
                let full = SIMDMask<SIMD8<Int64>>(repeating: true)
                let partial = SIMD8<Int64>(0, 1, 2, 3, 4, 5, 6, 7) .< SIMD8<Int64>(repeating: Int64(((size &- 1) & 7) &+ 1))
                var block = (size &- 1) >> 3
                let lastBlock = block
                while block >= 0 {
                    let base = block &* 8 &* m
                    let valid = min(8, size &- block &* 8)
                    // Lanes whose member is no worse than p in objectives 1..<m.
                    var mask = block == lastBlock ? partial : full
                    var k = 1
                    while k < m {
                        let column = raw.loadUnaligned(fromByteOffset: (base &+ 8 &* k) &* 8, as: SIMD8<Double>.self)
                        mask = mask .& (column .<= SIMD8<Double>(repeating: p[k]))
                        k &+= 1
                    }
                    if any(mask) {
                        for lane in 0..<valid where mask[lane] {
                            if f[base + lane] < p[0] { return true }
                            for k in 1..<m where f[base + 8 * k + lane] < p[k] { return true }
                        }
                    }
                    block &-= 1
                }
                return false
            }
        }
    }

    /// The pairwise O(M N²) algorithm (Deb's fast non-dominated sort), used for input containing NaN.
    static func pairwiseRanks(_ matrix: ObjectiveMatrix) -> [Int] {
        let n = matrix.count, m = matrix.dimension
        var dominatedBy = [[Int]](repeating: [], count: n)
        var dominationCount = [Int](repeating: 0, count: n)
        matrix.values.withUnsafeBufferPointer { v in
            for i in 0..<n {
                for j in (i + 1)..<n {
                    var iBetter = false, jBetter = false
                    for k in 0..<m {
                        let a = v[i * m + k], b = v[j * m + k]
                        if a < b { iBetter = true } else if b < a { jBetter = true }
                    }
                    if iBetter && !jBetter {
                        dominatedBy[i].append(j); dominationCount[j] += 1
                    } else if jBetter && !iBetter {
                        dominatedBy[j].append(i); dominationCount[i] += 1
                    }
                }
            }
        }
        var rank = [Int](repeating: 0, count: n)
        var current = (0..<n).filter { dominationCount[$0] == 0 }
        var r = 0
        while !current.isEmpty {
            var next: [Int] = []
            for i in current {
                rank[i] = r
                for j in dominatedBy[i] {
                    dominationCount[j] -= 1
                    if dominationCount[j] == 0 { next.append(j) }
                }
            }
            current = next
            r += 1
        }
        return rank
    }
}
