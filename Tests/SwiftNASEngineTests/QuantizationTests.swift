import SwiftNASCore
import CSwiftNASInt8
import Testing
@testable import SwiftNASEngine

@Suite struct QuantizationTests {
    @Test func activationLevelsRoundTripWithinHalfAStepAndZeroIsExact() {
        for maximum: UInt8 in [127, 255] {
            let q = ActivationQuantization(low: -1.5, high: 6, maximum: maximum)
            #expect(q.value(q.level(0)) == 0)
            for x in stride(from: Float(-1.5), through: 6, by: 0.01) {
                #expect(abs(q.value(q.level(x)) - x) <= q.scale / 2 + 1e-6, "\(x)")
            }
            // Beyond the range values clamp to the ends.
            #expect(q.level(100) == maximum)
            #expect(q.level(-100) == 0)
        }
        // A range that does not contain 0 is widened to it; an empty one still has a usable scale.
        #expect(ActivationQuantization(low: 2, high: 3).zeroPoint == 0)
        #expect(ActivationQuantization(low: 0, high: 0).scale == 1)
    }

    @Test func observerRangesByMinMaxAndPercentile() {
        var observer = RangeObserver()
        #expect(observer.range(.minMax) == (0, 0))
        var values = (0..<10_000).map { Float($0) / 10_000 }
        values[17] = 50  // one outlier
        observer.observe(Tensor(shape: [100, 100], storage: values))
        #expect(observer.range(.minMax) == (0, 50))
        let robust = observer.range(.percentile(99.9))
        #expect(robust.high < 1 && robust.high > 0.99)
        #expect(robust.low < 0.002)
    }

    @Test(arguments: Int8Gemm.Kernel.allCases.filter(\.isAvailable))
    func aQuantizedMatrixMatchesItsIntegerDefinitionAndTheFloatProduct(kernel: Int8Gemm.Kernel) {
        var random = SeededRandom(seed: 4)
        let (rows, k, n) = (37, 48, 21)
        let x = Tensor.randomNormal(shape: [rows, k], using: &random)
        var weight = Tensor.randomNormal(shape: [n, k], standardDeviation: 0.1, using: &random)
        for p in 0..<k { weight.storage[3 * k + p] = 0 }  // an all-zero output channel
        let bias = Tensor.randomNormal(shape: [n], using: &random)
        var observer = RangeObserver()
        observer.observe(x)
        let range = observer.range(.minMax)
        let input = ActivationQuantization(low: range.low, high: range.high, maximum: kernel.activationMaximum)
        let layer = QuantizedMatrix(weight: weight, bias: bias, input: input, kernel: kernel)
        let y = layer.apply(x, threads: 2)
        #expect(y.shape == [rows, n])
        // The integer definition, computed independently.
        for i in 0..<rows {
            for j in 0..<n {
                let scale = layer.weightScales[j]
                var acc: Int32 = 0
                for p in 0..<k {
                    let wq = Int32(max(-127, min(127, (weight.storage[j * k + p] / scale).rounded())))
                    acc += (Int32(input.level(x.storage[i * k + p])) - input.zeroPoint) * wq
                }
                let expected = input.scale * scale * Float(acc) + bias.storage[j]
                #expect(abs(y.storage[i * n + j] - expected) <= 1e-4 * max(1, abs(expected)))
            }
        }
        // And close to the float product: within a few quantization steps.
        var worst: Float = 0, largest: Float = 0
        for i in 0..<rows {
            for j in 0..<n {
                var exact = bias.storage[j]
                for p in 0..<k { exact += x.storage[i * k + p] * weight.storage[j * k + p] }
                worst = max(worst, abs(y.storage[i * n + j] - exact))
                largest = max(largest, abs(exact - bias.storage[j]))
            }
        }
        #expect(worst < 0.05 * largest, "worst error \(worst) against products up to \(largest)")
        #expect(layer.weightScales[3] == 1)
        #expect(layer.byteCount == k * n + 8 * n)
    }
}

@Suite struct QuantizedDepthwiseTests {
    static let kernels = Int8Gemm.Kernel.allCases.filter(\.isAvailable)

