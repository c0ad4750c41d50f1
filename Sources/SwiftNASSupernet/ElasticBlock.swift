import SwiftNASCore
import SwiftNASEngine

/// The leading `rows × cols` corner of a row-major matrix with `columns` columns.
func leadingBlock(_ t: [Float], columns: Int, rows: Int, cols: Int) -> [Float] {
    var out = [Float](repeating: 0, count: rows * cols)
    for r in 0..<rows {
        for c in 0..<cols { out[r * cols + c] = t[r * columns + c] }
    }
    return out
}

/// Adds a `rows × cols` matrix into the leading corner of a row-major matrix with `columns` columns.
func addLeadingBlock(_ part: [Float], into t: inout [Float], columns: Int, rows: Int, cols: Int) {
    for r in 0..<rows {
        for c in 0..<cols { t[r * columns + c] += part[r * cols + c] }
    }
}

extension BatchNorm2D {
    /// A batch norm over the first `count` channels (γ, β and running statistics), with zero gradients.
    func leading(_ count: Int) -> BatchNorm2D {
        var bn = BatchNorm2D(channels: count)
        bn.epsilon = epsilon
        bn.momentum = momentum
        bn.threads = threads
        bn.scale.value = Tensor(shape: [count], storage: Array(scale.value.storage[..<count]))
        bn.shift.value = Tensor(shape: [count], storage: Array(shift.value.storage[..<count]))
        bn.runningMean = Array(runningMean[..<count])
        bn.runningVariance = Array(runningVariance[..<count])
        return bn
    }

    /// Adds `part`'s gradients into the first channels and/or takes its running statistics.
    mutating func absorbLeading(_ part: BatchNorm2D, gradients: Bool, statistics: Bool) {
        for c in 0..<part.channels {
            if gradients {
                scale.gradient.storage[c] += part.scale.gradient.storage[c]
                shift.gradient.storage[c] += part.shift.gradient.storage[c]
            }
            if statistics {
                runningMean[c] = part.runningMean[c]
                runningVariance[c] = part.runningVariance[c]
            }
        }
    }
}

/// OFA's elastic kernel: smaller depthwise kernels are the centre of the next larger one passed through a
/// learned `n × n` linear map shared by all channels (`K₅ = centre₅(K₇)·M₇₅ᵀ`, `K₃ = centre₃(K₅)·M₅₃ᵀ`).
enum KernelTransform {
    /// The centred `target × target` window of each `size × size` kernel in `kernels` (`channels` of them).
    static func centre(_ kernels: [Float], channels: Int, size: Int, target: Int) -> [Float] {
        let o = (size - target) / 2
        var out = [Float](repeating: 0, count: channels * target * target)
        for c in 0..<channels {
            for y in 0..<target {
                for x in 0..<target { out[(c * target + y) * target + x] = kernels[(c * size + y + o) * size + x + o] }
            }
        }
        return out
    }

    /// Adds `window` (`target × target` per channel) into the centre of `kernels` (`size × size`).
    static func addCentre(_ window: [Float], into kernels: inout [Float], channels: Int, size: Int, target: Int) {
        let o = (size - target) / 2
        for c in 0..<channels {
            for y in 0..<target {
                for x in 0..<target { kernels[(c * size + y + o) * size + x + o] += window[(c * target + y) * target + x] }
            }
        }
    }

    /// `x · Mᵀ` for `x` of `rows × n` and `M` of `n × n`.
    static func apply(_ x: [Float], rows: Int, matrix m: [Float], n: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * n)
        Gemm.multiply(m: rows, n: n, k: n, a: x, lda: n, b: m, ldb: n, transposeB: true, c: &y, ldc: n, threads: 1)
        return y
    }

    /// For `y = x · Mᵀ`: adds `dyᵀ · x` into `matrixGradient` and returns `dx = dy · M`.
    static func backward(_ dy: [Float], x: [Float], rows: Int, matrix m: [Float], n: Int, matrixGradient: inout [Float]) -> [Float] {
        Gemm.multiply(m: n, n: n, k: rows, a: dy, lda: n, transposeA: true, b: x, ldb: n, c: &matrixGradient, ldc: n,
                      accumulate: true, threads: 1)
        var dx = [Float](repeating: 0, count: rows * n)
        Gemm.multiply(m: rows, n: n, k: n, a: dy, lda: n, b: m, ldb: n, c: &dx, ldc: n, threads: 1)
        return dx
    }
}

