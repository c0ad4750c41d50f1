/// Direct depthwise-convolution kernels over a "phased" zero-padded copy of each input plane.
///
/// The padded plane is split by column phase `(x + padding) mod stride` into `stride` sub-planes, so the
/// input columns an output row needs for kernel column `kx` are contiguous in phase `kx mod stride`,
/// starting at `kx / stride`, for any stride. Each output row is then built from unit-stride SIMD loads:
/// up to 32 outputs live in four `SIMD8<Float>` registers while all `k × k` taps are accumulated. Rows carry
/// zero slack to a multiple of 8 so no lane ever needs a scalar tail.
struct DepthwisePlanes {
    let height: Int, width: Int, kernel: Int, stride: Int, padding: Int
    let outHeight: Int, outWidth: Int
    /// Rows of a phase sub-plane (the padded height).
    let rows: Int
    /// Floats per phase row (with slack for the widest SIMD read).
    let rowLength: Int
    /// Output columns rounded up to a multiple of 8.
    let roundedWidth: Int

    init(geometry g: ConvGeometry, height: Int, width: Int) {
        self.height = height
        self.width = width
        kernel = g.kernel
        stride = g.stride
        padding = g.padding
        outHeight = g.outputSize(height)
        outWidth = g.outputSize(width)
        rows = height + 2 * g.padding
        roundedWidth = (outWidth + 7) / 8 * 8
        // Widest read: column (roundedWidth − 1) + (k − 1)/s; image columns reach (width + padding − 1)/s.
        rowLength = max(roundedWidth + (g.kernel - 1) / g.stride, (width + 2 * g.padding + g.stride - 1) / g.stride) + 1
    }

    /// Floats in the whole phased buffer.
    var phasedCount: Int { stride * rows * rowLength }

