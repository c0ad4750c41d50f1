import SwiftNASCore
import SwiftNASEngine
import Testing
@testable import SwiftNASSupernet

@Suite struct MixedPrecisionTests {
    /// The smallest `fashion_mbv3` sub-network with random weights, its batch norms re-calibrated on random images so
    /// that activations have realistic ranges.
    static func network(_ config: (SupernetPlan) -> SubnetConfig = { .smallest($0) }) -> (MobileNetV3, Tensor, Tensor) {
        var network = ElasticMobileNetV3(plan: .fashionMBV3, seed: 1).extract(config(.fashionMBV3))
        var random = SeededRandom(seed: 2)
        let calibration = Tensor.randomNormal(shape: [32, 28, 28, 1], using: &random)
        let test = Tensor.randomNormal(shape: [16, 28, 28, 1], using: &random)
        network.resetRunningStatistics()
        _ = network.forward(calibration, mode: .recalibration)
        return (network, calibration, test)
    }

    @Test func foldingBatchNormIntoAPointwiseConvolutionChangesNothing() {
        var random = SeededRandom(seed: 3)
        var conv = Conv2D(ConvGeometry(inChannels: 6, outChannels: 5, kernel: 1), random: &random)
        var norm = BatchNorm2D(channels: 5)
        norm.runningMean = [0.5, -1, 2, 0, 0.1]
        norm.runningVariance = [1, 4, 0.25, 2, 9]
        norm.scale.value = Tensor(shape: [5], storage: [1, 2, -1, 0.5, 3])
        norm.shift.value = Tensor(shape: [5], storage: [0, 1, -2, 0.3, 0])
        let x = Tensor.randomNormal(shape: [2, 3, 3, 6], using: &random)
        let expected = norm.forward(conv.forward(x, mode: .inference), mode: .inference)
        let (weight, bias) = QuantizedMBConvBlock.folded(conv.weight.value, norm)
        var linear = Linear(weight: weight.reshaped([5, 6]), bias: bias)
        let y = linear.forward(x.reshaped([18, 6]), mode: .inference)
        for i in 0..<expected.count { #expect(abs(y.storage[i] - expected.storage[i]) <= 1e-5 * max(1, abs(expected.storage[i]))) }
    }

    @Test func allFP32IsTheNetworkItself() throws {
        var (network, calibration, test) = Self.network()
        var mixed = try MixedPrecisionMobileNetV3(network, precisions: Array(repeating: .fp32, count: network.blocks.count),
                                                  calibration: calibration)
        #expect(mixed.forward(test).storage == network.forward(test, mode: .inference).storage)
        var parameters = 0
        network.visitParameters { parameters += $0.value.count }
        #expect(mixed.weightBytes == 4 * parameters)
    }

    @Test(arguments: [RangeObserver.Method.minMax, .percentile(99.99)], Int8Gemm.Kernel.allCases.filter(\.isAvailable))
    func int8BlocksStayCloseToFP32AndShrinkTheModel(method: RangeObserver.Method, kernel: Int8Gemm.Kernel) throws {
        var (network, calibration, test) = Self.network()
        let reference = network.forward(test, mode: .inference)
        let count = network.blocks.count
        var mixed = try MixedPrecisionMobileNetV3(network, precisions: Array(repeating: .int8, count: count),
                                                  calibration: calibration, method: method, kernel: kernel)
        let logits = mixed.forward(test)
        // Cosine similarity of each image's class scores with the float network's (random weights through every
        // block in int8: a harsh case; a trained network's scores are far more separated).
        let classes = reference.shape[1]
        let cosines = (0..<test.shape[0]).map { image -> Float in
            let a = Array(reference.storage[(image * classes)..<((image + 1) * classes)])
            let b = Array(logits.storage[(image * classes)..<((image + 1) * classes)])
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (a.reduce(0) { $0 + $1 * $1 } * b.reduce(0) { $0 + $1 * $1 }).squareRoot()
        }
        // AVX2 without VNNI quantizes activations to 7 bits (see Int8Gemm.Kernel.avx2): coarser, measured here at a mean
        // of 0.945 (min/max calibration) against 0.98 with 8 bits.
        let (worst, mean): (Float, Float) = kernel.activationMaximum == 255 ? (0.9, 0.97) : (0.75, 0.93)
        #expect(cosines.min()! > worst, "\(cosines)")
        #expect(cosines.reduce(0, +) / Float(cosines.count) > mean, "\(cosines)")
        var parameters = 0
        network.visitParameters { parameters += $0.value.count }
        #expect(mixed.weightBytes < 4 * parameters)
        // Some blocks int8, some fp32: the model is in between.
        var half = try MixedPrecisionMobileNetV3(network, precisions: (0..<count).map { $0 % 2 == 0 ? .int8 : .fp32 },
                                                 calibration: calibration, method: method, kernel: kernel)
        #expect(half.weightBytes > mixed.weightBytes && half.weightBytes < 4 * parameters)
        #expect(half.forward(test).shape == reference.shape)
    }

    @Test func anInt8HeadShrinksTheModelAndKeepsTheScores() throws {
        var (network, calibration, test) = Self.network()
        let reference = network.forward(test, mode: .inference)
        let count = network.blocks.count
        let blocksOnly = try MixedPrecisionMobileNetV3(network, precisions: Array(repeating: .int8, count: count), calibration: calibration)
        let whole = try MixedPrecisionMobileNetV3(network, precisions: Array(repeating: .int8, count: count), head: .int8,
                                                  calibration: calibration)
        let headOnly = try MixedPrecisionMobileNetV3(network, precisions: Array(repeating: .fp32, count: count), head: .int8,
                                                     calibration: calibration)
        // The feature mix (576 × 1024 floats) is most of the smallest network: int8 takes about a quarter of it.
        #expect(whole.weightBytes < blocksOnly.weightBytes / 2)
        var parameters = 0
        network.visitParameters { parameters += $0.value.count }
        #expect(headOnly.weightBytes < 4 * parameters)
        for var model in [blocksOnly, whole, headOnly] {
            let scores = model.forward(test)
            #expect(scores.shape == reference.shape)
            var dot: Float = 0, a2: Float = 0, b2: Float = 0
            for i in 0..<scores.count {
                dot += scores.storage[i] * reference.storage[i]
                a2 += scores.storage[i] * scores.storage[i]
                b2 += reference.storage[i] * reference.storage[i]
            }
            #expect(dot / (a2 * b2).squareRoot() > 0.9)
        }
    }

    @Test func aPrecisionListOfTheWrongLengthIsAnInputError() {
        let (network, calibration, _) = Self.network()
        #expect(throws: InputError.self) {
            _ = try MixedPrecisionMobileNetV3(network, precisions: [.int8], calibration: calibration)
        }
    }
}
