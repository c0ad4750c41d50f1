import SwiftNASCore

/// A dense float32 tensor: a shape and its elements stored contiguously in row-major order.
///
/// Image batches use NHWC (`[batch, height, width, channels]`: channels innermost, so pointwise
/// convolutions are single GEMMs and per-channel loops vectorise), matrices `[rows, columns]`, and
/// convolution weights `[outChannels, inChannels, kernelHeight, kernelWidth]`. It is a value type backed
/// by a copy-on-write array, so passing a tensor around is cheap and mutating one never affects another.
public struct Tensor: Sendable, Equatable {
    /// The extent of each dimension, outermost first.
    public var shape: [Int]
    /// The elements in row-major order; `storage.count == shape.reduce(1, *)`.
    public var storage: [Float]

    /// A tensor of `shape` whose every element is `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative tensor extent in \(shape)")
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A tensor of `shape` holding `storage` (whose count must match the shape).
    public init(shape: [Int], storage: [Float]) {
        precondition(storage.count == shape.reduce(1, *), "\(storage.count) elements do not fill shape \(shape)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor of `shape` whose elements are unspecified, for outputs a kernel overwrites completely
    /// (saves clearing large buffers that are about to be written).
    public init(uninitializedShape shape: [Int]) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.storage = [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// A tensor with normally distributed elements of mean 0 and standard deviation `standardDeviation`.
    public static func randomNormal(shape: [Int], standardDeviation: Float = 1, using random: inout SeededRandom) -> Tensor {
        var t = Tensor(shape: shape)
        for i in t.storage.indices { t.storage[i] = Float(random.nextGaussian()) * standardDeviation }
        return t
    }

    /// A tensor with elements uniform in `range`.
    public static func randomUniform(shape: [Int], in range: ClosedRange<Float>, using random: inout SeededRandom) -> Tensor {
        var t = Tensor(shape: shape)
        let width = range.upperBound - range.lowerBound
        for i in t.storage.indices { t.storage[i] = range.lowerBound + width * Float(random.nextUnit()) }
        return t
    }

    /// The number of elements.
    @inlinable public var count: Int { storage.count }

    /// The number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage)
    }

    /// Items `range` of the first dimension (e.g. some images of a batch) as a tensor of their own.
    public func items(_ range: Range<Int>) -> Tensor {
        let itemSize = shape.dropFirst().reduce(1, *)
        return Tensor(shape: [range.count] + shape.dropFirst(), storage: Array(storage[(range.lowerBound * itemSize)..<(range.upperBound * itemSize)]))
    }

    /// `parts` (equal shapes but for the first dimension) one after another along the first dimension.
    public init(concatenating parts: [Tensor]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.shape.dropFirst() == parts[0].shape.dropFirst() },
                     "concatenated tensors must agree past their first dimension")
        self.init(shape: [parts.reduce(0) { $0 + $1.shape[0] }] + parts[0].shape.dropFirst(), storage: parts.flatMap(\.storage))
    }

    /// The element at a multi-dimensional index (slow; for tests and small bookkeeping).
    public subscript(_ index: Int...) -> Float {
        get { storage[flatIndex(index)] }
        set { storage[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (i, extent) in zip(index, shape) {
            precondition(i >= 0 && i < extent, "index \(index) out of shape \(shape)")
            flat = flat * extent + i
        }
        return flat
    }

    /// The largest absolute element-wise difference to `other` (of the same shape).
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        var worst: Float = 0
        for i in storage.indices { worst = max(worst, abs(storage[i] - other.storage[i])) }
        return worst
    }
}

extension Tensor {
    /// Adds `other` (of the same shape) element-wise.
    public static func += (lhs: inout Tensor, rhs: Tensor) {
        precondition(lhs.shape == rhs.shape, "shapes \(lhs.shape) and \(rhs.shape) differ")
        lhs.storage.withUnsafeMutableBufferPointer { l in
            rhs.storage.withUnsafeBufferPointer { r in
                for i in 0..<l.count { l[i] += r[i] }
            }
        }
    }

    /// The element-wise sum of two tensors of the same shape.
    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        var out = lhs
        out += rhs
        return out
    }
}
