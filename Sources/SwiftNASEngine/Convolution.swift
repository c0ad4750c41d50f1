import SwiftNASCore

/// The hyper-parameters of a square 2-D convolution over NCHW batches.
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

    /// Output positions `ox` whose input column `ox * stride - padding + offset` lies in `0..<size`.
    @inlinable func validRange(offset: Int, size: Int, outputs: Int) -> Range<Int> {
        // ox * s >= p - offset  and  ox * s <= size - 1 + p - offset
        let low = max(0, (padding - offset + stride - 1) / stride)
        let highInclusive = size - 1 + padding - offset
        let high = highInclusive < 0 ? 0 : min(outputs, highInclusive / stride + 1)
        return low..<max(low, high)
    }
}

/// Im2col / col2im behind `Conv2D`.
enum ConvolutionKernels {
    /// Unfolds one image `[C, H, W]` into columns `[C·k·k, Ho·Wo]` (zero where the window leaves the image).
    static func im2col(_ x: UnsafePointer<Float>, height: Int, width: Int, geometry g: ConvGeometry,
                       into col: UnsafeMutablePointer<Float>) {
        let ho = g.outputSize(height), wo = g.outputSize(width), k = g.kernel, s = g.stride
        var row = col
        for c in 0..<g.inChannels {
            let plane = x + c * height * width
            for ky in 0..<k {
                let rows = g.validRange(offset: ky, size: height, outputs: ho)
                for kx in 0..<k {
                    let cols = g.validRange(offset: kx, size: width, outputs: wo)
                    for oy in 0..<ho {
                        let dst = row + oy * wo
                        guard rows.contains(oy) else { dst.update(repeating: 0, count: wo); continue }
                        let src = plane + (oy * s - g.padding + ky) * width - g.padding + kx
                        for ox in 0..<cols.lowerBound { dst[ox] = 0 }
                        if s == 1 {
                            (dst + cols.lowerBound).update(from: src + cols.lowerBound, count: cols.count)
                        } else {
                            for ox in cols { dst[ox] = src[ox * s] }
                        }
                        for ox in cols.upperBound..<wo { dst[ox] = 0 }
                    }
                    row += ho * wo
                }
            }
        }
    }

    /// Adds columns `[C·k·k, Ho·Wo]` back into one image gradient `[C, H, W]` (the adjoint of `im2col`).
    static func col2im(_ col: UnsafePointer<Float>, height: Int, width: Int, geometry g: ConvGeometry,
                       addingInto x: UnsafeMutablePointer<Float>) {
        let ho = g.outputSize(height), wo = g.outputSize(width), k = g.kernel, s = g.stride
        var row = col
        for c in 0..<g.inChannels {
            let plane = x + c * height * width
            for ky in 0..<k {
                let rows = g.validRange(offset: ky, size: height, outputs: ho)
                for kx in 0..<k {
                    let cols = g.validRange(offset: kx, size: width, outputs: wo)
                    for oy in rows {
                        let src = row + oy * wo
                        let dst = plane + (oy * s - g.padding + ky) * width - g.padding + kx
                        for ox in cols { dst[ox * s] += src[ox] }
                    }
                    row += ho * wo
                }
            }
        }
    }
}

