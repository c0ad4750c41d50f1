import SwiftNASCosts
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet

/// `fashion_mbv3_quant`: the `fashion_mbv3` super-network searched together with how each sub-network is quantized
/// (SimQ-NAS): its genes plus a precision per block (`q`, `fp32` or `int8`, inactive with its block) and for the
/// head (`q_head`). `builtin:fashion_mbv3` measures it on SwiftNAS's int8 kernels (`MixedPrecisionMobileNetV3`):
/// accuracy after batch-norm re-calibration and post-training quantization, latency, and `model_size` at each
/// part's precision.
public struct FashionMBV3QuantSupernetwork: Supernetwork {
    public let space = BuiltinSpaces.mobileNetV3(name: "fashion_mbv3_quant", precisions: BlockPrecision.allCases.map(\.rawValue))
    public var name: String { space.name }
    public var summary: String { "fashion_mbv3 with a precision (fp32/int8) per block and for the head: quantized accuracy, size and latency measured in-process" }
    public var defaultEvaluator: String { "builtin:\(FashionMBV3Evaluator.name)" }

    public init() {}

    public func costModel() throws -> (any CostModel)? { try MobileNetV3Costs(space: space, layout: .init(plan: .fashionMBV3)) }
}
