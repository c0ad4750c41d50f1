/// Direct depthwise-convolution kernels over NHWC images, vectorised across channels.
///
/// The unit of work is one image × one group of eight channels. The group's pixels are first copied into
/// a small zero-padded tile `[paddedHeight][paddedWidth][8]` (a few kilobytes, so it stays in L1 while
/// every tap reads it), then each output pixel's eight channels are one `SIMD8<Float>` accumulated over the
/// `k × k` taps. Four neighbouring output pixels are computed together so four independent FMA chains hide
/// the FMA latency and each tap's weight vector is loaded once per four pixels. A channel count that is not
/// a multiple of eight leaves zero lanes in the last group, which are never stored.
struct DepthwiseTiles {
    typealias V = SIMD8<Float>
    static let lanes = 8

    let height: Int, width: Int, channels: Int, kernel: Int, stride: Int, padding: Int
    let outHeight: Int, outWidth: Int
    /// Pixels per row of the padded input tile.
    let paddedWidth: Int
    /// Rows of the padded input tile.
    let paddedHeight: Int

    init(geometry g: ConvGeometry, height: Int, width: Int) {
        self.height = height
        self.width = width
        channels = g.inChannels
        kernel = g.kernel
        stride = g.stride
        padding = g.padding
        outHeight = g.outputSize(height)
        outWidth = g.outputSize(width)
        // Every tap of every output reads inside the tile: rows up to (outHeight − 1)·s + k − 1.
        paddedHeight = max(height + 2 * g.padding, (outHeight - 1) * g.stride + g.kernel)
        paddedWidth = max(width + 2 * g.padding, (outWidth - 1) * g.stride + g.kernel)
    }

    /// Channel groups of eight (the last may be partial).
    var groups: Int { (channels + 7) / 8 }
    /// Lanes in use in group `g`.
    func lanes(in group: Int) -> Int { min(8, channels - group * 8) }
    /// Floats in a padded input tile.
    var tileCount: Int { paddedHeight * paddedWidth * 8 }

