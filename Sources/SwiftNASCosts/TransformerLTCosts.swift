import SwiftNASEvaluation
import SwiftNASSpace

/// Costs of HAT TransformerLT sub-networks on WMT'14 En-De (`transformer_lt_wmt_en_de`).
///
/// Structure (DyNAS-T `supernetwork/machine_translation/transformer_supernetwork.py`, after
/// mit-han-lab/hardware-aware-transformers): post-norm encoder of 6 layers and decoder of `decoder_layer_num`
/// layers; every attention projects to a fixed 512-wide query/key/value space (`qkv_dim`), so the number of heads
/// changes neither parameters nor MACs; encoder layer = self-attention (in-projection E → 3 × 512 with bias,
/// out-projection 512 → E) + LayerNorm + FFN (E → F → E, biases) + LayerNorm; decoder layer = self-attention +
/// LayerNorm + encoder-decoder attention (query D → 512, keys and values E → 512, attending to the last 1, 2 or 3
/// encoder layers' outputs for `decoder_arbitrary_ende_attn` −1, 1, 2) + LayerNorm + FFN + LayerNorm;
/// sinusoidal positions; one embedding table of 32 768 joined-dictionary tokens shared by encoder input, decoder
/// input and output projection.
///
/// Counting follows DyNAS-T's `compute_macs`: parameters are `get_sampled_params_numel` (every linear and
/// LayerNorm of the active layers, attention in-projection biases always 3 × 512; the embedding table is not
/// counted, being shared with the output projection and not elastic); MACs are one forward pass with a 30-token
/// source and a 30-token target (WMT's dummy length), batch 1, including the output projection to the vocabulary.
public struct TransformerLTCosts: CostModel {
    public let space: SearchSpace
    let encoderWidthGenes: GeneLayout
    let decoderWidthGenes: GeneLayout
    let encoderFeedForwardGenes: GeneLayout
    let decoderFeedForwardGenes: GeneLayout
    let decoderLayerGenes: GeneLayout
    let encoderDecoderSourceGenes: GeneLayout

    static let attentionWidth = 512
    static let vocabulary = 32_768
    static let tokens = 30
    static let encoderLayers = 6
    /// torchprofile counts the traced shape arithmetic `bsz × num_heads` (three scalar multiplies per attention)
    /// and the position mask multiply of `make_positions` (one per token, encoder and decoder).
    static let tracedScalarsPerAttention = 3

    /// Reads the gene layout of the TransformerLT space.
    public init(space: SearchSpace) throws {
        self.space = space
        encoderWidthGenes = try GeneLayout("encoder_embed_dim", in: space)
        decoderWidthGenes = try GeneLayout("decoder_embed_dim", in: space)
        encoderFeedForwardGenes = try GeneLayout("encoder_ffn_embed_dim", in: space)
        decoderFeedForwardGenes = try GeneLayout("decoder_ffn_embed_dim", in: space)
        decoderLayerGenes = try GeneLayout("decoder_layer_num", in: space)
        encoderDecoderSourceGenes = try GeneLayout("decoder_arbitrary_ende_attn", in: space)
    }

    /// An attention block: query projection from `queryWidth` over `queries` tokens, key and value projections from
    /// `keyWidth` over `keys` tokens, scores and weighted sum, output projection back to `queryWidth`.
    static func attention(queryWidth: Int, keyWidth: Int, queries: Int, keys: Int) -> Costs {
        let a = attentionWidth
        var costs = linear(inputs: queryWidth, outputs: a, tokens: queries)
            + linear(inputs: keyWidth, outputs: 2 * a, tokens: keys)
            + linear(inputs: a, outputs: queryWidth, tokens: queries)
        costs.multiplyAccumulates += 2 * queries * keys * a  // q·kᵀ and weights·v over all heads
        costs += elementOperations(queries * a + tracedScalarsPerAttention)  // query scaling
        return costs
    }

    static func feedForward(width: Int, hidden: Int) -> Costs {
        linear(inputs: width, outputs: hidden, tokens: tokens) + linear(inputs: hidden, outputs: width, tokens: tokens)
    }

    public func costs(of configuration: Configuration) -> Costs {
        let t = Self.tokens
        let encoderWidth = encoderWidthGenes.integer(configuration, 0)
        let decoderWidth = decoderWidthGenes.integer(configuration, 0)
        // Shared embedding table: stored once at the wider of the two slices, not in DyNAS-T's parameter count.
        var total = uncountedWeights(Self.vocabulary * max(encoderWidth, decoderWidth))
        total += elementOperations(t * encoderWidth + t)  // embedding scale, position mask
        for layer in 0..<Self.encoderLayers {
            total += Self.attention(queryWidth: encoderWidth, keyWidth: encoderWidth, queries: t, keys: t)
            total += layerNorm(encoderWidth, tokens: t)
            total += Self.feedForward(width: encoderWidth, hidden: encoderFeedForwardGenes.integer(configuration, layer))
            total += layerNorm(encoderWidth, tokens: t)
        }
        total += elementOperations(t * decoderWidth + t)
        let decoderLayers = min(decoderLayerGenes.integer(configuration, 0), decoderFeedForwardGenes.count)
        for layer in 0..<decoderLayers {
            total += Self.attention(queryWidth: decoderWidth, keyWidth: decoderWidth, queries: t, keys: t)
            total += layerNorm(decoderWidth, tokens: t)
            let encoderOutputs = 1 + max(0, encoderDecoderSourceGenes.integer(configuration, layer))
            total += Self.attention(queryWidth: decoderWidth, keyWidth: encoderWidth, queries: t, keys: t * encoderOutputs)
            total += layerNorm(decoderWidth, tokens: t)
            total += Self.feedForward(width: decoderWidth, hidden: decoderFeedForwardGenes.integer(configuration, layer))
            total += layerNorm(decoderWidth, tokens: t)
        }
        total.multiplyAccumulates += t * decoderWidth * Self.vocabulary  // output projection (tied embedding)
        return total
    }
}
