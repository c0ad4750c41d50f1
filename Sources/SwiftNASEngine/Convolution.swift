import SwiftNASCore

/// The hyper-parameters of a square 2-D convolution over NHWC batches.
public struct ConvGeometry: Sendable, Hashable {
    /// Input channels.
    public var inChannels: Int
    /// Output channels (equal to `inChannels` for a depthwise convolution).
    public var outChannels: Int
    /// Kernel height and width.
    public var kernel: Int
    /// Step between output positions, in input pixels.
    public var stride: Int
    /// Zero rows and columns added on each side of the input.
    public var padding: Int

    /// A geometry; `padding` defaults to "same" padding for odd kernels (`kernel / 2`).
    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil) {
        precondition(inChannels > 0 && outChannels > 0 && kernel > 0 && stride > 0, "bad convolution geometry")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding ?? kernel / 2
    }

    /// The output extent for an input extent `size`.
    @inlinable public func outputSize(_ size: Int) -> Int {
        (size + 2 * padding - kernel) / stride + 1
    }

    /// Calls `body(tap, pixel)` for each kernel tap of output position (`outputRow`, `column`) that falls inside a
    /// `height × width` input (taps over the padding are skipped): `tap` is `ky · kernel + kx`, `pixel` `iy · width + ix`.
    @inline(__always)
    func forEachTapInside(outputRow oy: Int, column ox: Int, height: Int, width: Int, _ body: (_ tap: Int, _ pixel: Int) -> Void) {
        for ky in 0..<kernel {
            let iy = oy * stride - padding + ky
            guard iy >= 0 && iy < height else { continue }
            for kx in 0..<kernel {
                let ix = ox * stride - padding + kx
                guard ix >= 0 && ix < width else { continue }
                body(ky * kernel + kx, iy * width + ix)
            }
        }
    }
}

