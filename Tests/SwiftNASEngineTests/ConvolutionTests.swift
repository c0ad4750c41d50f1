import Testing
import SwiftNASCore
@testable import SwiftNASEngine

/// A direct 7-loop convolution over NHWC batches with Double accumulation (groups = 1 or depthwise).
func referenceConvolution(_ x: Tensor, weight: Tensor, geometry g: ConvGeometry, depthwise: Bool) -> Tensor {
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (ho, wo) = (g.outputSize(h), g.outputSize(w))
    var y = Tensor(shape: [n, ho, wo, g.outChannels])
    for i in 0..<n {
        for o in 0..<g.outChannels {
            for oy in 0..<ho {
                for ox in 0..<wo {
                    var sum = 0.0
                    for ci in (depthwise ? o..<(o + 1) : 0..<c) {
                        for ky in 0..<g.kernel {
                            for kx in 0..<g.kernel {
                                let iy = oy * g.stride - g.padding + ky, ix = ox * g.stride - g.padding + kx
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                let wv = depthwise ? weight[o, 0, ky, kx] : weight[o, ci, ky, kx]
                                sum += Double(x[i, iy, ix, ci]) * Double(wv)
                            }
                        }
                    }
                    y[i, oy, ox, o] = Float(sum)
                }
            }
        }
    }
    return y
}

@Suite struct ConvolutionTests {
    // (inChannels, outChannels, kernel, stride, padding, size)
    static let regularCases = [(3, 4, 3, 1, 1, 5), (9, 17, 1, 1, 0, 3), (2, 3, 3, 2, 1, 6), (2, 3, 5, 2, 2, 7), (5, 3, 1, 1, 0, 4), (3, 2, 1, 2, 0, 5), (2, 2, 3, 1, 0, 6)]

    @Test(arguments: regularCases)
    func regularForwardMatchesReference(_ c: (Int, Int, Int, Int, Int, Int)) {
        var random = SeededRandom(seed: 11)
        let g = ConvGeometry(inChannels: c.0, outChannels: c.1, kernel: c.2, stride: c.3, padding: c.4)
        var layer = Conv2D(g, random: &random)
        let x = Tensor.randomNormal(shape: [3, c.5, c.5, c.0], using: &random)
        let expected = referenceConvolution(x, weight: layer.weight.value, geometry: g, depthwise: false)
        for threads in [1, 2] {
            layer.threads = threads
            let y = layer.forward(x, mode: .inference)
            #expect(y.shape == expected.shape)
            #expect(y.maxAbsDifference(expected) < 1e-4)
        }
    }

    @Test(arguments: regularCases)
    func regularGradients(_ c: (Int, Int, Int, Int, Int, Int)) {
        var random = SeededRandom(seed: 12)
        let g = ConvGeometry(inChannels: c.0, outChannels: c.1, kernel: c.2, stride: c.3, padding: c.4)
        let layer = Conv2D(g, random: &random)
        let x = Tensor.randomNormal(shape: [2, c.5, c.5, c.0], using: &random)
        let bad = GradientCheck.mismatches(layer, input: x)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    // (channels, kernel, stride, size)
    static let depthwiseCases = [(3, 3, 1, 5), (2, 3, 2, 8), (2, 5, 2, 7), (2, 7, 1, 9), (3, 3, 1, 11), (1, 5, 1, 4), (1, 3, 1, 35), (1, 7, 2, 20), (1, 5, 2, 45), (11, 3, 1, 6), (16, 5, 2, 7), (19, 7, 1, 5)]

    @Test(arguments: depthwiseCases)
    func depthwiseForwardMatchesReference(_ c: (Int, Int, Int, Int)) {
        var random = SeededRandom(seed: 13)
        var layer = DepthwiseConv2D(channels: c.0, kernel: c.1, stride: c.2, random: &random)
        let x = Tensor.randomNormal(shape: [3, c.3, c.3, c.0], using: &random)
        let expected = referenceConvolution(x, weight: layer.weight.value, geometry: layer.geometry, depthwise: true)
        for threads in [1, 2] {
            layer.threads = threads
            let y = layer.forward(x, mode: .inference)
            #expect(y.shape == expected.shape)
            #expect(y.maxAbsDifference(expected) < 1e-4)
        }
    }

    @Test(arguments: depthwiseCases)
    func depthwiseGradients(_ c: (Int, Int, Int, Int)) {
        var random = SeededRandom(seed: 14)
        let layer = DepthwiseConv2D(channels: c.0, kernel: c.1, stride: c.2, random: &random)
        let x = Tensor.randomNormal(shape: [2, c.3, c.3, c.0], using: &random)
        let bad = GradientCheck.mismatches(layer, input: x)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func gradientsAccumulateAcrossBackwardPasses() {
        var random = SeededRandom(seed: 15)
        var layer = Conv2D(ConvGeometry(inChannels: 2, outChannels: 2, kernel: 3), random: &random)
        let x = Tensor.randomNormal(shape: [1, 4, 4, 2], using: &random)
        let r = Tensor.randomNormal(shape: [1, 4, 4, 2], using: &random)
        _ = layer.forward(x, mode: .training)
        _ = layer.backward(r)
        let once = layer.weight.gradient
        _ = layer.forward(x, mode: .training)
        _ = layer.backward(r)
        #expect(layer.weight.gradient.maxAbsDifference(once + once) < 1e-5)
        layer.zeroGradients()
        #expect(layer.weight.gradient.storage.allSatisfy { $0 == 0 })
    }
}

@Suite struct DepthwiseBackwardTests {
    /// The adjoint of the direct depthwise convolution, every element (not sampled).
    @Test(arguments: ConvolutionTests.depthwiseCases + [(2, 3, 2, 9), (1, 7, 2, 33), (2, 5, 1, 40)])
    func fullGradientsMatchDirectAdjoint(_ c: (Int, Int, Int, Int)) {
        var random = SeededRandom(seed: 21)
        var layer = DepthwiseConv2D(channels: c.0, kernel: c.1, stride: c.2, random: &random)
        let g = layer.geometry
        let x = Tensor.randomNormal(shape: [2, c.3, c.3, c.0], using: &random)
        let (ho, wo) = (g.outputSize(c.3), g.outputSize(c.3))
        let dy = Tensor.randomNormal(shape: [2, ho, wo, c.0], using: &random)
        _ = layer.forward(x, mode: .training)
        let dx = layer.backward(dy)
        var expectedDx = Tensor(shape: x.shape), expectedDw = Tensor(shape: layer.weight.value.shape)
        for n in 0..<2 {
            for ch in 0..<c.0 {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        for ky in 0..<g.kernel {
                            for kx in 0..<g.kernel {
                                let iy = oy * g.stride - g.padding + ky, ix = ox * g.stride - g.padding + kx
                                guard iy >= 0, iy < c.3, ix >= 0, ix < c.3 else { continue }
                                expectedDx[n, iy, ix, ch] += layer.weight.value[ch, 0, ky, kx] * dy[n, oy, ox, ch]
                                expectedDw[ch, 0, ky, kx] += x[n, iy, ix, ch] * dy[n, oy, ox, ch]
                            }
                        }
                    }
                }
            }
        }
        #expect(dx.maxAbsDifference(expectedDx) < 1e-4)
        #expect(layer.weight.gradient.maxAbsDifference(expectedDw) < 1e-3)
    }
}