/// One elastic inverted-residual block slot: every parameter at its largest size, from which a static
/// `MBConvBlock` for a chosen kernel size and expand ratio is materialised, and into which that block's
/// gradients and batch-norm statistics are folded back.
public struct ElasticMBConv: Sendable {
    /// What is fixed about this slot.
    public let slot: SupernetPlan.Slot
    /// The largest kernel size (the stored one).
    public let maxKernel: Int
    /// Expanded channels at the largest expand ratio.
    public let maxMiddle: Int
    /// Expansion weight `[maxMiddle, in, 1, 1]`; a ratio uses the leading rows.
    public var expandWeight: TensorParameter
    /// Batch norm after expansion, over `maxMiddle` channels.
    public var expandNorm: BatchNorm2D
    /// Depthwise kernels `[maxMiddle, 1, maxKernel, maxKernel]`.
    public var depthwiseWeight: TensorParameter
    /// Kernel transformation matrices, largest first: `[25, 25]` (7 → 5) and `[9, 9]` (5 → 3) for {3, 5, 7}.
    public var kernelTransforms: [TensorParameter]
    /// Batch norm after the depthwise convolution, over `maxMiddle` channels.
    public var depthwiseNorm: BatchNorm2D
    /// SE squeeze `maxMiddle → squeezeChannels(maxMiddle)`, if the stage has SE.
    public var squeezeReduce: Linear?
    /// SE excitation back to `maxMiddle`, if the stage has SE.
    public var squeezeExpand: Linear?
    /// Projection weight `[out, maxMiddle, 1, 1]`; a ratio uses the leading columns.
    public var projectWeight: TensorParameter
    /// Batch norm after the projection.
    public var projectNorm: BatchNorm2D
    /// The elastic kernel sizes, ascending.
    public let kernelSizes: [Int]

    /// A block slot with fresh weights (He-normal convolutions, identity kernel transformations).
    public init(slot: SupernetPlan.Slot, kernelSizes: [Int], maxExpandRatio: Int, random: inout SeededRandom) {
        self.slot = slot
        self.kernelSizes = kernelSizes.sorted()
        maxKernel = self.kernelSizes.last!
        maxMiddle = SupernetPlan.middleChannels(inChannels: slot.inChannels, expandRatio: maxExpandRatio)
        let expand = Conv2D(ConvGeometry(inChannels: slot.inChannels, outChannels: maxMiddle, kernel: 1, padding: 0), random: &random)
        expandWeight = expand.weight
        expandNorm = BatchNorm2D(channels: maxMiddle)
        depthwiseWeight = DepthwiseConv2D(channels: maxMiddle, kernel: maxKernel, random: &random).weight
        kernelTransforms = []
        for smaller in self.kernelSizes.dropLast().reversed() {
            let n = smaller * smaller
            var identity = Tensor(shape: [n, n])
            for i in 0..<n { identity.storage[i * n + i] = 1 }
            kernelTransforms.append(TensorParameter(identity, decays: false))
        }
        depthwiseNorm = BatchNorm2D(channels: maxMiddle)
        if slot.squeezeExcitation {
            let reduced = SupernetPlan.squeezeChannels(maxMiddle)
            squeezeReduce = Linear(inFeatures: maxMiddle, outFeatures: reduced, random: &random)
            squeezeExpand = Linear(inFeatures: reduced, outFeatures: maxMiddle, random: &random)
        }
        projectWeight = Conv2D(ConvGeometry(inChannels: maxMiddle, outChannels: slot.outChannels, kernel: 1, padding: 0), random: &random).weight
        projectNorm = BatchNorm2D(channels: slot.outChannels)
    }

    /// The kernel-size sequence from the stored kernel down to `size` (e.g. [7, 5, 3]).
    private func chain(to size: Int) -> [Int] {
        Array(kernelSizes.reversed().prefix { $0 >= size })
    }

    /// The depthwise kernels `[middle, 1, size, size]` for the first `middle` channels.
    public func kernel(size: Int, middle: Int) -> Tensor {
        var k = Array(depthwiseWeight.value.storage[..<(middle * maxKernel * maxKernel)])
        let sizes = chain(to: size)
        precondition(sizes.last == size, "kernel size \(size) is not one of \(kernelSizes)")
        for step in 0..<(sizes.count - 1) {
            let target = sizes[step + 1]
            let window = KernelTransform.centre(k, channels: middle, size: sizes[step], target: target)
            k = KernelTransform.apply(window, rows: middle, matrix: kernelTransforms[step].value.storage, n: target * target)
        }
        return Tensor(shape: [middle, 1, size, size], storage: k)
    }

    /// Back-propagates a gradient of `kernel(size:middle:)` into the stored kernels and transformation matrices.
    mutating func absorbKernelGradient(_ gradient: [Float], size: Int, middle: Int) {
        let sizes = chain(to: size)
        // Recompute the forward chain's inputs (the centred windows before each transform).
        var windows: [[Float]] = []
        var k = Array(depthwiseWeight.value.storage[..<(middle * maxKernel * maxKernel)])
        for step in 0..<(sizes.count - 1) {
            let target = sizes[step + 1]
            let window = KernelTransform.centre(k, channels: middle, size: sizes[step], target: target)
            windows.append(window)
            k = KernelTransform.apply(window, rows: middle, matrix: kernelTransforms[step].value.storage, n: target * target)
        }
        var g = gradient
        for step in stride(from: sizes.count - 2, through: 0, by: -1) {
            let target = sizes[step + 1], n = target * target
            let dWindow = KernelTransform.backward(g, x: windows[step], rows: middle, matrix: kernelTransforms[step].value.storage,
                                                   n: n, matrixGradient: &kernelTransforms[step].gradient.storage)
            var larger = [Float](repeating: 0, count: middle * sizes[step] * sizes[step])
            KernelTransform.addCentre(dWindow, into: &larger, channels: middle, size: sizes[step], target: target)
            g = larger
        }
        for i in 0..<g.count { depthwiseWeight.gradient.storage[i] += g[i] }
    }

