import Foundation
import SwiftNASCore
import SwiftNASEngine

/// Which sub-networks each training step trains (their gradients accumulate into one SGD step).
public enum TrainingSchedule: Sendable, Codable, Equatable {
    /// BigNAS's sandwich rule: the largest sub-network on the labels, then the smallest and
    /// `randomSubnets` random ones (on the largest's soft predictions when distilling).
    case sandwich
    /// OFA's progressive shrinking: four equal parts of the run train the largest network alone, then
    /// elastic kernel size, then kernel and depth, then everything (kernel, depth and expand ratio). After
    /// the first part each step trains the largest on the labels plus `randomSubnets` samples of the
    /// current part's space. Before the expand-ratio part the expanded channels are sorted by importance
    /// (`MiddleChannelOrder`), so the smaller ratios start from the channels that matter most.
    case progressiveShrinking
    /// One fixed architecture trained alone on the labels: the from-scratch baseline.
    case fixed(SubnetConfig)
}

/// Hyper-parameters of super-network training.
public struct SupernetTrainingOptions: Sendable, Codable, Equatable {
    /// Passes over the training split.
    public var epochs = 40
    /// Images per step.
    public var batchSize = 64
    /// Peak learning rate after warm-up.
    public var learningRate: Float = 0.05
    /// Warm-up length in epochs.
    public var warmupEpochs = 1
    /// SGD momentum.
    public var momentum: Float = 0.9
    /// Nesterov momentum.
    public var nesterov = true
    /// L2 weight decay on convolution and linear weights.
    public var weightDecay: Float = 3e-5
    /// Label smoothing of the loss on the labels.
    public var labelSmoothing: Float = 0.1
    /// Random sub-networks per step besides the largest (and the smallest, in the sandwich rule).
    public var randomSubnets = 2
    /// Whether the smaller sub-networks learn from the largest one's softmax (in-place distillation)
    /// instead of the labels.
    public var distillation = true
    /// Random-crop padding of the augmentation (0 disables cropping).
    public var cropPadding = 2
    /// Whether images are mirrored at random.
    public var horizontalFlip = true
    /// Seed of the weights, the data order, the augmentation and the sub-network sampling.
    public var seed: UInt64 = 0
    /// Which sub-networks each step trains.
    public var schedule = TrainingSchedule.sandwich

    /// The defaults above.
    public init() {}

    /// Steps in one epoch over `trainingImages` images (the last partial batch is dropped).
    public func stepsPerEpoch(trainingImages: Int) -> Int { trainingImages / batchSize }
    /// Steps in the whole run over `trainingImages` images.
    public func totalSteps(trainingImages: Int) -> Int { stepsPerEpoch(trainingImages: trainingImages) * epochs }

    enum CodingKeys: String, CodingKey {
        case epochs, batchSize, learningRate, warmupEpochs, momentum, nesterov, weightDecay, labelSmoothing, randomSubnets
        case distillation, cropPadding, horizontalFlip, seed, schedule
    }

    /// Reads options; keys a checkpoint predates (`schedule`) take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SupernetTrainingOptions()
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? d.epochs
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? d.batchSize
        learningRate = try c.decodeIfPresent(Float.self, forKey: .learningRate) ?? d.learningRate
        warmupEpochs = try c.decodeIfPresent(Int.self, forKey: .warmupEpochs) ?? d.warmupEpochs
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum) ?? d.momentum
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? d.nesterov
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? d.weightDecay
        labelSmoothing = try c.decodeIfPresent(Float.self, forKey: .labelSmoothing) ?? d.labelSmoothing
        randomSubnets = try c.decodeIfPresent(Int.self, forKey: .randomSubnets) ?? d.randomSubnets
        distillation = try c.decodeIfPresent(Bool.self, forKey: .distillation) ?? d.distillation
        cropPadding = try c.decodeIfPresent(Int.self, forKey: .cropPadding) ?? d.cropPadding
        horizontalFlip = try c.decodeIfPresent(Bool.self, forKey: .horizontalFlip) ?? d.horizontalFlip
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        schedule = try c.decodeIfPresent(TrainingSchedule.self, forKey: .schedule) ?? d.schedule
    }
}

