import SwiftNASEngine

/// The rows of a row-major matrix (rows of `rowLength` values) in the order `order` (row `j` of the result is
/// row `order[j]` of `t`).
func permutingRows(_ t: [Float], rowLength: Int, order: [Int]) -> [Float] {
    var out = [Float](repeating: 0, count: t.count)
    for (j, source) in order.enumerated() {
        for k in 0..<rowLength { out[j * rowLength + k] = t[source * rowLength + k] }
    }
    return out
}

/// The columns of a row-major matrix with `order.count` columns in the order `order`.
func permutingColumns(_ t: [Float], order: [Int]) -> [Float] {
    let columns = order.count
    var out = [Float](repeating: 0, count: t.count)
    for r in 0..<(t.count / columns) {
        for (j, source) in order.enumerated() { out[r * columns + j] = t[r * columns + source] }
    }
    return out
}

/// Indices of `importance` from the largest value to the smallest (ties keep their order).
func descendingOrder(_ importance: [Float]) -> [Int] {
    importance.indices.sorted { importance[$0] > importance[$1] || (importance[$0] == importance[$1] && $0 < $1) }
}

extension BatchNorm2D {
    /// γ, β and the running statistics in channel order `order`.
    mutating func permuteChannels(_ order: [Int]) {
        scale.value.storage = permutingRows(scale.value.storage, rowLength: 1, order: order)
        shift.value.storage = permutingRows(shift.value.storage, rowLength: 1, order: order)
        runningMean = permutingRows(runningMean, rowLength: 1, order: order)
        runningVariance = permutingRows(runningVariance, rowLength: 1, order: order)
    }
}

/// How OFA's progressive shrinking re-orders a block's expanded channels before it trains smaller expand
/// ratios (`re_organize_middle_weights` in OFA's `dynamic_layers.py`): since a ratio uses the leading
/// channels, the channels the projection weighs most (L1 norm of its column) go first, and likewise the
/// squeeze-and-excitation bottleneck's channels by the L1 norm of the excitation's columns.
public struct MiddleChannelOrder: Sendable, Equatable {
    /// The new order of the expanded channels (entry `j` is the old index of new channel `j`).
    public var middle: [Int]
    /// The new order of the SE bottleneck channels, if the block has SE.
    public var squeeze: [Int]?
}

extension ElasticMBConv {
    /// The importance order of this block's channels under its current weights.
    public func middleChannelOrder() -> MiddleChannelOrder {
        let cout = slot.outChannels
        var importance = [Float](repeating: 0, count: maxMiddle)
        for o in 0..<cout {
            for c in 0..<maxMiddle { importance[c] += abs(projectWeight.value.storage[o * maxMiddle + c]) }
        }
        let middle = descendingOrder(importance)
        guard let excite = squeezeExpand else { return MiddleChannelOrder(middle: middle, squeeze: nil) }
        // The excitation's rows follow the expanded channels, so the order of its columns is unaffected.
        let reduced = excite.inFeatures
        var squeezeImportance = [Float](repeating: 0, count: reduced)
        for m in 0..<maxMiddle {
            for r in 0..<reduced { squeezeImportance[r] += abs(excite.weight.value.storage[m * reduced + r]) }
        }
        return MiddleChannelOrder(middle: middle, squeeze: descendingOrder(squeezeImportance))
    }

    /// Re-orders every tensor indexed by the expanded (and SE bottleneck) channels; the function the largest
    /// expand ratio computes does not change.
    public mutating func reorderChannels(_ order: MiddleChannelOrder) {
        let cin = slot.inChannels, area = maxKernel * maxKernel
        expandWeight.value.storage = permutingRows(expandWeight.value.storage, rowLength: cin, order: order.middle)
        expandNorm.permuteChannels(order.middle)
        depthwiseWeight.value.storage = permutingRows(depthwiseWeight.value.storage, rowLength: area, order: order.middle)
        depthwiseNorm.permuteChannels(order.middle)
        if var reduce = squeezeReduce, var excite = squeezeExpand, let squeeze = order.squeeze {
            reduce.weight.value.storage = permutingColumns(reduce.weight.value.storage, order: order.middle)
            reduce.weight.value.storage = permutingRows(reduce.weight.value.storage, rowLength: maxMiddle, order: squeeze)
            reduce.bias.value.storage = permutingRows(reduce.bias.value.storage, rowLength: 1, order: squeeze)
            excite.weight.value.storage = permutingRows(excite.weight.value.storage, rowLength: excite.inFeatures, order: order.middle)
            excite.weight.value.storage = permutingColumns(excite.weight.value.storage, order: squeeze)
            excite.bias.value.storage = permutingRows(excite.bias.value.storage, rowLength: 1, order: order.middle)
            squeezeReduce = reduce
            squeezeExpand = excite
        }
        projectWeight.value.storage = permutingColumns(projectWeight.value.storage, order: order.middle)
    }
}

extension ElasticMobileNetV3 {
    /// Sorts every elastic block's expanded channels by importance (`MiddleChannelOrder`), carrying the
    /// optimiser's momentum buffers along so training continues as if the channels had always been in
    /// that order.
    public mutating func sortMiddleChannels(optimizer: inout SGD) {
        let orders = blocks.map { $0.middleChannelOrder() }
        for i in blocks.indices { blocks[i].reorderChannels(orders[i]) }
        guard !optimizer.velocity.isEmpty else { return }
        // The momentum buffers have the parameters' shapes: load them as the values of a copy, re-order
        // that copy the same way and read them back.
        var buffers = self, index = 0
        buffers.visitParameters { p in
            p.value.storage = optimizer.velocity[index]
            index += 1
        }
        for i in buffers.blocks.indices { buffers.blocks[i].reorderChannels(orders[i]) }
        index = 0
        buffers.visitParameters { p in
            optimizer.velocity[index] = p.value.storage
            index += 1
        }
    }
}
