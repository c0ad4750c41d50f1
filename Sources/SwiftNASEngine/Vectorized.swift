/// Small SIMD reductions and maps over contiguous float runs (8 lanes, scalar tail).
enum Vectorized {
    typealias V = SIMD8<Float>

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }
}

/// Per-channel reductions over the rows of a `[rows, channels]` (NHWC-flattened) array.
enum ChannelReduction {
    /// Rows per float accumulation block before the partial sums move to Double.
    static let blockRows = 64
    /// Fixed number of row chunks, so results do not depend on the thread count.
    static let chunks = 8

    /// For every channel, two sums over all rows of the terms `vector(offset, channel)` (eight channels
    /// at once) or `scalar(offset, channel)` (channel tail), where `offset = row · channels + channel`.
    /// Accumulates in Float over blocks of `blockRows` rows and in Double across blocks.
    @inline(__always)
    static func sums(rows: Int, channels: Int, threads: Int,
                     _ vector: (_ offset: Int, _ channel: Int) -> (SIMD8<Float>, SIMD8<Float>),
                     scalar: (_ offset: Int, _ channel: Int) -> (Float, Float)) -> ([Double], [Double]) {
        let chunkCount = max(1, min(chunks, rows))
        var partial = [Double](repeating: 0, count: chunkCount * 2 * channels)
        partial.withUnsafeMutableBufferPointer { pb in
            let partial = pb.baseAddress!
            Parallel.forEachChunk(count: chunkCount, threads: threads) { _, chunkRange in
                let first = UnsafeMutablePointer<Float>.allocate(capacity: channels)
                let second = UnsafeMutablePointer<Float>.allocate(capacity: channels)
                defer { first.deallocate(); second.deallocate() }
                for chunk in chunkRange {
                    let lower = rows * chunk / chunkCount, upper = rows * (chunk + 1) / chunkCount
                    let outFirst = partial + chunk * 2 * channels, outSecond = outFirst + channels
                    var start = lower
                    while start < upper {
                        let end = min(upper, start + blockRows)
                        first.update(repeating: 0, count: channels)
                        second.update(repeating: 0, count: channels)
                        for row in start..<end {
                            let base = row * channels
                            var ch = 0
                            while ch + 8 <= channels {
                                let (a, b) = vector(base + ch, ch)
                                Vectorized.store(Vectorized.load(first + ch) + a, first + ch)
                                Vectorized.store(Vectorized.load(second + ch) + b, second + ch)
                                ch += 8
                            }
                            while ch < channels {
                                let (a, b) = scalar(base + ch, ch)
                                first[ch] += a
                                second[ch] += b
                                ch += 1
                            }
                        }
                        for ch in 0..<channels {
                            outFirst[ch] += Double(first[ch])
                            outSecond[ch] += Double(second[ch])
                        }
                        start = end
                    }
                }
            }
        }
        var a = [Double](repeating: 0, count: channels), b = a
        for chunk in 0..<chunkCount {
            for ch in 0..<channels {
                a[ch] += partial[chunk * 2 * channels + ch]
                b[ch] += partial[chunk * 2 * channels + channels + ch]
            }
        }
        return (a, b)
    }
}

/// `out[r, c] = f(x[r, c] · scale[c] + shift[c])` over a `[rows, channels]` array, where `f` is `activation`
/// or the identity.
enum ChannelAffine {
    static func apply(_ x: UnsafePointer<Float>, rows: Int, channels: Int, scale: [Float], shift: [Float],
                      activation: ActivationKind? = nil, into out: UnsafeMutablePointer<Float>, threads: Int) {
        switch activation {
        case nil: apply(x, rows: rows, channels: channels, scale: scale, shift: shift, into: out, threads: threads, { $0 }, { $0 })
        case .relu?: apply(x, rows: rows, channels: channels, scale: scale, shift: shift, into: out, threads: threads,
                           { ActivationKind.relu.apply($0) }, { ActivationKind.relu.apply($0) })
        case .hardSwish?: apply(x, rows: rows, channels: channels, scale: scale, shift: shift, into: out, threads: threads,
                                { ActivationKind.hardSwish.apply($0) }, { ActivationKind.hardSwish.apply($0) })
        case .hardSigmoid?: apply(x, rows: rows, channels: channels, scale: scale, shift: shift, into: out, threads: threads,
                                  { ActivationKind.hardSigmoid.apply($0) }, { ActivationKind.hardSigmoid.apply($0) })
        }
    }

    /// The loop, specialised for each activation by the constant closures passed in.
    @inline(__always)
    private static func apply(_ x: UnsafePointer<Float>, rows: Int, channels: Int, scale: [Float], shift: [Float],
                              into out: UnsafeMutablePointer<Float>, threads: Int,
                              _ vector: (SIMD8<Float>) -> SIMD8<Float>, _ scalar: (Float) -> Float) {
        scale.withUnsafeBufferPointer { sb in
            shift.withUnsafeBufferPointer { tb in
                let a = sb.baseAddress!, b = tb.baseAddress!
                Parallel.forEachChunk(count: rows, threads: threads) { _, range in
                    for r in range {
                        let o = r * channels
                        var ch = 0
                        while ch + 8 <= channels {
                            Vectorized.store(vector(Vectorized.load(x + o + ch) * Vectorized.load(a + ch) + Vectorized.load(b + ch)), out + o + ch)
                            ch += 8
                        }
                        while ch < channels {
                            out[o + ch] = scalar(x[o + ch] * a[ch] + b[ch])
                            ch += 1
                        }
                    }
                }
            }
        }
    }
}