    @inline(__always) static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) static func load(_ p: UnsafeMutablePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// Stores the first `lanes` lanes of `v` at `p`.
    @inline(__always) static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, lanes: Int) {
        if lanes == 8 { store(v, p) } else { for i in 0..<lanes { p[i] = v[i] } }
    }

    /// Reads eight channels (or `lanes`, the rest zero) at `p`.
    @inline(__always) static func load(_ p: UnsafePointer<Float>, lanes: Int) -> V {
        if lanes == 8 { return load(p) }
        var v = V()
        for i in 0..<lanes { v[i] = p[i] }
        return v
    }

    /// Copies the group starting at channel `first` of image `x` (`height × width × channels`) into the
    /// interior of `tile`, whose border must already be zero (it is never written).
    func fillTile(_ tile: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>, first: Int, lanes: Int) {
        for iy in 0..<height {
            var source = x + iy * width * channels + first
            var target = tile + ((iy + padding) * paddedWidth + padding) * 8
            for _ in 0..<width {
                Self.store(Self.load(source, lanes: lanes), target)
                source += channels
                target += 8
            }
        }
    }

    /// The group's `k × k` weights as `[tap][8]` vectors (zero lanes past `lanes`), optionally flipped
    /// (`w[k−1−ky][k−1−kx]`, for the input gradient). `weight` is `[channels][k·k]`.
    func groupWeights(_ weight: UnsafePointer<Float>, first: Int, lanes: Int, flipped: Bool, into out: UnsafeMutablePointer<Float>) {
        let taps = kernel * kernel
        for t in 0..<taps {
            let source = flipped ? taps - 1 - t : t
            for l in 0..<8 { out[t * 8 + l] = l < lanes ? weight[(first + l) * taps + source] : 0 }
        }
    }

    /// Correlates a padded tile with a group's weights: for every output pixel `(oy, ox)` of an
    /// `outRows × outColumns` grid, `Σ_{ky,kx} w[ky][kx] · tile[oy·s + ky][ox·s + kx]`, stored at
    /// `output + (oy · outColumns + ox) · pixelStride` (first `lanes` lanes).
    ///
    /// The common kernel sizes and strides are dispatched to copies of the loop with constant `k` and
    /// `s`, which the compiler unrolls completely.
    static func correlate(tile: UnsafePointer<Float>, tileWidth: Int, weights: UnsafePointer<Float>, kernel k: Int, stride s: Int,
                          outRows: Int, outColumns: Int, output: UnsafeMutablePointer<Float>, pixelStride: Int, lanes: Int) {
        @inline(__always) func run(_ k: Int, _ s: Int) {
            correlateLoop(tile: tile, tileWidth: tileWidth, weights: weights, kernel: k, stride: s, outRows: outRows,
                          outColumns: outColumns, output: output, pixelStride: pixelStride, lanes: lanes)
        }
        switch (k, s) {
        case (3, 1): run(3, 1)
        case (5, 1): run(5, 1)
        case (7, 1): run(7, 1)
        case (3, 2): run(3, 2)
        case (5, 2): run(5, 2)
        case (7, 2): run(7, 2)
        default: run(k, s)
        }
    }

    @inline(__always)
    static func correlateLoop(tile: UnsafePointer<Float>, tileWidth: Int, weights: UnsafePointer<Float>, kernel k: Int, stride s: Int,
                              outRows: Int, outColumns: Int, output: UnsafeMutablePointer<Float>, pixelStride: Int, lanes: Int) {
        let pixelStep = s * 8
        for oy in 0..<outRows {
            let rowOut = output + oy * outColumns * pixelStride
            var ox = 0
            while ox + 4 <= outColumns {
                var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                for ky in 0..<k {
                    let row = tile + ((oy * s + ky) * tileWidth + ox * s) * 8
                    let wRow = weights + ky * k * 8
                    for kx in 0..<k {
                        let w = load(wRow + kx * 8)
                        let p = row + kx * 8
                        a0 = a0.addingProduct(w, load(p))
                        a1 = a1.addingProduct(w, load(p + pixelStep))
                        a2 = a2.addingProduct(w, load(p + 2 * pixelStep))
                        a3 = a3.addingProduct(w, load(p + 3 * pixelStep))
                    }
                }
                let out = rowOut + ox * pixelStride
                store(a0, out, lanes: lanes)
                store(a1, out + pixelStride, lanes: lanes)
                store(a2, out + 2 * pixelStride, lanes: lanes)
                store(a3, out + 3 * pixelStride, lanes: lanes)
                ox += 4
            }
            if ox + 2 <= outColumns {
                var a0 = V(), a1 = V(), b0 = V(), b1 = V()
                for ky in 0..<k {
                    let row = tile + ((oy * s + ky) * tileWidth + ox * s) * 8
                    let wRow = weights + ky * k * 8
                    var kx = 0
                    // Two taps at a time: four independent chains.
                    while kx + 2 <= k {
                        let w0 = load(wRow + kx * 8), w1 = load(wRow + kx * 8 + 8)
                        let p = row + kx * 8
                        a0 = a0.addingProduct(w0, load(p))
                        a1 = a1.addingProduct(w0, load(p + pixelStep))
                        b0 = b0.addingProduct(w1, load(p + 8))
                        b1 = b1.addingProduct(w1, load(p + 8 + pixelStep))
                        kx += 2
                    }
                    if kx < k {
                        let w = load(wRow + kx * 8)
                        let p = row + kx * 8
                        a0 = a0.addingProduct(w, load(p))
                        a1 = a1.addingProduct(w, load(p + pixelStep))
                    }
                }
                let out = rowOut + ox * pixelStride
                store(a0 + b0, out, lanes: lanes)
                store(a1 + b1, out + pixelStride, lanes: lanes)
                ox += 2
            }
            if ox < outColumns {
                var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                for ky in 0..<k {
                    let row = tile + ((oy * s + ky) * tileWidth + ox * s) * 8
                    let wRow = weights + ky * k * 8
                    var kx = 0
                    while kx + 4 <= k {
                        let p = row + kx * 8, w = wRow + kx * 8
                        a0 = a0.addingProduct(load(w), load(p))
                        a1 = a1.addingProduct(load(w + 8), load(p + 8))
                        a2 = a2.addingProduct(load(w + 16), load(p + 16))
                        a3 = a3.addingProduct(load(w + 24), load(p + 24))
                        kx += 4
                    }
                    while kx < k {
                        a0 = a0.addingProduct(load(wRow + kx * 8), load(row + kx * 8))
                        kx += 1
                    }
                }
                store((a0 + a1) + (a2 + a3), rowOut + ox * pixelStride, lanes: lanes)
            }
        }
    }

    /// Adds `Σ_{oy,ox} dy[oy][ox] · tile[oy·s + ky][ox·s + kx]` into `weightGradient[tap][8]` for every tap.
    /// `dy` is the group's output gradient, compact `[outHeight][outWidth][8]`.
    func accumulateWeightGradient(tile: UnsafePointer<Float>, dy: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>) {
        switch (kernel, stride) {
        case (3, 1): weightGradientLoop(tile: tile, dy: dy, into: weightGradient, kernel: 3, stride: 1)
        case (5, 1): weightGradientLoop(tile: tile, dy: dy, into: weightGradient, kernel: 5, stride: 1)
        case (7, 1): weightGradientLoop(tile: tile, dy: dy, into: weightGradient, kernel: 7, stride: 1)
        case (3, 2): weightGradientLoop(tile: tile, dy: dy, into: weightGradient, kernel: 3, stride: 2)
        case (5, 2): weightGradientLoop(tile: tile, dy: dy, into: weightGradient, kernel: 5, stride: 2)
        case (7, 2): weightGradientLoop(tile: tile, dy: dy, into: weightGradient, kernel: 7, stride: 2)
        default: weightGradientLoop(tile: tile, dy: dy, into: weightGradient, kernel: kernel, stride: stride)
        }
    }

    /// `accumulateWeightGradient` for kernel `k` and stride `s` (constants at the specialised call sites).
    @inline(__always)
    func weightGradientLoop(tile: UnsafePointer<Float>, dy: UnsafePointer<Float>, into weightGradient: UnsafeMutablePointer<Float>,
                            kernel k: Int, stride s: Int) {
        let pixelStep = s * 8
        for ky in 0..<k {
            for kx in 0..<k {
                var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                for oy in 0..<outHeight {
                    let g = dy + oy * outWidth * 8
                    let p = tile + ((oy * s + ky) * paddedWidth + kx) * 8
                    var ox = 0
                    while ox + 4 <= outWidth {
                        a0 = a0.addingProduct(Self.load(g + ox * 8), Self.load(p + ox * pixelStep))
                        a1 = a1.addingProduct(Self.load(g + ox * 8 + 8), Self.load(p + ox * pixelStep + pixelStep))
                        a2 = a2.addingProduct(Self.load(g + ox * 8 + 16), Self.load(p + ox * pixelStep + 2 * pixelStep))
                        a3 = a3.addingProduct(Self.load(g + ox * 8 + 24), Self.load(p + ox * pixelStep + 3 * pixelStep))
                        ox += 4
                    }
                    while ox < outWidth {
                        a0 = a0.addingProduct(Self.load(g + ox * 8), Self.load(p + ox * pixelStep))
                        ox += 1
                    }
                }
                let target = weightGradient + (ky * k + kx) * 8
                Self.store(Self.load(target) + ((a0 + a1) + (a2 + a3)), target)
            }
        }
    }

    /// Floats of the padded output-gradient tile used by the stride-1 input gradient (an upper bound).
    var gradientTileCount: Int { (outHeight + 2 * (kernel - 1)) * (outWidth + 2 * (kernel - 1)) * 8 }

    /// Writes the group's input gradient into `dx` (NHWC image, first `lanes` channels from `first`).
    ///
    /// Stride 1 is a correlation of `dy` (zero-padded by `k − 1 − padding`) with the flipped kernel, reusing
    /// `correlate`; other strides scatter `w · dy` into the padded tile `scratch` and copy its interior out.
    /// `flippedWeights` / `weights` are the group's `[tap][8]` vectors; `gradientTile`'s border must be zero.
    func inputGradient(dy: UnsafePointer<Float>, weights: UnsafePointer<Float>, flippedWeights: UnsafePointer<Float>,
                       gradientTile: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                       dx: UnsafeMutablePointer<Float>, first: Int, lanes: Int) {
        let k = kernel
        let margin = k - 1 - padding
        if stride == 1, margin >= 0, margin <= k - 1, outHeight + 2 * margin - k + 1 == height, outWidth + 2 * margin - k + 1 == width {
            let tileWidth = outWidth + 2 * margin
            for oy in 0..<outHeight {
                (gradientTile + ((oy + margin) * tileWidth + margin) * 8).update(from: dy + oy * outWidth * 8, count: outWidth * 8)
            }
            Self.correlate(tile: gradientTile, tileWidth: tileWidth, weights: flippedWeights, kernel: k, stride: 1,
                           outRows: height, outColumns: width, output: dx + first, pixelStride: channels, lanes: lanes)
            // Clear what was written so the border stays zero for the next group.
            for oy in 0..<outHeight {
                (gradientTile + ((oy + margin) * tileWidth + margin) * 8).update(repeating: 0, count: outWidth * 8)
            }
            return
        }
        scratch.update(repeating: 0, count: tileCount)
        let pixelStep = stride * 8
        for oy in 0..<outHeight {
            for ky in 0..<k {
                let row = scratch + ((oy * stride + ky) * paddedWidth) * 8
                for ox in 0..<outWidth {
                    let g = Self.load(dy + (oy * outWidth + ox) * 8)
                    let p = row + ox * pixelStep
                    for kx in 0..<k {
                        Self.store(Self.load(p + kx * 8).addingProduct(g, Self.load(weights + (ky * k + kx) * 8)), p + kx * 8)
                    }
                }
            }
        }
        for iy in 0..<height {
            let source = scratch + ((iy + padding) * paddedWidth + padding) * 8
            for ix in 0..<width {
                Self.store(Self.load(source + ix * 8), dx + (iy * width + ix) * channels + first, lanes: lanes)
            }
        }
    }
}
