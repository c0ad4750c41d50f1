import Foundation

/// Stochastic gradient descent with momentum, optional Nesterov momentum and decoupled-from-nothing
/// (PyTorch-style, L2) weight decay on the parameters whose `decays` flag is set.
///
/// One step, per parameter p with gradient g: `d = g + λ·p` (if p decays), `v = μ·v + d`,
/// `p −= lr · (nesterov ? d + μ·v : v)`. Momentum buffers follow the layer's `visitParameters` order.
public struct SGD: Sendable {
    /// Momentum μ.
    public var momentum: Float
    /// Whether to use Nesterov momentum.
    public var nesterov: Bool
    /// L2 weight decay λ for parameters with `decays == true`.
    public var weightDecay: Float
    /// One velocity buffer per parameter, in visiting order (empty until the first step).
    public var velocity: [[Float]] = []

    /// An optimiser; OFA trains MobileNetV3 with μ = 0.9, Nesterov, λ = 3e-5.
    public init(momentum: Float = 0.9, nesterov: Bool = true, weightDecay: Float = 3e-5) {
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// Updates every parameter of `model` from its accumulated gradient with `learningRate`.
    /// (Gradients are left as they are; zero them before the next accumulation.)
    public mutating func step<Model: ParameterContainer>(_ model: inout Model, learningRate: Float) {
        var index = 0
        var buffers = velocity
        let (mu, nesterov, lambda) = (momentum, nesterov, weightDecay)
        model.visitParameters { p in
            if index == buffers.count { buffers.append([Float](repeating: 0, count: p.value.count)) }
            precondition(buffers[index].count == p.value.count, "parameter \(index) changed size between steps")
            let decay = p.decays ? lambda : 0
            p.value.storage.withUnsafeMutableBufferPointer { w in
                p.gradient.storage.withUnsafeBufferPointer { g in
                    buffers[index].withUnsafeMutableBufferPointer { v in
                        for i in 0..<w.count {
                            let d = g[i] + decay * w[i]
                            let velocity = mu * v[i] + d
                            v[i] = velocity
                            w[i] -= learningRate * (nesterov ? d + mu * velocity : velocity)
                        }
                    }
                }
            }
            index += 1
        }
        velocity = buffers
    }
}

/// Learning rate with linear warm-up followed by cosine annealing to zero, per optimisation step.
///
/// Step `t` (0-based) of `totalSteps`: `base·(t+1)/warmupSteps` while `t < warmupSteps`, then
/// `base·(1 + cos(π·(t − warmupSteps)/(totalSteps − warmupSteps)))/2`.
public struct CosineSchedule: Sendable, Equatable {
    /// The peak learning rate, reached at the end of warm-up.
    public var baseLearningRate: Float
    /// Steps of linear warm-up.
    public var warmupSteps: Int
    /// All steps of the run, warm-up included.
    public var totalSteps: Int

    /// A schedule peaking at `baseLearningRate` after `warmupSteps` and decaying over the rest of `totalSteps`.
    public init(baseLearningRate: Float, warmupSteps: Int, totalSteps: Int) {
        precondition(warmupSteps >= 0 && totalSteps > warmupSteps, "need totalSteps > warmupSteps >= 0")
        self.baseLearningRate = baseLearningRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// The learning rate for step `step`.
    public func learningRate(at step: Int) -> Float {
        if step < warmupSteps { return baseLearningRate * Float(step + 1) / Float(warmupSteps) }
        let progress = Double(min(step - warmupSteps, totalSteps - warmupSteps)) / Double(totalSteps - warmupSteps)
        return Float(0.5 * Double(baseLearningRate) * (1 + cos(Double.pi * progress)))
    }
}
