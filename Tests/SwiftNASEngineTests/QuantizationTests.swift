import SwiftNASCore
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
    @Test func matchesTheIntegerDefinitionAndTheFloatConvolution() {
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
            let layer = QuantizedDepthwise(weight: weight, stride: stride, input: input)
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
}
