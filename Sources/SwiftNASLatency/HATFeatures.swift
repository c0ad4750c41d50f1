import SwiftNASCore
import SwiftNASSpace

/// HAT's aggregated architecture features of a TransformerLT sub-network — the ten columns of HAT's
/// `latency_dataset/*.csv` files — derived from a configuration of `transformer_lt_wmt_en_de`.
///
/// As HAT's `get_config_features` (mit-han-lab/hardware-aware-transformers, `utils.py`): the embedding widths,
/// the layer counts (the encoder always has 6), and the means over the active layers of the FFN widths, the
/// head counts and the encoder-decoder attention span, where `decoder_arbitrary_ende_attn` −1, 1, 2 count as
/// 1, 2, 3 encoder layers attended to.
public struct HATFeatures: Sendable {
    /// The column names, in HAT's order.
    public static let columnNames = [
        "encoder_embed_dim", "encoder_layer_num", "encoder_ffn_embed_dim_avg", "encoder_self_attention_heads_avg",
        "decoder_embed_dim", "decoder_layer_num", "decoder_ffn_embed_dim_avg", "decoder_self_attention_heads_avg",
        "decoder_ende_attention_heads_avg", "decoder_arbitrary_ende_attn_avg",
    ]
    /// HAT's encoder depth (not elastic).
    static let encoderLayers = 6

    private let encoderWidth: NumericGenes
    private let decoderWidth: NumericGenes
    private let encoderFeedForward: NumericGenes
    private let encoderHeads: NumericGenes
    private let decoderLayers: NumericGenes
    private let decoderFeedForward: NumericGenes
    private let decoderHeads: NumericGenes
    private let decoderEncoderHeads: NumericGenes
    private let decoderEncoderSpan: NumericGenes

    /// The features of `space`; nil unless it has every TransformerLT parameter, with numeric values.
    public init?(space: SearchSpace) {
        func genes(_ name: String, count: Int) -> NumericGenes? { NumericGenes(name, count: count, in: space) }
        guard let encoderWidth = genes("encoder_embed_dim", count: 1),
              let decoderWidth = genes("decoder_embed_dim", count: 1),
              let encoderFeedForward = genes("encoder_ffn_embed_dim", count: Self.encoderLayers),
              let encoderHeads = genes("encoder_self_attention_heads", count: Self.encoderLayers),
              let decoderLayers = genes("decoder_layer_num", count: 1),
              decoderLayers.values.allSatisfy({ $0 >= 1 }), let deepest = decoderLayers.values.max(),
              let decoderFeedForward = genes("decoder_ffn_embed_dim", count: Int(deepest)),
              let decoderHeads = genes("decoder_self_attention_heads", count: Int(deepest)),
              let decoderEncoderHeads = genes("decoder_ende_attention_heads", count: Int(deepest)),
              let decoderEncoderSpan = genes("decoder_arbitrary_ende_attn", count: Int(deepest))
        else { return nil }
        self.encoderWidth = encoderWidth
        self.decoderWidth = decoderWidth
        self.encoderFeedForward = encoderFeedForward
        self.encoderHeads = encoderHeads
        self.decoderLayers = decoderLayers
        self.decoderFeedForward = decoderFeedForward
        self.decoderHeads = decoderHeads
        self.decoderEncoderHeads = decoderEncoderHeads
        self.decoderEncoderSpan = decoderEncoderSpan
    }

    /// The ten features of `configuration`, in `columnNames` order.
    public func values(of configuration: Configuration) -> [Double] {
        let genes = configuration.indices
        let encoderDepth = Self.encoderLayers
        let decoderDepth = Int(decoderLayers.value(genes, 0))
        // HAT counts the encoder layers each decoder layer attends to: -1 (the last only) → 1, 1 → 2, 2 → 3.
        let span = (0..<decoderDepth).reduce(0.0) { sum, k in
            let choice = decoderEncoderSpan.value(genes, k)
            return sum + (choice == -1 ? 1 : choice + 1)
        } / Double(decoderDepth)
        return [
            encoderWidth.value(genes, 0),
            Double(encoderDepth),
            encoderFeedForward.mean(genes, layers: encoderDepth),
            encoderHeads.mean(genes, layers: encoderDepth),
            decoderWidth.value(genes, 0),
            Double(decoderDepth),
            decoderFeedForward.mean(genes, layers: decoderDepth),
            decoderHeads.mean(genes, layers: decoderDepth),
            decoderEncoderHeads.mean(genes, layers: decoderDepth),
            span,
        ]
    }

    /// Builds the feature rows of named `columns` for configurations of `space`: the columns must be HAT features
    /// (in any order, any subset). Throws `InputError` naming `source` when the space or a column does not fit.
    public static func deriver(columns: [String], space: SearchSpace, source: String) throws -> @Sendable (Configuration) -> [Double] {
        guard let features = HATFeatures(space: space) else {
            throw InputError(source: source, field: "features",
                             "the model reads table columns (\(columns.joined(separator: ", "))), which SwiftNAS derives only for TransformerLT spaces, not for '\(space.name)'")
        }
        let positions = try columns.map { name -> Int in
            guard let position = columnNames.firstIndex(of: name) else {
                throw InputError(source: source, field: "features",
                                 "column '\(name)' cannot be derived from a configuration (derivable: \(columnNames.joined(separator: ", ")))")
            }
            return position
        }
        return { configuration in
            let all = features.values(of: configuration)
            return positions.map { all[$0] }
        }
    }
}

/// The genes of one parameter whose values are all numbers.
private struct NumericGenes: Sendable {
    /// The parameter's first gene.
    let offset: Int
    /// The value of each value index.
    let values: [Double]

    /// Parameter `name` of `space`; nil unless it exists with exactly `count` genes and numeric values.
    init?(_ name: String, count: Int, in space: SearchSpace) {
        guard let p = space.parameterIndex(name), space.parameters[p].count == count else { return nil }
        let numbers = space.parameters[p].values.compactMap(\.number)
        guard numbers.count == space.parameters[p].values.count else { return nil }
        offset = space.geneOffsets[p]
        values = numbers
    }

    /// The value of gene `k` of the parameter in the configuration `genes`.
    func value(_ genes: [Int], _ k: Int) -> Double { values[genes[offset + k]] }

    /// The mean value over the first `layers` genes.
    func mean(_ genes: [Int], layers: Int) -> Double {
        (0..<layers).reduce(0) { $0 + value(genes, $1) } / Double(layers)
    }
}