/// Trains an `ElasticMobileNetV3` under a `TrainingSchedule` (by default BigNAS's sandwich rule with
/// in-place distillation), accumulating the step's sub-networks' gradients into one SGD step.
///
/// Everything random is derived from `(seed, epoch)` (data order) or `(seed, step)` (augmentation and
/// sampling), so a run resumed from a checkpoint continues exactly as an uninterrupted run would.
public struct SupernetTrainer: Sendable {
    /// The network being trained.
    public var network: ElasticMobileNetV3
    /// The optimiser and its momentum buffers.
    public var optimizer: SGD
    /// The hyper-parameters.
    public let options: SupernetTrainingOptions
    /// The training images (the search-validation split already held out).
    public let data: ImageDataset
    /// Steps taken so far.
    public private(set) var step = 0

    /// A fresh run on `data`.
    public init(plan: SupernetPlan = .fashionMBV3, data: ImageDataset, options: SupernetTrainingOptions) {
        precondition(data.count >= options.batchSize && options.batchSize > 0, "need at least one full batch")
        self.network = ElasticMobileNetV3(plan: plan, seed: options.seed)
        self.optimizer = SGD(momentum: options.momentum, nesterov: options.nesterov, weightDecay: options.weightDecay)
        self.options = options
        self.data = data
    }

    /// Steps in one epoch (the last partial batch is dropped).
    public var stepsPerEpoch: Int { options.stepsPerEpoch(trainingImages: data.count) }
    /// Steps in the whole run.
    public var totalSteps: Int { options.totalSteps(trainingImages: data.count) }
    /// The learning-rate schedule.
    public var schedule: CosineSchedule {
        CosineSchedule(baseLearningRate: options.learningRate, warmupSteps: min(totalSteps - 1, options.warmupEpochs * stepsPerEpoch),
                       totalSteps: totalSteps)
    }
    /// Whether every step has been taken.
    public var isFinished: Bool { step >= totalSteps }

