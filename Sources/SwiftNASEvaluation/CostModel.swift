import SwiftNASCore
import SwiftNASSpace

/// The analytic costs of one sub-network: parameters, multiply-accumulates and stored weight bytes.
///
/// Every figure is an exact integer derived from the network's layer structure (see `docs/costs.md`).
public struct Costs: Sendable, Hashable {
    /// Trainable parameters, counted the way DyNAS-T reports them for this super-network (identical to the full
    /// count except where `docs/costs.md` says otherwise: TransformerLT leaves out its shared embedding table,
    /// BERT its LayerNorms and classifier).
    public var parameters: Int
    /// Multiply-accumulates of convolutions, linear layers and matrix products for one input: the figure
    /// fvcore gives once batch normalisation is folded away, as DyNAS-T's OFA measurements do.
    public var multiplyAccumulates: Int
    /// The further element operations torchprofile (DyNAS-T's newer MAC counter) adds: element-wise
    /// multiplications (h-swish, squeeze-and-excitation scaling, attention scaling), outputs of means and
    /// average pools, outputs of affine layer norms, and the scalar shape arithmetic a traced graph records.
    public var profilerExtras: Int
    /// Bytes needed to store every weight of the sub-network: 4 per fp32 weight, or `q_bits / 8` per weight of
    /// a quantised layer.
    public var weightBytes: Int

    /// Costs with the given components (zero by default).
    public init(parameters: Int = 0, multiplyAccumulates: Int = 0, profilerExtras: Int = 0, weightBytes: Int = 0) {
        self.parameters = parameters
        self.multiplyAccumulates = multiplyAccumulates
        self.profilerExtras = profilerExtras
        self.weightBytes = weightBytes
    }

    /// The MAC count under `convention`.
    public func macs(_ convention: MACConvention) -> Int {
        switch convention {
        case .fvcore: return multiplyAccumulates
        case .torchprofile: return multiplyAccumulates + profilerExtras
        }
    }

    /// The metrics cost models answer, by their metric names.
    public static let metrics: Set<String> = ["macs", "params", "model_size"]

    /// The value of `metric` (`macs` under `convention`, `params`, `model_size` in bytes), or nil for any
    /// other metric.
    public func value(of metric: String, convention: MACConvention = .fvcore) -> Double? {
        switch metric {
        case "macs": return Double(macs(convention))
        case "params": return Double(parameters)
        case "model_size": return Double(weightBytes)
        default: return nil
        }
    }

    /// Component-wise sum.
    public static func + (lhs: Costs, rhs: Costs) -> Costs {
        Costs(parameters: lhs.parameters + rhs.parameters,
              multiplyAccumulates: lhs.multiplyAccumulates + rhs.multiplyAccumulates,
              profilerExtras: lhs.profilerExtras + rhs.profilerExtras,
              weightBytes: lhs.weightBytes + rhs.weightBytes)
    }

    /// Component-wise accumulation.
    public static func += (lhs: inout Costs, rhs: Costs) { lhs = lhs + rhs }
}

/// Which operations a MAC count includes: the two counters DyNAS-T has used for its published figures.
public enum MACConvention: String, Sendable, CaseIterable {
    /// fvcore with batch normalisation removed (DyNAS-T's OFA CSVs of 2022): convolutions, linear layers and
    /// matrix products only, one per multiply-add.
    case fvcore
    /// torchprofile (DyNAS-T since 2023, and its TransformerLT/BERT/ViT interfaces): `fvcore` plus
    /// `Costs.profilerExtras`.
    case torchprofile
}

/// The analytic cost model of one built-in super-network.
///
/// Conforming types precompute per-layer tables when created, so `costs(of:)` is a few table look-ups and
/// additions, with no allocation.
public protocol CostModel: Sendable {
    /// The space this model prices; configurations passed to `costs(of:)` belong to it.
    var space: SearchSpace { get }
    /// The costs of the sub-network `configuration` selects.
    func costs(of configuration: Configuration) -> Costs
}
