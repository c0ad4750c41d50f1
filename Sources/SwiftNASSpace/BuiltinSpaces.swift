/// DyNAS-T's published search spaces, as data: the registered super-networks (`Supernetwork` types) are built
/// on them, and `named` finds one for tests and tools that need a space without a registry.
///
/// Names, parameter names, counts and value lists are DyNAS-T's `SUPERNET_PARAMETERS`
/// (`dynast/supernetwork/supernetwork_registry.py`, IntelLabs/DyNAS-T, Apache-2.0). The depth rules encode
/// each super-network's structure: which block genes a depth gene switches off.
public enum BuiltinSpaces {
    /// Every built-in space, in listing order.
    public static let all: [SearchSpace] = [
        mobileNetV3(name: "ofa_mbv3_d234_e346_k357_w1.0"),
        mobileNetV3(name: "ofa_mbv3_d234_e346_k357_w1.2"),
        mobileNetV3(name: "ofa_proxyless_d234_e346_k357_w1.3"),
        resNet50(name: "ofa_resnet50", quantized: false),
        transformerLT,
        bert(quantized: false),
        vit,
        resNet50(name: "inc_quantization_ofa_resnet50", quantized: true),
        bert(quantized: true),
    ]

    /// The built-in space called `name`, or nil.
    public static func named(_ name: String) -> SearchSpace? { all.first { $0.name == name } }

    static func ints(_ values: [Int]) -> [ParameterValue] { values.map { .int($0) } }

    /// The spaces are constants: a failure here is a programming error caught by the tests, not user input.
    static func make(_ name: String, _ parameters: [Parameter], _ rules: [DepthRule]) -> SearchSpace {
        do { return try SearchSpace(name: name, parameters: parameters, depthRules: rules) } catch {
            preconditionFailure("built-in space \(name) is malformed: \(error)")
        }
    }

    /// OFA MobileNetV3 / ProxylessNAS: 5 stages of up to 4 blocks; `d` per stage, `ks` and `e` per block. With
    /// `precisions` (e.g. `fp32`, `int8`), also the precision each block runs in (`q`, 20 genes, inactive with
    /// their block) and that of the head (`q_head`, one gene).
    public static func mobileNetV3(name: String, precisions: [String] = []) -> SearchSpace {
        var parameters = [
            Parameter(name: "ks", count: 20, values: ints([3, 5, 7])),
            Parameter(name: "e", count: 20, values: ints([3, 4, 6])),
            Parameter(name: "d", count: 5, values: ints([2, 3, 4])),
        ]
        var blockParameters: [DepthRule.BlockParameter] = [.init("ks"), .init("e")]
        if !precisions.isEmpty {
            parameters.append(Parameter(name: "q", count: 20, values: precisions.map { .string($0) }))
            parameters.append(Parameter(name: "q_head", count: 1, values: precisions.map { .string($0) }))
            blockParameters.append(.init("q"))
        }
        return make(name, parameters, [DepthRule(depthParameter: "d", blockParameters: blockParameters, stageBlocks: [4, 4, 4, 4, 4])])
    }

    /// OFA ResNet50: `d[0]` skips a stem layer; `d[1...4]` add 0–2 blocks to base depths 2, 2, 4, 2
    /// (OFA's `BASE_DEPTH_LIST`), giving at most 4, 4, 6, 4 = 18 blocks, each with an expand ratio `e`;
    /// `w` are width multiplier indices (stem and stages). The quantised variant adds per-layer bits and
    /// weight modes (61 quantisable layers), treated as always active.
    public static func resNet50(name: String, quantized: Bool) -> SearchSpace {
        var parameters = [
            Parameter(name: "d", count: 5, values: ints([0, 1, 2])),
            Parameter(name: "e", count: 18, values: [.double(0.2), .double(0.25), .double(0.35)]),
            Parameter(name: "w", count: 6, values: ints([0, 1, 2])),
        ]
        if quantized {
            parameters.append(Parameter(name: "q_bits", count: 61, values: ints([8, 32])))
            parameters.append(Parameter(name: "q_weights_mode", count: 61, values: [.string("symmetric"), .string("asymmetric")]))
        }
        return make(name, parameters, [DepthRule(
            depthParameter: "d", blockParameters: [.init("e")], stageBlocks: [4, 4, 6, 4], baseDepth: [2, 2, 4, 2],
            firstDepthGene: 1)])
    }

