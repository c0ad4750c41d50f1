import Foundation
import Testing
import SwiftNASCore
@testable import SwiftNASEngine

/// A layer whose backward is deliberately wrong, to prove the gradient checker can fail.
struct BrokenScale: Layer {
    var factor = TensorParameter(Tensor(shape: [1], repeating: 2), decays: false)
    var cached: Tensor?
    mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        cached = input
        var y = input
        for i in y.storage.indices { y.storage[i] *= factor.value.storage[0] }
        return y
    }
    mutating func backward(_ outputGradient: Tensor) -> Tensor {
        factor.gradient.storage[0] += 1  // wrong: should be Σ dy·x
        return outputGradient             // wrong: should be dy·factor
    }
    mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) { visit(&factor) }
}

/// Inputs kept at least `margin` away from every activation kink (0, ±3), so central differences are exact.
func awayFromKinks(shape: [Int], margin: Float, random: inout SeededRandom) -> Tensor {
    var t = Tensor.randomUniform(shape: shape, in: -5...5, using: &random)
    for i in t.storage.indices {
        for kink: Float in [-3, 0, 3] where abs(t.storage[i] - kink) < margin {
            t.storage[i] = kink + (t.storage[i] >= kink ? margin : -margin)
        }
    }
    return t
}

@Suite struct LayerTests {
    @Test func checkerCatchesAWrongBackward() {
        var random = SeededRandom(seed: 1)
        let x = Tensor.randomNormal(shape: [2, 3], using: &random)
        let bad = GradientCheck.mismatches(BrokenScale(), input: x)
        #expect(bad.contains { $0.what == "input" })
        #expect(bad.contains { $0.what == "parameter 0" })
    }