/// Im2col / col2im behind `Conv2D`, over NHWC images.
enum ConvolutionKernels {
    /// Unfolds `images` NHWC images into rows `[N·Ho·Wo, C·k·k]`, one per output pixel, ordered
    /// `(channel, ky, kx)` to match the weight layout `[out, in, k, k]` (zero where the window leaves the image).
    static func im2col(_ x: UnsafePointer<Float>, images: Int, height: Int, width: Int, geometry g: ConvGeometry,
                       threads: Int, into col: UnsafeMutablePointer<Float>) {
        let ho = g.outputSize(height), wo = g.outputSize(width), k = g.kernel, c = g.inChannels
        let depth = c * k * k
        Parallel.forEachChunk(count: images, threads: threads) { _, range in
            for i in range {
                let image = x + i * height * width * c
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let row = col + ((i * ho + oy) * wo + ox) * depth
                        for ky in 0..<k {
                            let iy = oy * g.stride - g.padding + ky
                            for kx in 0..<k {
                                let ix = ox * g.stride - g.padding + kx
                                let inside = iy >= 0 && iy < height && ix >= 0 && ix < width
                                let pixel = image + (iy * width + ix) * c
                                for ci in 0..<c { row[(ci * k + ky) * k + kx] = inside ? pixel[ci] : 0 }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds rows `[N·Ho·Wo, C·k·k]` back into NHWC image gradients (the adjoint of `im2col`).
    static func col2im(_ col: UnsafePointer<Float>, images: Int, height: Int, width: Int, geometry g: ConvGeometry,
                       threads: Int, addingInto x: UnsafeMutablePointer<Float>) {
        let ho = g.outputSize(height), wo = g.outputSize(width), k = g.kernel, c = g.inChannels
        let depth = c * k * k
        Parallel.forEachChunk(count: images, threads: threads) { _, range in
            for i in range {
                let image = x + i * height * width * c
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let row = col + ((i * ho + oy) * wo + ox) * depth
                        g.forEachTapInside(outputRow: oy, column: ox, height: height, width: width) { tap, at in
                            let pixel = image + at * c
                            for ci in 0..<c { pixel[ci] += row[ci * k * k + tap] }
                        }
                    }
                }
            }
        }
    }
}

/// A regular (dense) 2-D convolution without bias over NHWC batches: every output pixel is a row of one
/// GEMM, `Y[N·Ho·Wo, out] = columns[N·Ho·Wo, in·k·k] · Wᵀ`. A pointwise convolution (1×1, stride 1, no
/// padding) uses the input itself as the columns, so it is a single GEMM over the whole batch.
/// Weight `[out, in, k, k]`.
public struct Conv2D: Layer {
    /// The convolution's hyper-parameters.
    public let geometry: ConvGeometry
    /// The kernel, `[outChannels, inChannels, kernel, kernel]`.
    public var weight: TensorParameter
    /// Worker threads for this layer's loops.
    public var threads: Int = Parallel.defaultThreads
    private var cachedInputShape: [Int] = []
    private var cachedColumns: Tensor?

    /// A convolution with He-normal (fan-out) initial weights, as OFA initialises its convolutions.
    public init(_ geometry: ConvGeometry, random: inout SeededRandom) {
        self.geometry = geometry
        let fanOut = Float(geometry.outChannels * geometry.kernel * geometry.kernel)
        let w = Tensor.randomNormal(shape: [geometry.outChannels, geometry.inChannels, geometry.kernel, geometry.kernel],
                                    standardDeviation: (2 / fanOut).squareRoot(), using: &random)
        self.weight = TensorParameter(w, decays: true)
    }

    /// A convolution holding `weight` (`[out, in, k, k]`, matching `geometry`).
    public init(_ geometry: ConvGeometry, weight: Tensor) {
        precondition(weight.shape == [geometry.outChannels, geometry.inChannels, geometry.kernel, geometry.kernel],
                     "Conv2D weight shape \(weight.shape) does not match \(geometry)")
        self.geometry = geometry
        self.weight = TensorParameter(weight, decays: true)
    }

    private var isPointwise: Bool { geometry.kernel == 1 && geometry.stride == 1 && geometry.padding == 0 }

    /// The GEMM's left operand: the input itself for a pointwise convolution, else its im2col rows.
    private func columns(of input: Tensor) -> Tensor {
        if isPointwise { return input }
        let g = geometry
        let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
        var col = Tensor(uninitializedShape: [n * g.outputSize(h) * g.outputSize(w), g.inChannels * g.kernel * g.kernel])
        input.storage.withUnsafeBufferPointer { xb in
            col.storage.withUnsafeMutableBufferPointer { cb in
                ConvolutionKernels.im2col(xb.baseAddress!, images: n, height: h, width: w, geometry: g, threads: threads, into: cb.baseAddress!)
            }
        }
        return col
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        let g = geometry
        precondition(input.rank == 4 && input.shape[3] == g.inChannels, "Conv2D expects [N, H, W, \(g.inChannels)], got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[1], input.shape[2])
        let (ho, wo) = (g.outputSize(h), g.outputSize(w))
        let depth = g.inChannels * g.kernel * g.kernel
        let col = columns(of: input)
        var output = Tensor(uninitializedShape: [n, ho, wo, g.outChannels])
        col.storage.withUnsafeBufferPointer { cb in
            weight.value.storage.withUnsafeBufferPointer { wb in
                output.storage.withUnsafeMutableBufferPointer { yb in
                    Gemm.multiply(m: n * ho * wo, n: g.outChannels, k: depth, a: cb.baseAddress!, lda: depth,
                                  b: wb.baseAddress!, ldb: depth, transposeB: true,
                                  c: yb.baseAddress!, ldc: g.outChannels, threads: threads)
                }
            }
        }
        cachedInputShape = input.shape
        cachedColumns = mode == .training ? col : nil
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let col = cachedColumns else { preconditionFailure("Conv2D.backward without a training forward pass") }
        let g = geometry
        let (n, h, w) = (cachedInputShape[0], cachedInputShape[1], cachedInputShape[2])
        let (ho, wo) = (g.outputSize(h), g.outputSize(w))
        precondition(outputGradient.shape == [n, ho, wo, g.outChannels], "Conv2D gradient shape mismatch")
        let depth = g.inChannels * g.kernel * g.kernel, pixels = n * ho * wo
        var columnGradient = Tensor(uninitializedShape: [pixels, depth])
        outputGradient.storage.withUnsafeBufferPointer { gb in
            col.storage.withUnsafeBufferPointer { cb in
                weight.gradient.storage.withUnsafeMutableBufferPointer { dwb in
                    // dW += dYᵀ · columns
                    Gemm.multiply(m: g.outChannels, n: depth, k: pixels, a: gb.baseAddress!, lda: g.outChannels, transposeA: true,
                                  b: cb.baseAddress!, ldb: depth, c: dwb.baseAddress!, ldc: depth, accumulate: true, threads: threads)
                }
            }
            weight.value.storage.withUnsafeBufferPointer { wb in
                columnGradient.storage.withUnsafeMutableBufferPointer { dcb in
                    // dColumns = dY · W
                    Gemm.multiply(m: pixels, n: depth, k: g.outChannels, a: gb.baseAddress!, lda: g.outChannels,
                                  b: wb.baseAddress!, ldb: depth, c: dcb.baseAddress!, ldc: depth, threads: threads)
                }
            }
        }
        if isPointwise { return columnGradient.reshaped(cachedInputShape) }
        var inputGradient = Tensor(shape: cachedInputShape)
        columnGradient.storage.withUnsafeBufferPointer { dcb in
            inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                ConvolutionKernels.col2im(dcb.baseAddress!, images: n, height: h, width: w, geometry: g, threads: threads,
                                          addingInto: dxb.baseAddress!)
            }
        }
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&weight)
    }
}

/// A depthwise 2-D convolution (one `k × k` filter per channel, no bias) over NHWC batches, computed
/// directly with SIMD kernels over eight channels at a time (see `DepthwiseTiles`). Weight `[channels, 1, k, k]`.
public struct DepthwiseConv2D: Layer {
    /// The convolution's hyper-parameters (`inChannels == outChannels`).
    public let geometry: ConvGeometry
    /// The kernels, `[channels, 1, kernel, kernel]`.
    public var weight: TensorParameter
    /// Worker threads for this layer's loops.
    public var threads: Int = Parallel.defaultThreads
    private var cachedInput: Tensor?

    /// A depthwise convolution over `channels` with He-normal (fan-out) initial weights.
    public init(channels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil, random: inout SeededRandom) {
        self.geometry = ConvGeometry(inChannels: channels, outChannels: channels, kernel: kernel, stride: stride, padding: padding)
        let w = Tensor.randomNormal(shape: [channels, 1, kernel, kernel],
                                    standardDeviation: (2 / Float(kernel * kernel)).squareRoot(), using: &random)
        self.weight = TensorParameter(w, decays: true)
    }

    /// A depthwise convolution holding `weight` (`[channels, 1, k, k]`).
    public init(weight: Tensor, stride: Int = 1, padding: Int? = nil) {
        precondition(weight.rank == 4 && weight.shape[1] == 1 && weight.shape[2] == weight.shape[3], "depthwise weight must be [C, 1, k, k]")
        self.geometry = ConvGeometry(inChannels: weight.shape[0], outChannels: weight.shape[0], kernel: weight.shape[2], stride: stride, padding: padding)
        self.weight = TensorParameter(weight, decays: true)
    }

    /// Threads for a batch of `work` output elements (small layers run on the calling thread).
    private func threadCount(work: Int) -> Int { work >= 4096 ? threads : 1 }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        let g = geometry
        precondition(input.rank == 4 && input.shape[3] == g.inChannels, "DepthwiseConv2D expects [N, H, W, \(g.inChannels)], got \(input.shape)")
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let tiles = DepthwiseTiles(geometry: g, height: h, width: w)
        let (ho, wo, k, groups) = (tiles.outHeight, tiles.outWidth, g.kernel, tiles.groups)
        var output = Tensor(uninitializedShape: [n, ho, wo, c])
        input.storage.withUnsafeBufferPointer { xb in
            weight.value.storage.withUnsafeBufferPointer { wb in
                output.storage.withUnsafeMutableBufferPointer { yb in
                    let x = xb.baseAddress!, wt = wb.baseAddress!, y = yb.baseAddress!
                    // Units are (image, group), image-major: the groups of one image read and write the same cache lines
                    // (eight channels of each pixel per group) while they are still in L2.
                    Parallel.forEachChunk(count: groups * n, threads: threadCount(work: n * c * ho * wo)) { _, units in
                        let tile = UnsafeMutablePointer<Float>.allocate(capacity: tiles.tileCount)
                        let weights = UnsafeMutablePointer<Float>.allocate(capacity: k * k * 8)
                        tile.initialize(repeating: 0, count: tiles.tileCount)
                        defer { tile.deallocate(); weights.deallocate() }
                        var loadedGroup = -1
                        for unit in units {
                            let image = unit / groups, group = unit % groups
                            let first = group * 8, lanes = tiles.lanes(in: group)
                            if group != loadedGroup {
                                tiles.groupWeights(wt, first: first, lanes: lanes, flipped: false, into: weights)
                                loadedGroup = group
                            }
                            tiles.fillTile(tile, from: x + image * h * w * c, first: first, lanes: lanes)
                            DepthwiseTiles.correlate(tile: tile, tileWidth: tiles.paddedWidth, weights: weights, kernel: k, stride: g.stride,
                                                     outRows: ho, outColumns: wo, output: y + image * ho * wo * c + first,
                                                     pixelStride: c, lanes: lanes)
                        }
                    }
                }
            }
        }
        cachedInput = mode == .training ? input : nil
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("DepthwiseConv2D.backward without a training forward pass") }
        let g = geometry
        let (n, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let tiles = DepthwiseTiles(geometry: g, height: h, width: w)
        let (ho, wo, k, groups) = (tiles.outHeight, tiles.outWidth, g.kernel, tiles.groups)
        precondition(outputGradient.shape == [n, ho, wo, c], "DepthwiseConv2D gradient shape mismatch")
        let taps = k * k
        let threadCount = threadCount(work: n * c * ho * wo)
        let chunks = max(1, min(threadCount, groups * n))
        // Each chunk accumulates its weight gradient as [group][tap][8]; they are summed afterwards.
        var partials = [Float](repeating: 0, count: chunks * groups * taps * 8)
        var inputGradient = Tensor(uninitializedShape: input.shape)
        input.storage.withUnsafeBufferPointer { xb in
            outputGradient.storage.withUnsafeBufferPointer { gb in
                weight.value.storage.withUnsafeBufferPointer { wb in
                    partials.withUnsafeMutableBufferPointer { pb in
                        inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                            let x = xb.baseAddress!, dy = gb.baseAddress!, wt = wb.baseAddress!
                            let partial = pb.baseAddress!, dx = dxb.baseAddress!
                            Parallel.forEachChunk(count: groups * n, threads: chunks) { chunk, units in
                                let tile = UnsafeMutablePointer<Float>.allocate(capacity: tiles.tileCount)
                                let scratch = UnsafeMutablePointer<Float>.allocate(capacity: tiles.tileCount)
                                let gradientTile = UnsafeMutablePointer<Float>.allocate(capacity: tiles.gradientTileCount)
                                let compact = UnsafeMutablePointer<Float>.allocate(capacity: ho * wo * 8)
                                let weights = UnsafeMutablePointer<Float>.allocate(capacity: taps * 8)
                                let flipped = UnsafeMutablePointer<Float>.allocate(capacity: taps * 8)
                                tile.initialize(repeating: 0, count: tiles.tileCount)
                                gradientTile.initialize(repeating: 0, count: tiles.gradientTileCount)
                                defer {
                                    tile.deallocate(); scratch.deallocate(); gradientTile.deallocate()
                                    compact.deallocate(); weights.deallocate(); flipped.deallocate()
                                }
                                let ownPartial = partial + chunk * groups * taps * 8
                                var loadedGroup = -1
                                for unit in units {
                                    let image = unit / groups, group = unit % groups
                                    let first = group * 8, lanes = tiles.lanes(in: group)
                                    if group != loadedGroup {
                                        tiles.groupWeights(wt, first: first, lanes: lanes, flipped: false, into: weights)
                                        tiles.groupWeights(wt, first: first, lanes: lanes, flipped: true, into: flipped)
                                        loadedGroup = group
                                    }
                                    tiles.fillTile(tile, from: x + image * h * w * c, first: first, lanes: lanes)
                                    let gy = dy + image * ho * wo * c + first
                                    for p in 0..<(ho * wo) {
                                        DepthwiseTiles.store(DepthwiseTiles.load(gy + p * c, lanes: lanes), compact + p * 8)
                                    }
                                    tiles.accumulateWeightGradient(tile: tile, dy: compact, into: ownPartial + group * taps * 8)
                                    tiles.inputGradient(dy: compact, weights: weights, flippedWeights: flipped, gradientTile: gradientTile,
                                                        scratch: scratch, dx: dx + image * h * w * c, first: first, lanes: lanes)
                                }
                            }
                        }
                    }
                }
            }
        }
        weight.gradient.storage.withUnsafeMutableBufferPointer { gw in
            for chunk in 0..<chunks {
                for ch in 0..<c {
                    let group = ch / 8, lane = ch % 8
                    for t in 0..<taps { gw[ch * taps + t] += partials[((chunk * groups + group) * taps + t) * 8 + lane] }
                }
            }
        }
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&weight)
    }
}
