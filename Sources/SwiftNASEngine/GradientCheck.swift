import SwiftNASCore

/// Finite-difference gradient checks for layers (used by the test suites of every op).
///
/// The loss is `L = Σ y·r` for a fixed random `r` (accumulated in Double), so `dL/dy = r`. Analytic
/// gradients from `backward(r)` are compared with central differences at sampled coordinates of the input
/// and of every parameter.
public enum GradientCheck {
    /// One coordinate whose gradients disagree.
    public struct Mismatch: Sendable, CustomStringConvertible {
        /// "input" or "parameter N" (N in `visitParameters` order).
        public var what: String
        /// The element index inside that tensor.
        public var index: Int
        /// The gradient from `backward`.
        public var analytic: Double
        /// The central difference.
        public var numeric: Double
        public var description: String { "\(what)[\(index)]: analytic \(analytic) vs numeric \(numeric)" }
    }

    static func loss<L: Layer>(_ layer: L, _ input: Tensor, _ r: Tensor, mode: ForwardMode) -> Double {
        var copy = layer
        let y = copy.forward(input, mode: mode)
        var sum = 0.0
        for i in y.storage.indices { sum += Double(y.storage[i]) * Double(r.storage[i]) }
        return sum
    }

    static func withParameter<L: Layer>(_ layer: L, _ target: Int, _ body: (inout TensorParameter) -> Void) -> L {
        var copy = layer
        var index = 0
        copy.visitParameters { p in
            if index == target { body(&p) }
            index += 1
        }
        return copy
    }

    /// Returns every coordinate whose analytic and numeric gradients disagree beyond tolerance.
    public static func mismatches<L: Layer>(
        _ layer: L, input: Tensor, epsilon: Float = 1e-2, samples: Int = 24,
        absoluteTolerance: Double = 2e-3, relativeTolerance: Double = 2e-2, seed: UInt64 = 7
    ) -> [Mismatch] {
        var random = SeededRandom(seed: seed)
        var analyticLayer = layer
        analyticLayer.zeroGradients()
        let y = analyticLayer.forward(input, mode: .training)
        let r = Tensor.randomUniform(shape: y.shape, in: -1...1, using: &random)
        let dx = analyticLayer.backward(r)
        precondition(dx.shape == input.shape, "backward returned shape \(dx.shape) for input \(input.shape)")
        var gradients: [Tensor] = []
        analyticLayer.visitParameters { gradients.append($0.gradient) }

        var found: [Mismatch] = []
        func compare(_ what: String, _ index: Int, _ analytic: Double, _ numeric: Double) {
            if abs(analytic - numeric) > absoluteTolerance + relativeTolerance * max(abs(analytic), abs(numeric)) {
                found.append(Mismatch(what: what, index: index, analytic: analytic, numeric: numeric))
            }
        }
        func sampled(_ count: Int) -> [Int] {
            count <= samples ? Array(0..<count) : (0..<samples).map { _ in random.nextIndex(count) }
        }
        let h = Double(epsilon)
        for i in sampled(input.count) {
            var plus = input, minus = input
            plus.storage[i] += epsilon
            minus.storage[i] -= epsilon
            let numeric = (loss(layer, plus, r, mode: .training) - loss(layer, minus, r, mode: .training)) / (2 * h)
            compare("input", i, Double(dx.storage[i]), numeric)
        }
        for (p, gradient) in gradients.enumerated() {
            for i in sampled(gradient.count) {
                let plus = withParameter(layer, p) { $0.value.storage[i] += epsilon }
                let minus = withParameter(layer, p) { $0.value.storage[i] -= epsilon }
                let numeric = (loss(plus, input, r, mode: .training) - loss(minus, input, r, mode: .training)) / (2 * h)
                compare("parameter \(p)", i, Double(gradient.storage[i]), numeric)
            }
        }
        return found
    }
}
