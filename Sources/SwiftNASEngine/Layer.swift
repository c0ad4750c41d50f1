/// How a forward pass treats batch statistics and what it keeps for the backward pass.
public enum ForwardMode: Sendable, Equatable {
    /// Normalise with batch statistics, update running statistics by momentum, keep caches for `backward`.
    case training
    /// Normalise with running statistics; keep no caches (no `backward` afterwards).
    case inference
    /// Normalise with batch statistics and fold them into running statistics as an equal-weight average
    /// over the batches seen since `resetRunningStatistics()`: OFA's re-calibration of a sub-network.
    case recalibration
}

/// A learnable tensor, its accumulated gradient, and whether weight decay applies to it.
public struct TensorParameter: Sendable, Equatable {
    /// The current value.
    public var value: Tensor
    /// The gradient accumulated by `backward` calls since the last `zeroGradient()`.
    public var gradient: Tensor
    /// Whether the optimiser's weight decay applies (true for convolution and linear weights, false for
    /// biases and batch-norm affine parameters, as in OFA's `no_decay_keys`).
    public var decays: Bool

    /// A parameter holding `value` with a zero gradient.
    public init(_ value: Tensor, decays: Bool) {
        self.value = value
        self.gradient = Tensor(shape: value.shape)
        self.decays = decays
    }

    /// Sets the gradient to zero, keeping its storage.
    public mutating func zeroGradient() {
        gradient.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}

/// Anything holding learnable parameters that an optimiser can visit (layers, super-networks).
public protocol ParameterContainer {
    /// Calls `visit` on every learnable parameter, in a fixed order.
    mutating func visitParameters(_ visit: (inout TensorParameter) -> Void)
}

/// A differentiable layer with explicit forward and backward passes.
///
/// `forward` in `.training` mode keeps in the layer what `backward` needs (its input, normalised
/// activations, …); `backward` takes the gradient of the loss with respect to the last output, **adds**
/// the parameter gradients into each `TensorParameter.gradient` (so several backward passes, as in the sandwich
/// rule, accumulate) and returns the gradient with respect to the last input.
public protocol Layer: ParameterContainer, Sendable {
    /// Computes the output for `input`.
    mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor
    /// Back-propagates `outputGradient` through the last `.training` forward pass.
    mutating func backward(_ outputGradient: Tensor) -> Tensor
    /// Calls `visit` on every learnable parameter, in a fixed order.
    mutating func visitParameters(_ visit: (inout TensorParameter) -> Void)
    /// Clears running statistics before a re-calibration (no-op for layers without any).
    mutating func resetRunningStatistics()
}

extension Layer {
    /// No learnable parameters by default.
    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {}
    /// No running statistics by default.
    public mutating func resetRunningStatistics() {}

    /// Zeroes every parameter gradient.
    public mutating func zeroGradients() {
        visitParameters { $0.zeroGradient() }
    }

    /// The total number of learnable scalars.
    public mutating func parameterCount() -> Int {
        var total = 0
        visitParameters { total += $0.value.count }
        return total
    }
}

/// Layers applied one after another.
public struct Sequential: Layer {
    /// The layers, first applied first.
    public var layers: [any Layer]

    /// A stack of `layers`.
    public init(_ layers: [any Layer]) {
        self.layers = layers
    }

    public mutating func forward(_ input: Tensor, mode: ForwardMode) -> Tensor {
        var x = input
        for i in layers.indices { x = layers[i].forward(x, mode: mode) }
        return x
    }

    public mutating func backward(_ outputGradient: Tensor) -> Tensor {
        var g = outputGradient
        for i in layers.indices.reversed() { g = layers[i].backward(g) }
        return g
    }

    public mutating func visitParameters(_ visit: (inout TensorParameter) -> Void) {
        for i in layers.indices { layers[i].visitParameters(visit) }
    }

    public mutating func resetRunningStatistics() {
        for i in layers.indices { layers[i].resetRunningStatistics() }
    }
}