    /// Mixes the seed with a counter into an independent stream.
    static func stream(_ seed: UInt64, _ salt: UInt64, _ counter: Int) -> SeededRandom {
        var r = SeededRandom(seed: seed ^ (salt &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(counter) &* 0xD1B5_4A32_D192_ED03)
        _ = r.next()
        return r
    }

    /// The image indices of step `step` (a seeded shuffle per epoch).
    func batchIndices(step: Int) -> [Int] {
        var random = Self.stream(options.seed, 1, step / stepsPerEpoch)
        var order = Array(0..<data.count)
        order.shuffle(using: &random)
        let start = (step % stepsPerEpoch) * options.batchSize
        return Array(order[start..<(start + options.batchSize)])
    }

    /// Which of progressive shrinking's four parts `step` is in (0: largest only, ..., 3: everything elastic).
    func shrinkingPart(at step: Int) -> Int {
        min(3, step * 4 / max(1, totalSteps))
    }

    /// Whether `step` is the first of progressive shrinking's expand-ratio part, before which the expanded
    /// channels are sorted by importance as OFA does.
    func sortsChannels(before step: Int) -> Bool {
        options.schedule == .progressiveShrinking && step > 0 && shrinkingPart(at: step) == 3 && shrinkingPart(at: step - 1) < 3
    }

    /// The sub-networks trained at `step`; the first is trained on the labels, the others (when distilling)
    /// on its soft predictions.
    func subnets(at step: Int, _ random: inout SeededRandom) -> [SubnetConfig] {
        let plan = network.plan
        let largest = SubnetConfig.largest(plan)
        switch options.schedule {
        case .sandwich:
            return [largest, .smallest(plan)] + (0..<options.randomSubnets).map { _ in SubnetConfig.random(plan, using: &random) }
        case .fixed(let config):
            return [config]
        case .progressiveShrinking:
            let part = shrinkingPart(at: step)
            guard part > 0 else { return [largest] }
            return [largest] + (0..<options.randomSubnets).map { _ in
                var sample = SubnetConfig.random(plan, using: &random)
                if part < 3 { sample.expandRatios = largest.expandRatios }
                if part < 2 { sample.depths = largest.depths }
                return sample
            }
        }
    }

    /// Takes one optimisation step and returns the largest sub-network's loss.
    @discardableResult
    public mutating func trainStep() -> Float {
        trainStepMeasured().loss
    }

    /// Takes one optimisation step and returns the largest sub-network's loss and its training-batch
    /// accuracy (on the augmented images, before the step).
    public mutating func trainStepMeasured() -> (loss: Float, accuracy: Double) {
        if sortsChannels(before: step) { network.sortMiddleChannels(optimizer: &optimizer) }
        var random = Self.stream(options.seed, 2, step)
        let augmentation = Augmentation(padding: options.cropPadding, horizontalFlip: options.horizontalFlip)
        let (images, labels) = data.batch(batchIndices(step: step), augmentation: augmentation, random: &random)
        let hard = SoftmaxCrossEntropy(labelSmoothing: options.labelSmoothing)
        network.zeroGradients()
        var teacher: Tensor?
        var largestLoss: Float = 0, largestAccuracy = 0.0
        for (i, config) in subnets(at: step, &random).enumerated() {
            let logits = network.forward(images, config: config, mode: .training)
            let (loss, gradient): (Float, Tensor)
            if i > 0, options.distillation, let soft = teacher {
                (loss, gradient) = SoftmaxCrossEntropy.lossAndGradient(logits: logits, targets: soft)
            } else {
                (loss, gradient) = hard.lossAndGradient(logits: logits, labels: labels)
            }
            if i == 0 {
                largestLoss = loss
                largestAccuracy = SoftmaxCrossEntropy.accuracy(logits: logits, labels: labels)
                teacher = SoftmaxCrossEntropy.softmax(logits)
            }
            _ = network.backward(gradient)
        }
        optimizer.step(&network, learningRate: schedule.learningRate(at: step))
        step += 1
        return (largestLoss, largestAccuracy)
    }

    // MARK: - Checkpoints

    /// Name prefix of the optimiser's momentum buffers in training checkpoints.
    public static let optimizerPrefix = "optimizer.velocity."

    /// The network, the optimiser's momentum buffers and the run position.
    public func checkpoint() -> Checkpoint {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let optionsJSON = String(decoding: (try? encoder.encode(options)) ?? Data(), as: UTF8.self)
        let velocity = optimizer.velocity.enumerated().map { NamedTensor(Self.optimizerPrefix + "\($0.offset)", Tensor(shape: [$0.element.count], storage: $0.element)) }
        return network.checkpoint(metadata: ["step": String(step), "options": optionsJSON, "trainingImages": String(data.count)],
                                  extraTensors: velocity)
    }

    /// Continues the run saved in `checkpoint`, which must have the same options (except possibly the
    /// number of epochs) and data size.
    public mutating func resume(from checkpoint: Checkpoint, source: String) throws {
        guard let stepText = checkpoint.metadata["step"], let saved = Int(stepText), saved >= 0 else {
            throw InputError(source: source, field: "step", "missing or not a step count")
        }
        guard let json = checkpoint.metadata["options"],
              let savedOptions = try? JSONDecoder().decode(SupernetTrainingOptions.self, from: Data(json.utf8)) else {
            throw InputError(source: source, field: "options", "missing or unreadable training options")
        }
        // The run length may change (extending or shortening the cosine schedule); nothing else may.
        var comparable = savedOptions
        comparable.epochs = options.epochs
        guard comparable == options else { throw InputError(source: source, field: "options", "the checkpoint was trained with different options") }
        guard checkpoint.metadata["trainingImages"] == String(data.count) else {
            throw InputError(source: source, field: "trainingImages", "the checkpoint was trained on \(checkpoint.metadata["trainingImages"] ?? "?") images, not \(data.count)")
        }
        var restored = network
        try restored.restore(from: checkpoint, ignoringPrefixes: [Self.optimizerPrefix], source: source)
        var buffers: [[Float]] = []
        while let t = checkpoint[Self.optimizerPrefix + "\(buffers.count)"] { buffers.append(t.storage) }
        var sizes: [Int] = []
        restored.visitParameters { sizes.append($0.value.count) }
        guard buffers.isEmpty || buffers.map(\.count) == sizes else {
            throw InputError(source: source, field: Self.optimizerPrefix, "momentum buffers do not match the network's parameters")
        }
        network = restored
        optimizer.velocity = buffers
        step = saved
    }

    // MARK: - Evaluation

    /// Test accuracy of sub-network `config`: it is extracted, its batch-norm statistics re-calibrated on
    /// `calibrationImages` training images (OFA uses 2 000, seeded choice), then evaluated on `test`.
    public func accuracy(of config: SubnetConfig, on test: ImageDataset, calibrationImages: Int = 2000) -> Double {
        var net = network.extract(config)
        var random = Self.stream(options.seed, 3, 0)
        var order = Array(0..<data.count)
        order.shuffle(using: &random)
        let calibration = data.subset(Array(order.prefix(min(calibrationImages, data.count))))
        return SubnetMeasurement.accuracy(of: &net, calibration: calibration, test: test)
    }
}