    typealias V = SIMD8<Float>
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func load(_ p: UnsafeMutablePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
    @inline(__always) func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// Writes plane `x` (`height × width`) into the phased buffer, whose other cells must already be zero.
    func scatter(_ x: UnsafePointer<Float>, into phased: UnsafeMutablePointer<Float>) {
        for y in 0..<height {
            let src = x + y * width
            if stride == 1 {
                (phased + (y + padding) * rowLength + padding).update(from: src, count: width)
            } else {
                for xx in 0..<width {
                    let px = xx + padding
                    phased[((px % stride) * rows + y + padding) * rowLength + px / stride] = src[xx]
                }
            }
        }
    }

    /// Copies the phased gradient buffer's image cells into plane gradient `dx` (the adjoint of `scatter`).
    func gather(_ phased: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        for y in 0..<height {
            let dst = dx + y * width
            if stride == 1 {
                dst.update(from: phased + (y + padding) * rowLength + padding, count: width)
            } else {
                for xx in 0..<width {
                    let px = xx + padding
                    dst[xx] = phased[((px % stride) * rows + y + padding) * rowLength + px / stride]
                }
            }
        }
    }

    /// Forward pass of one plane: `y[oy, ox] = Σ w[ky, kx] · xpad[oy·s + ky, ox·s + kx]`.
    /// `row` is scratch for 128 floats.
    func forward(phased: UnsafePointer<Float>, weight: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
                 rowScratch row: UnsafeMutablePointer<Float>) {
        let k = kernel, s = stride
        // Offset of kernel column kx inside the phased buffer (avoids integer division in the tap loop).
        withUnsafeTemporaryAllocation(of: Int.self, capacity: k) { columnOffsets in
        for kx in 0..<k { columnOffsets[kx] = (kx % s) * rows * rowLength + kx / s }
        @inline(__always) func source(_ kx: Int, _ r: Int) -> UnsafePointer<Float> {
            phased + columnOffsets[kx] + r * rowLength
        }
        // Rows per register block: enough independent accumulators (≥ 4 vectors) to hide FMA latency.
        let totalVectors = (outWidth + 7) / 8
        let blockRows = totalVectors >= 4 ? 1 : totalVectors >= 2 ? 2 : 4
        var oy = 0
        while oy < outHeight {
            let rowsHere = outHeight - oy >= blockRows ? blockRows : 1
            var column = 0
            while column < outWidth {
                switch min(4, (outWidth - column + 7) / 8) * 10 + rowsHere {
                case 11:
                    var a00 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                        }
                    }
                    store(a00, row + 0)
                case 21:
                    var a00 = V(), a01 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a01 = a01.addingProduct(w, load(src + 8))
                        }
                    }
                    store(a00, row + 0)
                    store(a01, row + 8)
                case 31:
                    var a00 = V(), a01 = V(), a02 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a01 = a01.addingProduct(w, load(src + 8))
                            a02 = a02.addingProduct(w, load(src + 16))
                        }
                    }
                    store(a00, row + 0)
                    store(a01, row + 8)
                    store(a02, row + 16)
                case 41:
                    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a01 = a01.addingProduct(w, load(src + 8))
                            a02 = a02.addingProduct(w, load(src + 16))
                            a03 = a03.addingProduct(w, load(src + 24))
                        }
                    }
                    store(a00, row + 0)
                    store(a01, row + 8)
                    store(a02, row + 16)
                    store(a03, row + 24)
                case 12:
                    var a00 = V()
                    var a10 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a10 = a10.addingProduct(w, load(src + 1 * s * rowLength + 0))
                        }
                    }
                    store(a00, row + 0)
                    store(a10, row + 32)
                case 22:
                    var a00 = V(), a01 = V()
                    var a10 = V(), a11 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a01 = a01.addingProduct(w, load(src + 8))
                            a10 = a10.addingProduct(w, load(src + 1 * s * rowLength + 0))
                            a11 = a11.addingProduct(w, load(src + 1 * s * rowLength + 8))
                        }
                    }
                    store(a00, row + 0)
                    store(a01, row + 8)
                    store(a10, row + 32)
                    store(a11, row + 40)
                case 32:
                    var a00 = V(), a01 = V(), a02 = V()
                    var a10 = V(), a11 = V(), a12 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a01 = a01.addingProduct(w, load(src + 8))
                            a02 = a02.addingProduct(w, load(src + 16))
                            a10 = a10.addingProduct(w, load(src + 1 * s * rowLength + 0))
                            a11 = a11.addingProduct(w, load(src + 1 * s * rowLength + 8))
                            a12 = a12.addingProduct(w, load(src + 1 * s * rowLength + 16))
                        }
                    }
                    store(a00, row + 0)
                    store(a01, row + 8)
                    store(a02, row + 16)
                    store(a10, row + 32)
                    store(a11, row + 40)
                    store(a12, row + 48)
                case 42:
                    var a00 = V(), a01 = V(), a02 = V(), a03 = V()
                    var a10 = V(), a11 = V(), a12 = V(), a13 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a01 = a01.addingProduct(w, load(src + 8))
                            a02 = a02.addingProduct(w, load(src + 16))
                            a03 = a03.addingProduct(w, load(src + 24))
                            a10 = a10.addingProduct(w, load(src + 1 * s * rowLength + 0))
                            a11 = a11.addingProduct(w, load(src + 1 * s * rowLength + 8))
                            a12 = a12.addingProduct(w, load(src + 1 * s * rowLength + 16))
                            a13 = a13.addingProduct(w, load(src + 1 * s * rowLength + 24))
                        }
                    }
                    store(a00, row + 0)
                    store(a01, row + 8)
                    store(a02, row + 16)
                    store(a03, row + 24)
                    store(a10, row + 32)
                    store(a11, row + 40)
                    store(a12, row + 48)
                    store(a13, row + 56)
                case 14:
                    var a00 = V()
                    var a10 = V()
                    var a20 = V()
                    var a30 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a10 = a10.addingProduct(w, load(src + 1 * s * rowLength + 0))
                            a20 = a20.addingProduct(w, load(src + 2 * s * rowLength + 0))
                            a30 = a30.addingProduct(w, load(src + 3 * s * rowLength + 0))
                        }
                    }
                    store(a00, row + 0)
                    store(a10, row + 32)
                    store(a20, row + 64)
                    store(a30, row + 96)
                case 24:
                    var a00 = V(), a01 = V()
                    var a10 = V(), a11 = V()
                    var a20 = V(), a21 = V()
                    var a30 = V(), a31 = V()
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let w = V(repeating: weight[ky * k + kx])
                            let src = source(kx, oy * s + ky) + column
                            a00 = a00.addingProduct(w, load(src + 0))
                            a01 = a01.addingProduct(w, load(src + 8))
                            a10 = a10.addingProduct(w, load(src + 1 * s * rowLength + 0))
                            a11 = a11.addingProduct(w, load(src + 1 * s * rowLength + 8))
                            a20 = a20.addingProduct(w, load(src + 2 * s * rowLength + 0))
                            a21 = a21.addingProduct(w, load(src + 2 * s * rowLength + 8))
                            a30 = a30.addingProduct(w, load(src + 3 * s * rowLength + 0))
                            a31 = a31.addingProduct(w, load(src + 3 * s * rowLength + 8))
                        }
                    }
                    store(a00, row + 0)
                    store(a01, row + 8)
                    store(a10, row + 32)
                    store(a11, row + 40)
                    store(a20, row + 64)
                    store(a21, row + 72)
                    store(a30, row + 96)
                    store(a31, row + 104)
                default: preconditionFailure("unreachable")
                }
                for r in 0..<rowsHere {
                    (y + (oy + r) * outWidth + column).update(from: row + 32 * r, count: min(32, outWidth - column))
                }
                column += 32
            }
            oy += rowsHere
        }
        }
    }

    /// Left zero margin of each row of the padded output-gradient buffer used by `backward`.
    var gradientMargin: Int { (kernel - 1) / stride }
    /// Floats per row of the padded output-gradient buffer.
    var gradientRowLength: Int { gradientMargin + max(roundedWidth, rowLength) + 40 }
    /// Floats of the padded output-gradient buffer (zero it once; `backward` keeps the margins zero).
    var gradientCount: Int { (outHeight + 2 * kernel) * gradientRowLength }

    /// Copies plane gradient `dy` (`outHeight × outWidth`) into the padded output-gradient buffer.
    func loadGradient(_ dy: UnsafePointer<Float>, into rowsBuffer: UnsafeMutablePointer<Float>) {
        for oy in 0..<outHeight {
            (rowsBuffer + (oy + kernel) * gradientRowLength + gradientMargin).update(from: dy + oy * outWidth, count: outWidth)
        }
    }

    /// Backward pass of one plane: adds `Σ dy · xpad` into `weightGradient` (k × k) and writes the phased
    /// input gradient into the cells of `dPhased` that hold image pixels (what `gather` reads). `gradient` is the buffer filled by `loadGradient`;
    /// `row` is scratch for 128 floats.
    func backward(phased: UnsafePointer<Float>, weight: UnsafePointer<Float>, gradient: UnsafePointer<Float>,
                  weightGradient: UnsafeMutablePointer<Float>, dPhased: UnsafeMutablePointer<Float>,
                  rowScratch row: UnsafeMutablePointer<Float>) {
        let k = kernel, s = stride, margin = gradientMargin, stride2 = gradientRowLength
        let vectors = roundedWidth / 8
        // Row 0 of dy (the buffer has `kernel` zero rows above and below).
        let gradient = gradient + kernel * stride2
        // Weight gradient: one register accumulator per tap, loads only.
        for ky in 0..<k {
            for kx in 0..<k {
                let base = (kx % s) * rows * rowLength + kx / s + ky * rowLength
                // Four independent accumulators (two rows × two vectors) hide the FMA latency.
                var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                var oy = 0
                while oy < outHeight {
                    let g0 = gradient + oy * stride2 + margin
                    let s0 = phased + base + oy * s * rowLength
                    let pair = oy + 1 < outHeight
                    let g1 = pair ? g0 + stride2 : g0, s1 = pair ? s0 + s * rowLength : s0
                    let weight1: V = pair ? V(repeating: 1) : V()
                    var v = 0
                    while v + 1 < vectors {
                        a0 = a0.addingProduct(load(g0 + 8 * v), load(s0 + 8 * v))
                        a1 = a1.addingProduct(load(g0 + 8 * v + 8), load(s0 + 8 * v + 8))
                        a2 = a2.addingProduct(load(g1 + 8 * v) * weight1, load(s1 + 8 * v))
                        a3 = a3.addingProduct(load(g1 + 8 * v + 8) * weight1, load(s1 + 8 * v + 8))
                        v += 2
                    }
                    if v < vectors {
                        a0 = a0.addingProduct(load(g0 + 8 * v), load(s0 + 8 * v))
                        a2 = a2.addingProduct(load(g1 + 8 * v) * weight1, load(s1 + 8 * v))
                    }
                    oy += 2
                }
                weightGradient[ky * k + kx] += ((a0 + a1) + (a2 + a3)).sum()
            }
        }
        // Input gradient as a correlation of dy: padded row r of phase q collects taps (ky, kx) with
        // r = oy·s + ky and kx ≡ q (mod s), reading dy row oy shifted right by kx / s.
        // Only cells that hold image pixels are computed (gather reads nothing else).
        for q in 0..<s {
            let lastColumn = width - 1 + padding
            guard lastColumn >= q else { continue }
            let low = max(0, (padding - q + s - 1) / s), high = (lastColumn - q) / s
            guard high >= low else { continue }
            if s == 1 {
                // Stride 1: blocks of rows share every tap; out-of-range dy rows are the zero rows.
                let totalVectors = (high - low + 8) / 8
                let blockRows = totalVectors >= 4 ? 1 : totalVectors >= 2 ? 2 : 4
                var r = padding
                while r < padding + height {
                    let rowsHere = padding + height - r >= blockRows ? blockRows : 1
                    var column = low
                    while column <= high {
                        switch min(4, (high - column + 8) / 8) * 10 + rowsHere {
                        case 11:
                            var a00 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                }
                            }
                            store(a00, row + 0)
                        case 21:
                            var a00 = V(), a01 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a01 = a01.addingProduct(w, load(src + 8))
                                }
                            }
                            store(a00, row + 0)
                            store(a01, row + 8)
                        case 31:
                            var a00 = V(), a01 = V(), a02 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a01 = a01.addingProduct(w, load(src + 8))
                                    a02 = a02.addingProduct(w, load(src + 16))
                                }
                            }
                            store(a00, row + 0)
                            store(a01, row + 8)
                            store(a02, row + 16)
                        case 41:
                            var a00 = V(), a01 = V(), a02 = V(), a03 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a01 = a01.addingProduct(w, load(src + 8))
                                    a02 = a02.addingProduct(w, load(src + 16))
                                    a03 = a03.addingProduct(w, load(src + 24))
                                }
                            }
                            store(a00, row + 0)
                            store(a01, row + 8)
                            store(a02, row + 16)
                            store(a03, row + 24)
                        case 12:
                            var a00 = V()
                            var a10 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a10 = a10.addingProduct(w, load(src + 1 * stride2 + 0))
                                }
                            }
                            store(a00, row + 0)
                            store(a10, row + 32)
                        case 22:
                            var a00 = V(), a01 = V()
                            var a10 = V(), a11 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a01 = a01.addingProduct(w, load(src + 8))
                                    a10 = a10.addingProduct(w, load(src + 1 * stride2 + 0))
                                    a11 = a11.addingProduct(w, load(src + 1 * stride2 + 8))
                                }
                            }
                            store(a00, row + 0)
                            store(a01, row + 8)
                            store(a10, row + 32)
                            store(a11, row + 40)
                        case 32:
                            var a00 = V(), a01 = V(), a02 = V()
                            var a10 = V(), a11 = V(), a12 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a01 = a01.addingProduct(w, load(src + 8))
                                    a02 = a02.addingProduct(w, load(src + 16))
                                    a10 = a10.addingProduct(w, load(src + 1 * stride2 + 0))
                                    a11 = a11.addingProduct(w, load(src + 1 * stride2 + 8))
                                    a12 = a12.addingProduct(w, load(src + 1 * stride2 + 16))
                                }
                            }
                            store(a00, row + 0)
                            store(a01, row + 8)
                            store(a02, row + 16)
                            store(a10, row + 32)
                            store(a11, row + 40)
                            store(a12, row + 48)
                        case 42:
                            var a00 = V(), a01 = V(), a02 = V(), a03 = V()
                            var a10 = V(), a11 = V(), a12 = V(), a13 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a01 = a01.addingProduct(w, load(src + 8))
                                    a02 = a02.addingProduct(w, load(src + 16))
                                    a03 = a03.addingProduct(w, load(src + 24))
                                    a10 = a10.addingProduct(w, load(src + 1 * stride2 + 0))
                                    a11 = a11.addingProduct(w, load(src + 1 * stride2 + 8))
                                    a12 = a12.addingProduct(w, load(src + 1 * stride2 + 16))
                                    a13 = a13.addingProduct(w, load(src + 1 * stride2 + 24))
                                }
                            }
                            store(a00, row + 0)
                            store(a01, row + 8)
                            store(a02, row + 16)
                            store(a03, row + 24)
                            store(a10, row + 32)
                            store(a11, row + 40)
                            store(a12, row + 48)
                            store(a13, row + 56)
                        case 14:
                            var a00 = V()
                            var a10 = V()
                            var a20 = V()
                            var a30 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a10 = a10.addingProduct(w, load(src + 1 * stride2 + 0))
                                    a20 = a20.addingProduct(w, load(src + 2 * stride2 + 0))
                                    a30 = a30.addingProduct(w, load(src + 3 * stride2 + 0))
                                }
                            }
                            store(a00, row + 0)
                            store(a10, row + 32)
                            store(a20, row + 64)
                            store(a30, row + 96)
                        case 24:
                            var a00 = V(), a01 = V()
                            var a10 = V(), a11 = V()
                            var a20 = V(), a21 = V()
                            var a30 = V(), a31 = V()
                            for ky in 0..<k {
                                let base = gradient + (r - ky) * stride2 + margin + column
                                for kx in 0..<k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = base - kx
                                    a00 = a00.addingProduct(w, load(src + 0))
                                    a01 = a01.addingProduct(w, load(src + 8))
                                    a10 = a10.addingProduct(w, load(src + 1 * stride2 + 0))
                                    a11 = a11.addingProduct(w, load(src + 1 * stride2 + 8))
                                    a20 = a20.addingProduct(w, load(src + 2 * stride2 + 0))
                                    a21 = a21.addingProduct(w, load(src + 2 * stride2 + 8))
                                    a30 = a30.addingProduct(w, load(src + 3 * stride2 + 0))
                                    a31 = a31.addingProduct(w, load(src + 3 * stride2 + 8))
                                }
                            }
                            store(a00, row + 0)
                            store(a01, row + 8)
                            store(a10, row + 32)
                            store(a11, row + 40)
                            store(a20, row + 64)
                            store(a21, row + 72)
                            store(a30, row + 96)
                            store(a31, row + 104)
                        default: preconditionFailure("unreachable")
                        }
                        for t in 0..<rowsHere {
                            (dPhased + (r + t) * rowLength + column).update(from: row + 32 * t, count: min(32, high - column + 1))
                        }
                        column += 32
                    }
                    r += rowsHere
                }
                continue
            }
            for r in padding..<(padding + height) {
                let out = dPhased + (q * rows + r) * rowLength
                var column = low
                while column <= high {
                    switch min(4, (high - column + 8) / 8) {
                    case 1:
                        var a0 = V()
                        var ky = r % s, oy = r / s
                        while ky < k && oy >= 0 {
                            if oy < outHeight {
                                let dyRow = gradient + oy * stride2 + margin + column
                                var kx = q, shift = 0
                                while kx < k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = dyRow - shift
                                    a0 = a0.addingProduct(w, load(src + 0))
                                    kx += s
                                    shift += 1
                                }
                            }
                            ky += s
                            oy -= 1
                        }
                        store(a0, row + 0)
                    case 2:
                        var a0 = V(), a1 = V()
                        var ky = r % s, oy = r / s
                        while ky < k && oy >= 0 {
                            if oy < outHeight {
                                let dyRow = gradient + oy * stride2 + margin + column
                                var kx = q, shift = 0
                                while kx < k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = dyRow - shift
                                    a0 = a0.addingProduct(w, load(src + 0))
                                    a1 = a1.addingProduct(w, load(src + 8))
                                    kx += s
                                    shift += 1
                                }
                            }
                            ky += s
                            oy -= 1
                        }
                        store(a0, row + 0)
                        store(a1, row + 8)
                    case 3:
                        var a0 = V(), a1 = V(), a2 = V()
                        var ky = r % s, oy = r / s
                        while ky < k && oy >= 0 {
                            if oy < outHeight {
                                let dyRow = gradient + oy * stride2 + margin + column
                                var kx = q, shift = 0
                                while kx < k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = dyRow - shift
                                    a0 = a0.addingProduct(w, load(src + 0))
                                    a1 = a1.addingProduct(w, load(src + 8))
                                    a2 = a2.addingProduct(w, load(src + 16))
                                    kx += s
                                    shift += 1
                                }
                            }
                            ky += s
                            oy -= 1
                        }
                        store(a0, row + 0)
                        store(a1, row + 8)
                        store(a2, row + 16)
                    case 4:
                        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
                        var ky = r % s, oy = r / s
                        while ky < k && oy >= 0 {
                            if oy < outHeight {
                                let dyRow = gradient + oy * stride2 + margin + column
                                var kx = q, shift = 0
                                while kx < k {
                                    let w = V(repeating: weight[ky * k + kx])
                                    let src = dyRow - shift
                                    a0 = a0.addingProduct(w, load(src + 0))
                                    a1 = a1.addingProduct(w, load(src + 8))
                                    a2 = a2.addingProduct(w, load(src + 16))
                                    a3 = a3.addingProduct(w, load(src + 24))
                                    kx += s
                                    shift += 1
                                }
                            }
                            ky += s
                            oy -= 1
                        }
                        store(a0, row + 0)
                        store(a1, row + 8)
                        store(a2, row + 16)
                        store(a3, row + 24)
                    default: preconditionFailure("unreachable")
                    }
                    (out + column).update(from: row, count: min(32, high - column + 1))
                    column += 32
                }
            }
        }
    }
}