    @Test(arguments: kernels)
    func matchesTheIntegerDefinitionAndTheFloatConvolution(implementation: Int8Gemm.Kernel) {
        var random = SeededRandom(seed: 8)
        // 37 channels: two 16-lane groups and a scalar tail; strides 1 and 2, kernels 3 and 5, odd sizes.
        for (kernel, stride, channels, size) in [(3, 1, 37, 7), (5, 2, 37, 9), (7, 1, 16, 5), (3, 2, 5, 6)] {
            let x = Tensor.randomNormal(shape: [2, size, size, channels], using: &random)
            var weight = Tensor.randomNormal(shape: [channels, 1, kernel, kernel], standardDeviation: 0.3, using: &random)
            for t in 0..<(kernel * kernel) { weight.storage[2 * kernel * kernel + t] = 0 }  // an all-zero channel
            var observer = RangeObserver()
            observer.observe(x)
            let range = observer.range(.minMax)
            let input = ActivationQuantization(low: range.low, high: range.high)
            let layer = QuantizedDepthwise(weight: weight, stride: stride, input: input, kernel: implementation)
            let y = layer.apply(x, threads: 2)
            var reference = DepthwiseConv2D(weight: weight, stride: stride)
            let exact = reference.forward(x, mode: .inference)
            #expect(y.shape == exact.shape)
            let g = layer.geometry, (ho, wo) = (g.outputSize(size), g.outputSize(size))
            var worst: Float = 0, largest: Float = 0
            for image in 0..<2 {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        for c in 0..<channels {
                            let scale = layer.weightScales[c]
                            var acc: Int32 = 0
                            for ky in 0..<kernel {
                                for kx in 0..<kernel {
                                    let iy = oy * stride - g.padding + ky, ix = ox * stride - g.padding + kx
                                    guard iy >= 0, iy < size, ix >= 0, ix < size else { continue }
                                    let v = x.storage[((image * size + iy) * size + ix) * channels + c]
                                    let wq = Int32(max(-127, min(127, (weight.storage[(c * kernel + ky) * kernel + kx] / scale).rounded())))
                                    acc += (Int32(input.level(v)) - input.zeroPoint) * wq
                                }
                            }
                            let index = ((image * ho + oy) * wo + ox) * channels + c
                            #expect(y.storage[index] == input.scale * scale * Float(acc))
                            worst = max(worst, abs(y.storage[index] - exact.storage[index]))
                            largest = max(largest, abs(exact.storage[index]))
                        }
                    }
                }
            }
            #expect(worst < 0.05 * largest, "k=\(kernel) s=\(stride): worst \(worst) against \(largest)")
        }
    }

    /// `Σ (x_q − z) · w_q` over the taps inside the image, straight from the definition.
    static func sums(levels: [UInt8], images: Int, height: Int, width: Int, layer: QuantizedDepthwise, levelsOf weight: [Int8]) -> [Int32] {
        let g = layer.geometry, c = g.inChannels, k = g.kernel
        let (ho, wo) = (g.outputSize(height), g.outputSize(width))
        var sums = [Int32](repeating: 0, count: images * ho * wo * c)
        for image in 0..<images {
            for oy in 0..<ho {
                for ox in 0..<wo {
                    for channel in 0..<c {
                        var acc: Int32 = 0
                        g.forEachTapInside(outputRow: oy, column: ox, height: height, width: width) { tap, pixel in
                            acc += (Int32(levels[(image * height * width + pixel) * c + channel]) - layer.input.zeroPoint)
                                * Int32(weight[channel * k * k + tap])
                        }
                        sums[((image * ho + oy) * wo + ox) * c + channel] = acc
                    }
                }
            }
        }
        return sums
    }

    @Test(arguments: kernels)
    func sumsAreExactAndTheFusedOutputIsTheirRescaleBiasAndActivation(kernel: Int8Gemm.Kernel) {
        var random = SeededRandom(seed: 9)
        // Channel tails of 16- and 8-lane groups, non-square images, every kernel size and stride, 1 channel, a kernel
        // size without a specialised loop (4) and stride 3.
        let shapes = [(3, 1, 37, 7, 9), (5, 2, 19, 9, 8), (7, 2, 33, 10, 7), (7, 1, 8, 5, 5), (3, 2, 1, 6, 6), (5, 1, 70, 11, 6),
                      (4, 3, 21, 9, 10)]
        for (k, stride, channels, height, width) in shapes {
            let images = 3
            let levels = (0..<(images * height * width * channels)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let weight = Tensor.randomNormal(shape: [channels, 1, k, k], standardDeviation: 0.3, using: &random)
            let bias = Tensor.randomNormal(shape: [channels], using: &random)
            let input = ActivationQuantization(low: -2, high: 3, maximum: 255)
            let layer = QuantizedDepthwise(weight: weight, bias: bias, stride: stride, input: input, kernel: kernel)
            let plain = QuantizedDepthwise(weight: weight, bias: bias, stride: stride, input: input, kernel: .scalar)
            let (weightLevels, _) = symmetricInt8(weight.storage, channels: channels, length: k * k)
            let g = layer.geometry, outputs = images * g.outputSize(height) * g.outputSize(width) * channels
            var sums = [Int32](repeating: -1, count: outputs)
            levels.withUnsafeBufferPointer { q in
                sums.withUnsafeMutableBufferPointer { s in
                    layer.accumulate(images: images, height: height, width: width, levels: q.baseAddress!, into: s.baseAddress!, threads: 2)
                }
            }
            let label = "\(kernel) k=\(k) s=\(stride) c=\(channels) \(height)×\(width)"
            #expect(sums == Self.sums(levels: levels, images: images, height: height, width: width, layer: layer, levelsOf: weightLevels), "\(label)")
            let next = ActivationQuantization(low: -1, high: 4)
            for activation in [nil, ActivationKind.relu, .hardSwish] {
                func run(_ layer: QuantizedDepthwise) -> (floats: [Float], levels: [UInt8]) {
                    var floats = [Float](repeating: .nan, count: outputs), nextLevels = [UInt8](repeating: 0, count: outputs)
                    levels.withUnsafeBufferPointer { q in
                        floats.withUnsafeMutableBufferPointer { y in
                            layer.apply(images: images, height: height, width: width, levels: q.baseAddress!, into: .floats(y.baseAddress!),
                                        activation: activation, threads: 2)
                        }
                        nextLevels.withUnsafeMutableBufferPointer { y in
                            layer.apply(images: images, height: height, width: width, levels: q.baseAddress!,
                                        into: .levels(y.baseAddress!, next), activation: activation, threads: 2)
                        }
                    }
                    return (floats, nextLevels)
                }
                let (floats, nextLevels) = run(layer)
                // Every kernel finishes bit-identically to the plain loops; levels are the floats quantized.
                #expect(floats == run(plain).floats, "\(label) \(String(describing: activation))")
                #expect(nextLevels == floats.map { next.level($0) }, "\(label) \(String(describing: activation))")
                for i in 0..<outputs {
                    let c = i % channels
                    let y = bias.storage[c].addingProduct(layer.weightScales[c] * input.scale, Float(sums[i]))
                    let expected = activation?.apply(y) ?? y
                    #expect(abs(floats[i] - expected) <= 1e-6 * max(1, abs(expected)), "\(label) \(i)")
                }
            }
        }
    }
}

