import SwiftNASCore
import SwiftNASEngine

/// The fixed architecture of an elastic MobileNetV3 super-network: widths, strides, where SE and h-swish
/// go, and the elastic choices. `fashionMBV3` is the plan in docs/supernet.md; tests use smaller plans.
public struct SupernetPlan: Sendable, Hashable {
    /// Channels of the input images.
    public var inputChannels = 1
    /// Output channels of the 3 × 3 stem (stride 1, h-swish) and of the fixed first block.
    public var stemChannels = 16
    /// Output channels of each stage.
    public var stageWidths = [24, 32, 48, 64, 96]
    /// Stride of each stage's first block.
    public var stageStrides = [2, 1, 2, 1, 2]
    /// Activation inside each stage's blocks.
    public var stageActivations: [ActivationKind] = [.relu, .relu, .hardSwish, .hardSwish, .hardSwish]
    /// Whether each stage's blocks have squeeze-and-excitation.
    public var stageSqueezeExcitation = [false, true, false, true, true]
    /// Channels of the final 1 × 1 expansion before pooling.
    public var finalExpandChannels = 576
    /// Width of the bias-free feature-mix linear layer after pooling.
    public var featureMixChannels = 1024
    /// Output classes.
    public var classes = 10
    /// Elastic depthwise kernel sizes (`ks`); the largest is the stored kernel.
    public var kernelSizes = [3, 5, 7]
    /// Elastic expand ratios (`e`).
    public var expandRatios = [3, 4, 6]
    /// Elastic stage depths (`d`); the largest is the number of block slots per stage.
    public var depths = [2, 3, 4]

    /// The 28 × 28 Fashion-MNIST plan of docs/supernet.md.
    public static let fashionMBV3 = SupernetPlan()

    /// A plan with the default elastic choices and the given architecture.
    public init(inputChannels: Int = 1, stemChannels: Int = 16, stageWidths: [Int] = [24, 32, 48, 64, 96],
                stageStrides: [Int] = [2, 1, 2, 1, 2],
                stageActivations: [ActivationKind] = [.relu, .relu, .hardSwish, .hardSwish, .hardSwish],
                stageSqueezeExcitation: [Bool] = [false, true, false, true, true],
                finalExpandChannels: Int = 576, featureMixChannels: Int = 1024, classes: Int = 10) {
        precondition(stageWidths.count == stageStrides.count && stageWidths.count == stageActivations.count
                     && stageWidths.count == stageSqueezeExcitation.count, "per-stage lists differ in length")
        self.inputChannels = inputChannels
        self.stemChannels = stemChannels
        self.stageWidths = stageWidths
        self.stageStrides = stageStrides
        self.stageActivations = stageActivations
        self.stageSqueezeExcitation = stageSqueezeExcitation
        self.finalExpandChannels = finalExpandChannels
        self.featureMixChannels = featureMixChannels
        self.classes = classes
    }

    /// The number of stages.
    public var stages: Int { stageWidths.count }
    /// Block slots per stage (the largest depth).
    public var maxDepth: Int { depths.max() ?? 0 }
    /// Block slots in all (the length of `ks` and `e`).
    public var blockSlots: Int { stages * maxDepth }
    /// The stored depthwise kernel size.
    public var maxKernel: Int { kernelSizes.max() ?? 0 }

    /// OFA's `make_divisible(v, 8)`: the nearest multiple of 8, at least 8, and never more than 10 % below `v`.
    public static func makeDivisible(_ value: Double, divisor: Int = 8) -> Int {
        var rounded = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
        if Double(rounded) < 0.9 * value { rounded += divisor }
        return rounded
    }

    /// Channels after the expansion of a block with `inChannels` inputs and ratio `expandRatio`.
    public static func middleChannels(inChannels: Int, expandRatio: Int) -> Int {
        makeDivisible(Double(inChannels * expandRatio))
    }

    /// Bottleneck channels of squeeze-and-excitation over `channels` (OFA: `make_divisible(C // 4, 8)`).
    public static func squeezeChannels(_ channels: Int) -> Int {
        makeDivisible(Double(channels / 4))
    }

    /// What is fixed about one block slot.
    public struct Slot: Sendable, Hashable {
        /// The stage (0-based).
        public var stage: Int
        /// The position inside the stage (0-based).
        public var position: Int
        /// Input channels.
        public var inChannels: Int
        /// Output channels.
        public var outChannels: Int
        /// Depthwise stride.
        public var stride: Int
        /// The activation after expansion and after the depthwise convolution.
        public var activation: ActivationKind
        /// Whether the block has squeeze-and-excitation.
        public var squeezeExcitation: Bool
        /// Whether the block adds its input to its output.
        public var residual: Bool { stride == 1 && inChannels == outChannels }
    }

