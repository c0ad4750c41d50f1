import Testing
import SwiftNASCore
@testable import SwiftNASEngine

/// Four classes of 8×8 images: horizontal bars, vertical bars, a bright centre, bright corners, plus noise.
func toyImages(count: Int, random: inout SeededRandom) -> ImageDataset {
    var pixels: [Float] = [], labels: [Int] = []
    for i in 0..<count {
        let label = i % 4
        for y in 0..<8 {
            for x in 0..<8 {
                let signal: Bool
                switch label {
                case 0: signal = y % 4 < 2
                case 1: signal = x % 4 < 2
                case 2: signal = (2..<6).contains(x) && (2..<6).contains(y)
                default: signal = (x < 2 || x > 5) && (y < 2 || y > 5)
                }
                pixels.append(min(1, max(0, (signal ? 0.8 : 0.2) + Float(random.nextGaussian()) * 0.15)))
            }
        }
        labels.append(label)
    }
    return ImageDataset(height: 8, width: 8, pixels: pixels, labels: labels, classes: 4)
}

@Suite struct TrainingTests {
    @Test func tinyCNNLearnsToyImages() {
        var random = SeededRandom(seed: 2024)
        let train = toyImages(count: 128, random: &random), test = toyImages(count: 64, random: &random)
        var model = Sequential([
            Conv2D(ConvGeometry(inChannels: 1, outChannels: 8, kernel: 3), random: &random),
            BatchNorm2D(channels: 8),
            Activation(.relu),
            DepthwiseConv2D(channels: 8, kernel: 3, stride: 2, random: &random),
            BatchNorm2D(channels: 8),
            Activation(.hardSwish),
            Conv2D(ConvGeometry(inChannels: 8, outChannels: 16, kernel: 1), random: &random),
            BatchNorm2D(channels: 16),
            Activation(.relu),
            GlobalAveragePool(),
            Linear(inFeatures: 16, outFeatures: 4, random: &random),
        ])
        let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)
        var sgd = SGD(momentum: 0.9, nesterov: true, weightDecay: 1e-4)
        let steps = 60, batchSize = 16
        let schedule = CosineSchedule(baseLearningRate: 0.2, warmupSteps: 5, totalSteps: steps)
        var losses: [Float] = []
        var order = Array(0..<train.count)
        for step in 0..<steps {
            if step % (train.count / batchSize) == 0 { order.shuffle(using: &random) }
            let start = (step * batchSize) % train.count
            let (x, labels) = train.batch(Array(order[start..<(start + batchSize)]), random: &random)
            model.zeroGradients()
            let logits = model.forward(x, mode: .training)
            let (value, gradient) = loss.lossAndGradient(logits: logits, labels: labels)
            _ = model.backward(gradient)
            sgd.step(&model, learningRate: schedule.learningRate(at: step))
            losses.append(value)
        }
        let early = losses.prefix(5).reduce(0, +) / 5, late = losses.suffix(5).reduce(0, +) / 5
        #expect(late < early * 0.6, "loss \(early) → \(late)")
        let (x, labels) = test.batch(Array(0..<test.count), random: &random)
        let accuracy = SoftmaxCrossEntropy.accuracy(logits: model.forward(x, mode: .inference), labels: labels)
        #expect(accuracy > 0.6, "test accuracy \(accuracy) (chance 0.25)")
    }
}