    /// The static block for kernel size `kernel` and expand ratio `expandRatio` (zero gradients).
    public func materialize(kernel: Int, expandRatio: Int) -> MBConvBlock {
        let cin = slot.inChannels, cout = slot.outChannels
        let middle = SupernetPlan.middleChannels(inChannels: cin, expandRatio: expandRatio)
        precondition(middle <= maxMiddle, "expand ratio \(expandRatio) is above the stored maximum")
        let expand = Conv2D(ConvGeometry(inChannels: cin, outChannels: middle, kernel: 1, padding: 0),
                            weight: Tensor(shape: [middle, cin, 1, 1], storage: Array(expandWeight.value.storage[..<(middle * cin)])))
        let depthwise = DepthwiseConv2D(weight: self.kernel(size: kernel, middle: middle), stride: slot.stride)
        var se: SqueezeExcitation?
        if let reduce = squeezeReduce, let excite = squeezeExpand {
            let r = SupernetPlan.squeezeChannels(middle)
            let reduceLayer = Linear(weight: Tensor(shape: [r, middle], storage: leadingBlock(reduce.weight.value.storage, columns: maxMiddle, rows: r, cols: middle)),
                                     bias: Tensor(shape: [r], storage: Array(reduce.bias.value.storage[..<r])))
            let exciteLayer = Linear(weight: Tensor(shape: [middle, r], storage: leadingBlock(excite.weight.value.storage, columns: reduce.outFeatures, rows: middle, cols: r)),
                                     bias: Tensor(shape: [middle], storage: Array(excite.bias.value.storage[..<middle])))
            se = SqueezeExcitation(reduce: reduceLayer, expand: exciteLayer)
        }
        let project = Conv2D(ConvGeometry(inChannels: middle, outChannels: cout, kernel: 1, padding: 0),
                             weight: Tensor(shape: [cout, middle, 1, 1], storage: leadingBlock(projectWeight.value.storage, columns: maxMiddle, rows: cout, cols: middle)))
        return MBConvBlock(expand: expand, expandNorm: expandNorm.leading(middle), depthwise: depthwise,
                           depthwiseNorm: depthwiseNorm.leading(middle), squeezeExcitation: se, project: project,
                           projectNorm: projectNorm.leading(cout), activation: slot.activation, residual: slot.residual)
    }

    /// Folds a materialised block's parameter gradients (when `gradients`) and batch-norm running
    /// statistics (when `statistics`) back into the shared parameters.
    public mutating func absorb(_ block: MBConvBlock, gradients: Bool, statistics: Bool) {
        guard let expand = block.expand, let blockExpandNorm = block.expandNorm else {
            preconditionFailure("an elastic block always has an expansion")
        }
        let middle = block.depthwise.geometry.inChannels, cin = slot.inChannels, cout = slot.outChannels
        if gradients {
            for i in 0..<(middle * cin) { expandWeight.gradient.storage[i] += expand.weight.gradient.storage[i] }
            absorbKernelGradient(block.depthwise.weight.gradient.storage, size: block.depthwise.geometry.kernel, middle: middle)
            if let se = block.squeezeExcitation, squeezeReduce != nil, squeezeExpand != nil {
                let r = se.reducedChannels, maxReduced = squeezeReduce!.outFeatures
                addLeadingBlock(se.reduce.weight.gradient.storage, into: &squeezeReduce!.weight.gradient.storage, columns: maxMiddle, rows: r, cols: middle)
                for i in 0..<r { squeezeReduce!.bias.gradient.storage[i] += se.reduce.bias.gradient.storage[i] }
                addLeadingBlock(se.expand.weight.gradient.storage, into: &squeezeExpand!.weight.gradient.storage, columns: maxReduced, rows: middle, cols: r)
                for i in 0..<middle { squeezeExpand!.bias.gradient.storage[i] += se.expand.bias.gradient.storage[i] }
            }
            addLeadingBlock(block.project.weight.gradient.storage, into: &projectWeight.gradient.storage, columns: maxMiddle, rows: cout, cols: middle)
        }
        expandNorm.absorbLeading(blockExpandNorm, gradients: gradients, statistics: statistics)
        depthwiseNorm.absorbLeading(block.depthwiseNorm, gradients: gradients, statistics: statistics)
        projectNorm.absorbLeading(block.projectNorm, gradients: gradients, statistics: statistics)
    }

    /// Calls `visit` on every shared parameter, in a fixed order.
    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        visit(&expandWeight)
        expandNorm.visitParameters(visit)
        visit(&depthwiseWeight)
        for i in kernelTransforms.indices { visit(&kernelTransforms[i]) }
        depthwiseNorm.visitParameters(visit)
        squeezeReduce?.visitParameters(visit)
        squeezeExpand?.visitParameters(visit)
        visit(&projectWeight)
        projectNorm.visitParameters(visit)
    }
}
