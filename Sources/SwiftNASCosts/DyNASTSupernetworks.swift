import SwiftNASEvaluation
import SwiftNASSpace

// DyNAS-T's super-networks: their published spaces (`BuiltinSpaces`) with SwiftNAS's exact cost models. Their
// accuracy comes from the user's own evaluator (protocol v1); `builtin:counts` measures their costs.

/// Once-for-All MobileNetV3 (ImageNet, 224×224) at a width multiplier: `ofa_mbv3_d234_e346_k357_w1.0` / `w1.2`.
public struct OFAMobileNetV3: Supernetwork {
    public let widthMultiplier: Double
    public let space: SearchSpace
    public var name: String { space.name }
    public var summary: String { "Once-for-All MobileNetV3 w\(widthMultiplier) (ImageNet): kernel, expansion per block, depth per stage" }

    /// The super-network at `widthMultiplier` (DyNAS-T publishes 1.0 and 1.2).
    public init(widthMultiplier: Double) {
        self.widthMultiplier = widthMultiplier
        space = BuiltinSpaces.mobileNetV3(name: "ofa_mbv3_d234_e346_k357_w\(widthMultiplier)")
    }

    public func costModel() throws -> (any CostModel)? { try MobileNetV3Costs(space: space, widthMultiplier: widthMultiplier) }
}

/// Once-for-All ProxylessNAS (ImageNet, width 1.3): `ofa_proxyless_d234_e346_k357_w1.3`.
public struct OFAProxylessNAS: Supernetwork {
    public let space = BuiltinSpaces.mobileNetV3(name: "ofa_proxyless_d234_e346_k357_w1.3")
    public var name: String { space.name }
    public var summary: String { "Once-for-All ProxylessNAS w1.3 (ImageNet)" }

    public init() {}

    public func costModel() throws -> (any CostModel)? { try ProxylessCosts(space: space) }
}

/// Once-for-All ResNet50 (ImageNet): `ofa_resnet50`, and with Intel Neural Compressor's per-layer quantisation
/// policy `inc_quantization_ofa_resnet50`.
public struct OFAResNet50: Supernetwork {
    public let quantized: Bool
    public let space: SearchSpace
    public var name: String { space.name }
    public var summary: String {
        quantized ? "Once-for-All ResNet50 with per-layer int8/fp32 quantisation policy" : "Once-for-All ResNet50 (ImageNet): depth, expansion, width"
    }

    public init(quantized: Bool) {
        self.quantized = quantized
        space = BuiltinSpaces.resNet50(name: quantized ? "inc_quantization_ofa_resnet50" : "ofa_resnet50", quantized: quantized)
    }

    public func costModel() throws -> (any CostModel)? { try ResNet50Costs(space: space) }
}

/// HAT's TransformerLT on WMT'14 En-De: `transformer_lt_wmt_en_de`.
public struct HATTransformerLT: Supernetwork {
    public let space = BuiltinSpaces.transformerLT
    public var name: String { space.name }
    public var summary: String { "HAT Transformer (WMT'14 En-De): embedding, FFN, heads, decoder layers" }

    public init() {}

    public func costModel() throws -> (any CostModel)? { try TransformerLTCosts(space: space) }
}

/// BERT-base fine-tuned on SST-2: `bert_base_sst2`, and with a per-layer quantisation policy
/// `bert_base_sst2_quantized`.
public struct BertSST2: Supernetwork {
    public let quantized: Bool
    public let space: SearchSpace
    public var name: String { space.name }
    public var summary: String {
        quantized ? "BERT-base (SST-2) with per-layer int8/fp32 quantisation policy" : "BERT-base (SST-2): layers, heads, FFN size"
    }

    public init(quantized: Bool) {
        self.quantized = quantized
        space = BuiltinSpaces.bert(quantized: quantized)
    }

    public func costModel() throws -> (any CostModel)? { try BertCosts(space: space) }
}

/// ViT-Base on ImageNet: `vit_base_imagenet`.
public struct ViTBase: Supernetwork {
    public let space = BuiltinSpaces.vit
    public var name: String { space.name }
    public var summary: String { "ViT-Base (ImageNet): layers, heads, MLP size" }

    public init() {}

    public func costModel() throws -> (any CostModel)? { try ViTCosts(space: space) }
}