@Suite struct QuantizedChainTests {
    @Test(arguments: Int8Gemm.Kernel.allCases.filter(\.isAvailable))
    func aMatrixWritesTheNextLayersLevelsAsItsFloatsQuantized(kernel: Int8Gemm.Kernel) {
        var random = SeededRandom(seed: 12)
        let (rows, k, n) = (45, 24, 37)
        let x = Tensor.randomNormal(shape: [rows, k], using: &random)
        let weight = Tensor.randomNormal(shape: [n, k], standardDeviation: 0.2, using: &random)
        let bias = Tensor.randomNormal(shape: [n], using: &random)
        let layer = QuantizedMatrix(weight: weight, bias: bias, input: ActivationQuantization(low: -3, high: 3, maximum: kernel.activationMaximum),
                                    kernel: kernel)
        let next = ActivationQuantization(low: -0.5, high: 5)
        for activation in [nil, ActivationKind.relu, .hardSwish] {
            let floats = layer.apply(x, activation: activation, threads: 2)
            var levels = [UInt8](repeating: 0, count: rows * n)
            x.storage.withUnsafeBufferPointer { xp in
                levels.withUnsafeMutableBufferPointer { q in
                    layer.apply(rows: rows, xp.baseAddress!, into: .levels(q.baseAddress!, next), activation: activation, threads: 2)
                }
            }
            #expect(levels == floats.storage.map { next.level($0) }, "\(kernel) \(String(describing: activation))")
        }
    }
}