    /// Every block slot, stage-major (the order of `ks` and `e`).
    public var slots: [Slot] {
        var result: [Slot] = []
        var channels = stemChannels
        for stage in 0..<stages {
            for position in 0..<maxDepth {
                result.append(Slot(stage: stage, position: position, inChannels: channels, outChannels: stageWidths[stage],
                                   stride: position == 0 ? stageStrides[stage] : 1, activation: stageActivations[stage],
                                   squeezeExcitation: stageSqueezeExcitation[stage]))
                channels = stageWidths[stage]
            }
        }
        return result
    }
}

/// One sub-network of the super-network: the `ks`, `e` and `d` genes of the `fashion_mbv3` search space.
public struct SubnetConfig: Sendable, Hashable, Codable {
    /// Depthwise kernel size of each block slot (`ks`).
    public var kernelSizes: [Int]
    /// Expand ratio of each block slot (`e`).
    public var expandRatios: [Int]
    /// Active blocks of each stage (`d`).
    public var depths: [Int]

    /// A configuration from explicit gene lists (check it with `validated(for:source:)`).
    public init(kernelSizes: [Int], expandRatios: [Int], depths: [Int]) {
        self.kernelSizes = kernelSizes
        self.expandRatios = expandRatios
        self.depths = depths
    }

    /// Every choice at its maximum.
    public static func largest(_ plan: SupernetPlan) -> SubnetConfig {
        SubnetConfig(kernelSizes: Array(repeating: plan.kernelSizes.max()!, count: plan.blockSlots),
                     expandRatios: Array(repeating: plan.expandRatios.max()!, count: plan.blockSlots),
                     depths: Array(repeating: plan.depths.max()!, count: plan.stages))
    }

    /// Every choice at its minimum.
    public static func smallest(_ plan: SupernetPlan) -> SubnetConfig {
        SubnetConfig(kernelSizes: Array(repeating: plan.kernelSizes.min()!, count: plan.blockSlots),
                     expandRatios: Array(repeating: plan.expandRatios.min()!, count: plan.blockSlots),
                     depths: Array(repeating: plan.depths.min()!, count: plan.stages))
    }

    /// A configuration with every gene drawn uniformly from its values.
    public static func random(_ plan: SupernetPlan, using random: inout SeededRandom) -> SubnetConfig {
        SubnetConfig(kernelSizes: (0..<plan.blockSlots).map { _ in plan.kernelSizes[random.nextIndex(plan.kernelSizes.count)] },
                     expandRatios: (0..<plan.blockSlots).map { _ in plan.expandRatios[random.nextIndex(plan.expandRatios.count)] },
                     depths: (0..<plan.stages).map { _ in plan.depths[random.nextIndex(plan.depths.count)] })
    }

    /// This configuration if every gene count and value fits `plan`; otherwise an `InputError` naming the gene.
    public func validated(for plan: SupernetPlan, source: String) throws -> SubnetConfig {
        func check(_ name: String, _ genes: [Int], count: Int, allowed: [Int]) throws {
            guard genes.count == count else { throw InputError(source: source, field: name, "expected \(count) values, got \(genes.count)") }
            for (i, g) in genes.enumerated() where !allowed.contains(g) {
                throw InputError(source: source, field: "\(name)[\(i)]", "\(g) is not one of \(allowed)")
            }
        }
        try check("ks", kernelSizes, count: plan.blockSlots, allowed: plan.kernelSizes)
        try check("e", expandRatios, count: plan.blockSlots, allowed: plan.expandRatios)
        try check("d", depths, count: plan.stages, allowed: plan.depths)
        return self
    }

    /// Whether block slot `index` of `plan` runs in this configuration.
    public func isActive(slot index: Int, plan: SupernetPlan) -> Bool {
        index % plan.maxDepth < depths[index / plan.maxDepth]
    }

    /// The same network with genes of inactive slots set to their maxima, so equal networks compare equal.
    public func canonical(for plan: SupernetPlan) -> SubnetConfig {
        var c = self
        for i in 0..<plan.blockSlots where !isActive(slot: i, plan: plan) {
            c.kernelSizes[i] = plan.kernelSizes.max()!
            c.expandRatios[i] = plan.expandRatios.max()!
        }
        return c
    }
}
