/// Small SIMD reductions and maps over contiguous float runs (8 lanes, scalar tail).
enum Vectorized {
    typealias V = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// `Σ p[i]`.
    @inline(__always) static func sum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = V(), i = 0
        while i + 8 <= count { acc += load(p + i); i += 8 }
        var s = acc.sum()
        while i < count { s += p[i]; i += 1 }
        return s
    }

    /// `Σ (p[i] − mean)²`.
    @inline(__always) static func sumSquaredDeviation(_ p: UnsafePointer<Float>, _ count: Int, mean: Float) -> Float {
        var acc = V(), i = 0
        let m = V(repeating: mean)
        while i + 8 <= count { let d = load(p + i) - m; acc = acc.addingProduct(d, d); i += 8 }
        var s = acc.sum()
        while i < count { let d = p[i] - mean; s += d * d; i += 1 }
        return s
    }

    /// `Σ a[i]·b[i]`.
    @inline(__always) static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc = V(), i = 0
        while i + 8 <= count { acc = acc.addingProduct(load(a + i), load(b + i)); i += 8 }
        var s = acc.sum()
        while i < count { s += a[i] * b[i]; i += 1 }
        return s
    }

    /// `out[i] = x[i]·scale + shift`.
    @inline(__always) static func affine(_ x: UnsafePointer<Float>, _ count: Int, scale: Float, shift: Float, into out: UnsafeMutablePointer<Float>) {
        var i = 0
        let a = V(repeating: scale), b = V(repeating: shift)
        while i + 8 <= count { store(load(x + i) * a + b, out + i); i += 8 }
        while i < count { out[i] = x[i] * scale + shift; i += 1 }
    }
}