/// A regular (dense) 2-D convolution without bias, computed as im2col + GEMM; pointwise (1×1, stride 1,
/// no padding) convolutions skip the im2col step. Weight `[out, in, k, k]`.
public struct Conv2D: Layer {
    /// The convolution's hyper-parameters.
    public let geometry: ConvGeometry
    /// The kernel, `[outChannels, inChannels, kernel, kernel]`.
    public var weight: TensorParameter
    /// Worker threads for this layer's loops.
    public var threads: Int = Parallel.defaultThreads
    private var cachedInput: Tensor?

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

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        let g = geometry
        precondition(input.rank == 4 && input.shape[1] == g.inChannels, "Conv2D expects [N, \(g.inChannels), H, W], got \(input.shape)")
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let (ho, wo) = (g.outputSize(h), g.outputSize(w))
        let depth = g.inChannels * g.kernel * g.kernel
        var output = Tensor(uninitializedShape: [n, g.outChannels, ho, wo])
        let pointwise = isPointwise
        let imageThreads = n >= threads ? threads : 1
        let gemmThreads = imageThreads == 1 ? threads : 1
        input.storage.withUnsafeBufferPointer { xb in
            weight.value.storage.withUnsafeBufferPointer { wb in
                output.storage.withUnsafeMutableBufferPointer { yb in
                    let x = xb.baseAddress!, wt = wb.baseAddress!, y = yb.baseAddress!
                    Parallel.forEachChunk(count: n, threads: imageThreads) { _, images in
                        let col = UnsafeMutablePointer<Float>.allocate(capacity: pointwise ? 0 : depth * ho * wo)
                        defer { col.deallocate() }
                        for i in images {
                            let image = x + i * g.inChannels * h * w
                            if !pointwise { ConvolutionKernels.im2col(image, height: h, width: w, geometry: g, into: col) }
                            Gemm.multiply(m: g.outChannels, n: ho * wo, k: depth, a: wt, lda: depth,
                                          b: pointwise ? image : UnsafePointer(col), ldb: ho * wo,
                                          c: y + i * g.outChannels * ho * wo, ldc: ho * wo, threads: gemmThreads)
                        }
                    }
                }
            }
        }
        cachedInput = mode == .training ? input : nil
        return output
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        guard let input = cachedInput else { preconditionFailure("Conv2D.backward without a training forward pass") }
        let g = geometry
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let (ho, wo) = (g.outputSize(h), g.outputSize(w))
        precondition(outputGradient.shape == [n, g.outChannels, ho, wo], "Conv2D gradient shape mismatch")
        let depth = g.inChannels * g.kernel * g.kernel
        let pointwise = isPointwise
        let imageThreads = n >= threads ? threads : 1
        let gemmThreads = imageThreads == 1 ? threads : 1
        let weightCount = g.outChannels * depth
        var inputGradient = Tensor(shape: input.shape)
        var partials = [Float](repeating: 0, count: imageThreads * weightCount)
        input.storage.withUnsafeBufferPointer { xb in
            outputGradient.storage.withUnsafeBufferPointer { gb in
                weight.value.storage.withUnsafeBufferPointer { wb in
                    inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                        partials.withUnsafeMutableBufferPointer { pb in
                            let x = xb.baseAddress!, dy = gb.baseAddress!, wt = wb.baseAddress!
                            let dx = dxb.baseAddress!, partial = pb.baseAddress!
                            Parallel.forEachChunk(count: n, threads: imageThreads) { chunk, images in
                                let scratch = pointwise ? 0 : depth * ho * wo
                                let col = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
                                let dcol = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
                                defer { col.deallocate(); dcol.deallocate() }
                                let dw = partial + chunk * weightCount
                                for i in images {
                                    let image = x + i * g.inChannels * h * w
                                    let dImage = dx + i * g.inChannels * h * w
                                    let gy = dy + i * g.outChannels * ho * wo
                                    if !pointwise { ConvolutionKernels.im2col(image, height: h, width: w, geometry: g, into: col) }
                                    // dW += dY · colᵀ
                                    Gemm.multiply(m: g.outChannels, n: depth, k: ho * wo, a: gy, lda: ho * wo,
                                                  b: pointwise ? image : UnsafePointer(col), ldb: ho * wo, transposeB: true,
                                                  c: dw, ldc: depth, accumulate: true, threads: gemmThreads)
                                    // dcol = Wᵀ · dY
                                    Gemm.multiply(m: depth, n: ho * wo, k: g.outChannels, a: wt, lda: depth, transposeA: true,
                                                  b: gy, ldb: ho * wo, c: pointwise ? dImage : dcol, ldc: ho * wo,
                                                  threads: gemmThreads)
                                    if !pointwise {
                                        ConvolutionKernels.col2im(dcol, height: h, width: w, geometry: g, addingInto: dImage)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        weight.gradient.storage.withUnsafeMutableBufferPointer { gw in
            for chunk in 0..<imageThreads {
                for j in 0..<weightCount { gw[j] += partials[chunk * weightCount + j] }
            }
        }
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&weight)
    }
}

/// A depthwise 2-D convolution (one `k × k` filter per channel, no bias) computed directly with SIMD
/// row kernels over a zero-padded, stride-phased copy of each plane (see `DepthwisePlanes`). Weight `[channels, 1, k, k]`.
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

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        let g = geometry
        precondition(input.rank == 4 && input.shape[1] == g.inChannels, "DepthwiseConv2D expects [N, \(g.inChannels), H, W], got \(input.shape)")
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let planes = DepthwisePlanes(geometry: g, height: h, width: w)
        let (ho, wo) = (planes.outHeight, planes.outWidth)
        var output = Tensor(uninitializedShape: [n, c, ho, wo])
        input.storage.withUnsafeBufferPointer { xb in
            weight.value.storage.withUnsafeBufferPointer { wb in
                output.storage.withUnsafeMutableBufferPointer { yb in
                    let x = xb.baseAddress!, wt = wb.baseAddress!, y = yb.baseAddress!
                    Parallel.forEachChunk(count: n * c, threads: n * c * ho * wo >= 4096 ? threads : 1) { _, range in
                        let phased = UnsafeMutablePointer<Float>.allocate(capacity: planes.phasedCount)
                        let row = UnsafeMutablePointer<Float>.allocate(capacity: 128)
                        phased.initialize(repeating: 0, count: planes.phasedCount)
                        defer { phased.deallocate(); row.deallocate() }
                        for plane in range {
                            planes.scatter(x + plane * h * w, into: phased)
                            planes.forward(phased: phased, weight: wt + (plane % c) * g.kernel * g.kernel,
                                           output: y + plane * ho * wo, rowScratch: row)
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
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let planes = DepthwisePlanes(geometry: g, height: h, width: w)
        let (ho, wo, k) = (planes.outHeight, planes.outWidth, g.kernel)
        precondition(outputGradient.shape == [n, c, ho, wo], "DepthwiseConv2D gradient shape mismatch")
        var inputGradient = Tensor(uninitializedShape: input.shape)
        input.storage.withUnsafeBufferPointer { xb in
            outputGradient.storage.withUnsafeBufferPointer { gb in
                weight.value.storage.withUnsafeBufferPointer { wb in
                    weight.gradient.storage.withUnsafeMutableBufferPointer { gwb in
                        inputGradient.storage.withUnsafeMutableBufferPointer { dxb in
                            let x = xb.baseAddress!, dy = gb.baseAddress!, wt = wb.baseAddress!
                            let gw = gwb.baseAddress!, dx = dxb.baseAddress!
                            // Channels are independent: each chunk owns its channels' weight gradients and input-gradient planes.
                            Parallel.forEachChunk(count: c, threads: n * c * ho * wo >= 4096 ? threads : 1) { _, channels in
                                let phased = UnsafeMutablePointer<Float>.allocate(capacity: planes.phasedCount)
                                let dPhased = UnsafeMutablePointer<Float>.allocate(capacity: planes.phasedCount)
                                let gradientRows = UnsafeMutablePointer<Float>.allocate(capacity: planes.gradientCount)
                                let row = UnsafeMutablePointer<Float>.allocate(capacity: 128)
                                phased.initialize(repeating: 0, count: planes.phasedCount)
                                gradientRows.initialize(repeating: 0, count: planes.gradientCount)
                                defer { phased.deallocate(); dPhased.deallocate(); gradientRows.deallocate(); row.deallocate() }
                                for ch in channels {
                                    for i in 0..<n {
                                        let plane = i * c + ch
                                        planes.scatter(x + plane * h * w, into: phased)
                                        planes.loadGradient(dy + plane * ho * wo, into: gradientRows)
                                        planes.backward(phased: phased, weight: wt + ch * k * k, gradient: gradientRows,
                                                        weightGradient: gw + ch * k * k, dPhased: dPhased, rowScratch: row)
                                        planes.gather(dPhased, into: dx + plane * h * w)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&weight)
    }
}