    /// HAT's TransformerLT on WMT'14 En-De: a 6-layer encoder and a decoder of 1–6 layers; decoder layer genes
    /// beyond `decoder_layer_num` are inactive.
    public static let transformerLT: SearchSpace = make("transformer_lt_wmt_en_de", [
        Parameter(name: "encoder_embed_dim", count: 1, values: ints([640, 512])),
        Parameter(name: "decoder_embed_dim", count: 1, values: ints([640, 512])),
        Parameter(name: "encoder_ffn_embed_dim", count: 6, values: ints([3072, 2048, 1024])),
        Parameter(name: "decoder_ffn_embed_dim", count: 6, values: ints([3072, 2048, 1024])),
        Parameter(name: "decoder_layer_num", count: 1, values: ints([6, 5, 4, 3, 2, 1])),
        Parameter(name: "encoder_self_attention_heads", count: 6, values: ints([8, 4])),
        Parameter(name: "decoder_self_attention_heads", count: 6, values: ints([8, 4])),
        Parameter(name: "decoder_ende_attention_heads", count: 6, values: ints([8, 4])),
        Parameter(name: "decoder_arbitrary_ende_attn", count: 6, values: ints([-1, 1, 2])),
    ], [DepthRule(depthParameter: "decoder_layer_num", blockParameters: [
        .init("decoder_ffn_embed_dim"), .init("decoder_self_attention_heads"),
        .init("decoder_ende_attention_heads"), .init("decoder_arbitrary_ende_attn"),
    ], stageBlocks: [6])])

    /// BERT-base fine-tuned on SST-2: 6–12 layers, heads and FFN size per layer. The quantised variant
    /// (DyNAS-T's `BertSST2QuantizedEncoding`) adds `q_bits`: one for the embeddings, six per layer and one
    /// for the classifier (1 + 6 × 12 + 1 = 74), 8 = int8 and 32 = fp32.
    public static func bert(quantized: Bool) -> SearchSpace {
        var parameters = [
            Parameter(name: "num_layers", count: 1, values: ints([6, 7, 8, 9, 10, 11, 12])),
            Parameter(name: "num_attention_heads", count: 12, values: ints([6, 8, 10, 12])),
            Parameter(name: "intermediate_size", count: 12, values: ints([1024, 2048, 3072])),
        ]
        var blocks: [DepthRule.BlockParameter] = [.init("num_attention_heads"), .init("intermediate_size")]
        if quantized {
            parameters.append(Parameter(name: "q_bits", count: 74, values: ints([8, 32])))
            blocks.append(.init("q_bits", offset: 1, genesPerBlock: 6))
        }
        return make(quantized ? "bert_base_sst2_quantized" : "bert_base_sst2", parameters,
                    [DepthRule(depthParameter: "num_layers", blockParameters: blocks, stageBlocks: [12])])
    }

    /// ViT-Base on ImageNet: 10–12 layers, heads and MLP size per layer.
    public static let vit: SearchSpace = make("vit_base_imagenet", [
        Parameter(name: "num_layers", count: 1, values: ints([10, 11, 12])),
        Parameter(name: "num_attention_heads", count: 12, values: ints([6, 8, 10, 12])),
        Parameter(name: "vit_intermediate_sizes", count: 12, values: ints([1024, 2048, 3072])),
    ], [DepthRule(depthParameter: "num_layers", blockParameters: [.init("num_attention_heads"), .init("vit_intermediate_sizes")], stageBlocks: [12])])
}
