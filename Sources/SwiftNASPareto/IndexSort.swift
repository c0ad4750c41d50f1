/// Index sorting for the Pareto kernels: a stable LSD radix sort on the bit patterns of one column, then a
/// comparison sort inside each run of equal values for lexicographic orders. NaN-free input is assumed.
enum IndexSort {
    /// Order-preserving map of a Double to UInt64 (−0 and +0 map to the same key).
    @inline(__always)
    static func key(_ x: Double) -> UInt64 {
        let bits = (x + 0.0).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// Row indices `0..<count` sorted stably (equal values keep index order) by the value in column `column`
    /// of the row-major buffer `v` with `stride` values per row.
    static func stableOrder(_ v: UnsafeBufferPointer<Double>, count n: Int, stride: Int, column: Int) -> [Int] {
        if n < 2 { return Array(0..<n) }
        if n <= 128 {
            var order = Array(0..<n)
            order.sort { a, b in
                let x = v[a * stride + column], y = v[b * stride + column]
                return x < y || (x == y && a < b)
            }
            return order
        }
        // One scratch block: the keys and the order, each twice (source and destination of a pass), and the
        // eight byte histograms.
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: 4 * n * 8 + 8 * 256 * 8, alignment: 8)
        defer { scratch.deallocate() }
        var keys = scratch.bindMemory(to: UInt64.self, capacity: n)
        var spareKeys = (scratch + n * 8).bindMemory(to: UInt64.self, capacity: n)
        var order = (scratch + 2 * n * 8).bindMemory(to: Int.self, capacity: n)
        var spareOrder = (scratch + 3 * n * 8).bindMemory(to: Int.self, capacity: n)
        let counts = (scratch + 4 * n * 8).bindMemory(to: Int.self, capacity: 8 * 256)
        counts.initialize(repeating: 0, count: 8 * 256)
        for i in 0..<n {
            let k = key(v[i * stride + column])
            keys[i] = k
            order[i] = i
            for pass in 0..<8 { counts[pass << 8 | Int((k >> UInt64(pass * 8)) & 0xFF)] += 1 }
        }
        for pass in 0..<8 {
            let offsets = counts + pass << 8
            let shift = UInt64(pass * 8)
            if offsets[Int((keys[0] >> shift) & 0xFF)] == n { continue }  // every key has the same byte here
            var running = 0
            for b in 0..<256 {
                let c = offsets[b]
                offsets[b] = running
                running += c
            }
            for i in 0..<n {
                let k = keys[i]
                let b = Int((k >> shift) & 0xFF)
                let at = offsets[b]
                offsets[b] = at + 1
                spareKeys[at] = k
                spareOrder[at] = order[i]
            }
            swap(&keys, &spareKeys)
            swap(&order, &spareOrder)
        }
        return Array(UnsafeBufferPointer(start: order, count: n))
    }

    /// Row indices sorted lexicographically by columns `0..<columns` of the row-major buffer `v` (`stride`
    /// values per row), equal rows in index order.
    static func lexicographicOrder(_ v: UnsafeBufferPointer<Double>, count n: Int, stride: Int,
                                   columns: Int) -> [Int] {
        var order = stableOrder(v, count: n, stride: stride, column: 0)
        if columns <= 1 { return order }
        order.withUnsafeMutableBufferPointer { order in
            var start = 0
            while start < n {
                let value = v[order[start] * stride]
                var end = start + 1
                while end < n && v[order[end] * stride] == value { end += 1 }
                if end - start > 1 {
                    order[start..<end].sort { a, b in
                        let ra = a * stride, rb = b * stride
                        for k in 1..<columns {
                            let x = v[ra + k], y = v[rb + k]
                            if x < y { return true }
                            if x > y { return false }
                        }
                        return a < b
                    }
                }
                start = end
            }
        }
        return order
    }
}