    @Test(arguments: ActivationKind.allCases)
    func activationGradients(_ kind: ActivationKind) {
        var random = SeededRandom(seed: 2)
        let x = awayFromKinks(shape: [2, 4, 4, 3], margin: 0.01, random: &random)
        let bad = GradientCheck.mismatches(Activation(kind), input: x, epsilon: 1e-3, samples: 96)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func activationValues() {
        #expect(ActivationKind.relu.apply(-2) == 0 && ActivationKind.relu.apply(1.5) == 1.5)
        #expect(ActivationKind.hardSwish.apply(-4) == 0 && ActivationKind.hardSwish.apply(4) == 4)
        #expect(abs(ActivationKind.hardSwish.apply(1) - 1 * 4 / 6) < 1e-6)
        #expect(ActivationKind.hardSigmoid.apply(-3.5) == 0 && ActivationKind.hardSigmoid.apply(3.5) == 1)
        #expect(ActivationKind.hardSigmoid.apply(0) == 0.5)
    }

    @Test func batchNormGradients() {
        var random = SeededRandom(seed: 3)
        // 11 channels: one full eight-lane group and a partial one.
        var layer = BatchNorm2D(channels: 11)
        layer.scale.value = Tensor.randomUniform(shape: [11], in: 0.5...1.5, using: &random)
        layer.shift.value = Tensor.randomNormal(shape: [11], using: &random)
        let x = Tensor.randomNormal(shape: [3, 3, 3, 11], standardDeviation: 2, using: &random)
        let bad = GradientCheck.mismatches(layer, input: x, epsilon: 1e-2, samples: 40)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func batchNormStatistics() {
        var random = SeededRandom(seed: 4)
        var layer = BatchNorm2D(channels: 2)
        var x = Tensor.randomNormal(shape: [4, 3, 3, 2], using: &random)
        for i in x.storage.indices { x.storage[i] = x.storage[i] * 3 + 5 }
        let y = layer.forward(x, mode: .training)
        // Training output: zero mean, unit (biased) variance per channel.
        for c in 0..<2 {
            var values: [Float] = []
            for n in 0..<4 { for h in 0..<3 { for w in 0..<3 { values.append(y[n, h, w, c]) } } }
            let mean = values.reduce(0, +) / Float(values.count)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)
            #expect(abs(mean) < 1e-4)
            #expect(abs(variance - 1) < 1e-3)
        }
        // Running statistics moved 10 % of the way from (0, 1).
        var mean0: Float = 0
        for n in 0..<4 { for h in 0..<3 { for w in 0..<3 { mean0 += x[n, h, w, 0] } } }
        mean0 /= 36
        #expect(abs(layer.runningMean[0] - 0.1 * mean0) < 1e-4)

        // Inference uses the running statistics.
        layer.runningMean = [1, 2]
        layer.runningVariance = [4, 9]
        let z = layer.forward(x, mode: .inference)
        #expect(abs(z[0, 0, 0, 1] - (x[0, 0, 0, 1] - 2) / (9 + layer.epsilon).squareRoot()) < 1e-5)

        // Re-calibration: the running statistics become the plain average over the batches seen.
        layer.resetRunningStatistics()
        let a = Tensor(shape: [1, 1, 2, 2], storage: [1, 10, 3, 10])
        let b = Tensor(shape: [1, 1, 2, 2], storage: [5, 0, 7, 4])
        _ = layer.forward(a, mode: .recalibration)
        _ = layer.forward(b, mode: .recalibration)
        #expect(layer.recalibrationBatches == 2)
        #expect(layer.runningMean == [4, 6])        // (2 + 6)/2, (10 + 2)/2
        #expect(layer.runningVariance == [1, 2])    // (1 + 1)/2, (0 + 4)/2
    }

    @Test(arguments: ActivationKind.allCases)
    func batchNormFusedWithActivationEqualsBoth(kind: ActivationKind) {
        var random = SeededRandom(seed: 5)
        var separate = BatchNorm2D(channels: 11)
        separate.scale.value = Tensor.randomUniform(shape: [11], in: 0.5...1.5, using: &random)
        separate.shift.value = Tensor.randomNormal(shape: [11], using: &random)
        separate.runningMean = (0..<11).map { Float($0) / 10 }
        var fused = separate
        var activation = Activation(kind), fusedActivation = Activation(kind)
        let x = Tensor.randomNormal(shape: [2, 4, 4, 11], standardDeviation: 4, using: &random)
        for mode in [ForwardMode.training, .recalibration, .inference] {
            let expected = activation.forward(separate.forward(x, mode: mode), mode: mode)
            let y = fused.forward(x, mode: mode, then: &fusedActivation)
            #expect(zip(y.storage, expected.storage).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }, "\(mode)")
            #expect(fused.runningMean == separate.runningMean && fused.runningVariance == separate.runningVariance)
        }
    }

    @Test func globalAveragePoolAndFlatten() {
        var random = SeededRandom(seed: 5)
        let x = Tensor.randomNormal(shape: [2, 2, 5, 11], using: &random)
        var pool = GlobalAveragePool()
        let y = pool.forward(x, mode: .training)
        #expect(y.shape == [2, 11])
        #expect(abs(y[1, 9] - (0..<2).flatMap { h in (0..<5).map { w in x[1, h, w, 9] } }.reduce(0, +) / 10) < 1e-5)
        let bad = GradientCheck.mismatches(GlobalAveragePool(), input: x)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
        let flatBad = GradientCheck.mismatches(Flatten(), input: x)
        #expect(flatBad.isEmpty)
    }

    @Test func linearGradients() {
        var random = SeededRandom(seed: 6)
        var layer = Linear(inFeatures: 7, outFeatures: 5, random: &random)
        layer.bias.value = Tensor.randomNormal(shape: [5], using: &random)
        let x = Tensor.randomNormal(shape: [3, 7], using: &random)
        let y = layer.forward(x, mode: .inference)
        var expected: Float = layer.bias.value[2]
        for i in 0..<7 { expected += x[1, i] * layer.weight.value[2, i] }
        #expect(abs(y[1, 2] - expected) < 1e-5)
        let bad = GradientCheck.mismatches(layer, input: x)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func squeezeExcitationGradients() {
        var random = SeededRandom(seed: 7)
        var layer = SqueezeExcitation(channels: 4, reducedChannels: 2, random: &random)
        layer.reduce.bias.value = Tensor(shape: [2], storage: [0.3, -0.2])
        let x = Tensor.randomNormal(shape: [2, 3, 3, 4], using: &random)
        let bad = GradientCheck.mismatches(layer, input: x, epsilon: 1e-3, samples: 40)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }

    @Test func sequentialComposesGradients() {
        var random = SeededRandom(seed: 8)
        let net = Sequential([
            Conv2D(ConvGeometry(inChannels: 2, outChannels: 3, kernel: 3, stride: 2), random: &random),
            BatchNorm2D(channels: 3),
            DepthwiseConv2D(channels: 3, kernel: 3, random: &random),
            GlobalAveragePool(),
            Linear(inFeatures: 3, outFeatures: 4, random: &random),
        ])
        let x = Tensor.randomNormal(shape: [3, 5, 5, 2], using: &random)
        let bad = GradientCheck.mismatches(net, input: x, samples: 12)
        #expect(bad.isEmpty, "\(bad.prefix(5))")
    }
}

@Suite struct LossTests {
    @Test func uniformLogitsGiveLogK() {
        for smoothing: Float in [0, 0.1] {
            let loss = SoftmaxCrossEntropy(labelSmoothing: smoothing)
            let (value, _) = loss.lossAndGradient(logits: Tensor(shape: [2, 10]), labels: [3, 7])
            #expect(abs(value - Float(log(10.0))) < 1e-5)
        }
    }

    @Test(arguments: [Float(0), 0.1])
    func gradientMatchesFiniteDifferences(_ smoothing: Float) {
        var random = SeededRandom(seed: 9)
        let logits = Tensor.randomNormal(shape: [3, 5], standardDeviation: 2, using: &random)
        let labels = [0, 4, 2]
        let loss = SoftmaxCrossEntropy(labelSmoothing: smoothing)
        let (_, gradient) = loss.lossAndGradient(logits: logits, labels: labels)
        for i in logits.storage.indices {
            var plus = logits, minus = logits
            plus.storage[i] += 1e-2
            minus.storage[i] -= 1e-2
            let numeric = (loss.lossAndGradient(logits: plus, labels: labels).loss
                - loss.lossAndGradient(logits: minus, labels: labels).loss) / 2e-2
            #expect(abs(numeric - gradient.storage[i]) < 2e-3)
        }
        // Each row of the gradient sums to zero.
        for r in 0..<3 { #expect(abs((0..<5).map { gradient[r, $0] }.reduce(0, +)) < 1e-6) }
    }

    @Test func smoothingTargetsAndAccuracy() {
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        let t = loss.targets(labels: [1], classes: 4)
        #expect(abs(t[0, 1] - 0.925) < 1e-6 && abs(t[0, 0] - 0.025) < 1e-6)
        let logits = Tensor(shape: [2, 3], storage: [0, 5, 1, 2, 0, 1])
        #expect(SoftmaxCrossEntropy.accuracy(logits: logits, labels: [1, 2]) == 0.5)
        let p = SoftmaxCrossEntropy.softmax(Tensor(shape: [1, 2], storage: [1000, 1000]))
        #expect(p.storage == [0.5, 0.5])
    }
}