@Suite struct QuantizedSqueezeExcitationTests {
    /// Levels in the patterns that matter: extremes, the zero point, and channel counts off the 16-lane groups.
    static func levels(images: Int, pixels: Int, channels: Int, random: inout SeededRandom) -> [UInt8] {
        (0..<(images * pixels * channels)).map { i in
            switch i % 7 {
            case 0: 255
            case 1: 0
            default: UInt8(random.nextIndex(256))
            }
        }
    }

    static let kernels = Int8Gemm.Kernel.allCases.filter(\.isAvailable)

    @Test(arguments: kernels, [1, 15, 16, 17, 40])
    func channelSumsAreExact(kernel: Int8Gemm.Kernel, channels: Int) {
        var random = SeededRandom(seed: 31)
        let (images, pixels) = (3, 49)
        let x = Self.levels(images: images, pixels: pixels, channels: channels, random: &random)
        var sums = [Int32](repeating: -1, count: images * channels)
        swiftnas_channel_sums_u8(kernel.c, x, Int32(images), Int32(pixels), Int32(channels), &sums)
        for i in 0..<images {
            for c in 0..<channels {
                let expected = (0..<pixels).reduce(Int32(0)) { $0 + Int32(x[(i * pixels + $1) * channels + c]) }
                #expect(sums[i * channels + c] == expected, "image \(i) channel \(c)")
            }
        }
    }

    @Test(arguments: kernels, [1, 15, 16, 17, 40])
    func rescaleIsOneFusedMultiplyAddRoundedHalfEven(kernel: Int8Gemm.Kernel, channels: Int) {
        var random = SeededRandom(seed: 32)
        let (images, pixels) = (2, 9)
        let original = Self.levels(images: images, pixels: pixels, channels: channels, random: &random)
        // Factors that land on halves (0.5 · odd) as well as ordinary ones, and one that overflows the top.
        let factors = (0..<(images * channels)).map { j -> Float in j % 5 == 0 ? 0.5 : (j % 5 == 1 ? 3 : Float(random.nextUnit())) }
        let (zero, nextZero, top): (Float, Float, Float) = (17, 3, 127)
        var x = original
        swiftnas_rescale_channels_u8(kernel.c, &x, Int32(images), Int32(pixels), Int32(channels), factors, zero, nextZero, top)
        for i in 0..<images {
            for p in 0..<pixels {
                for c in 0..<channels {
                    let at = (i * pixels + p) * channels + c
                    let v = min(max(nextZero.addingProduct(Float(original[at]) - zero, factors[i * channels + c]), 0), top)
                    #expect(x[at] == UInt8(v.rounded(.toNearestOrEven)), "image \(i) pixel \(p) channel \(c)")
                }
            }
        }
    }

    @Test(arguments: kernels)
    func gatedLevelsMatchTheFloatBlockWithinAStep(kernel: Int8Gemm.Kernel) {
        var random = SeededRandom(seed: 33)
        let (images, height, width, channels) = (4, 5, 5, 20)
        var float = SqueezeExcitation(channels: channels, reducedChannels: 8, random: &random)
        var x = Tensor.randomNormal(shape: [images, height, width, channels], using: &random)
        for i in 0..<x.count { x.storage[i] = max(x.storage[i] + 0.5, 0) }  // post-activation: non-negative
        let input = ActivationQuantization(low: 0, high: x.storage.max()!, maximum: 255)
        let reference = float.forward(Tensor(shape: x.shape, storage: x.storage.map { input.value(input.level($0)) }), mode: .inference)
        let output = ActivationQuantization(low: 0, high: reference.storage.max()!, maximum: 127)
        var quantized = QuantizedSqueezeExcitation(float, input: input, output: output, kernel: kernel)
        var levels = x.storage.map { input.level($0) }
        levels.withUnsafeMutableBufferPointer { quantized.apply(images: images, pixels: height * width, levels: $0.baseAddress!) }
        for i in 0..<x.count {
            // The pooled mean is exact on the levels, so the gates agree to rounding; the result is one requantization.
            #expect(abs(output.value(levels[i]) - reference.storage[i]) <= output.scale * 0.5001 + 1e-5, "\(i)")
        }
        #expect(quantized.byteCount == 4 * (channels * 8 + 8 + 8 * channels + channels))
    }
}
