import SwiftNASEvaluation
import SwiftNASSpace

/// Costs of BERT-base sub-networks fine-tuned on SST-2 (`bert_base_sst2`, and the fp32 structure plus quantised
/// weight bytes of `bert_base_sst2_quantized`) for one 128-token sequence.
///
/// Structure (DyNAS-T `supernetwork/text_classification/bert_supernetwork.py` over Hugging Face's BERT with
/// `BertConfig()` defaults): embeddings of 30 522 tokens, 512 positions and 2 token types, 768 wide, + LayerNorm;
/// `num_layers` encoder layers, each with query, key and value projections 768 → 64 × heads, attention output
/// 64 × heads → 768 + LayerNorm, intermediate 768 → `intermediate_size`, output back to 768 + LayerNorm (all with
/// biases); pooler 768 → 768 on the first token; classifier 768 → 2. MACs use DyNAS-T's profiling input of
/// 128 tokens, batch 1.
///
/// Parameters follow DyNAS-T's `compute_macs`: the three embedding tables plus every elastic linear layer of
/// the active layers and the pooler; LayerNorms (plain `nn.LayerNorm`) and the classifier are left out.
/// `weightBytes` stores everything.
///
/// Quantised variant: `q_bits[0]` sets the embedding tables' width, `q_bits[1 + 6 l …]` the query, key, value,
/// attention output, intermediate and output weights of layer l, `q_bits[73]` the classifier weights; biases,
/// LayerNorms and the pooler stay fp32.
public struct BertCosts: CostModel {
    public let space: SearchSpace
    let layerGenes: GeneLayout
    let headGenes: GeneLayout
    let intermediateGenes: GeneLayout
    let bitGenes: GeneLayout?

    static let hidden = 768
    static let headWidth = 64
    static let vocabulary = 30_522
    static let positions = 512
    static let tokenTypes = 2
    static let labels = 2
    static let tokens = 128
    static let bitGenesPerLayer = 6

    /// Reads the gene layout of `space` (`bert_base_sst2` or its quantised variant).
    public init(space: SearchSpace) throws {
        self.space = space
        layerGenes = try GeneLayout("num_layers", in: space)
        headGenes = try GeneLayout("num_attention_heads", in: space)
        intermediateGenes = try GeneLayout("intermediate_size", in: space)
        bitGenes = space.parameterIndex("q_bits") == nil ? nil : try GeneLayout("q_bits", in: space)
    }

    @inline(__always) func bits(_ configuration: Configuration, _ gene: Int) -> Int {
        bitGenes?.integer(configuration, gene) ?? 32
    }

    public func costs(of configuration: Configuration) -> Costs {
        let h = Self.hidden, t = Self.tokens
        let embeddings = (Self.vocabulary + Self.positions + Self.tokenTypes) * h
        var total = Costs(parameters: embeddings, weightBytes: embeddings * bits(configuration, 0) / 8)
        total += uncounted(layerNorm(h, tokens: t))
        total += elementOperations(t)  // extended attention mask: (1 − mask) × min
        let layers = min(layerGenes.integer(configuration, 0), headGenes.count)
        for layer in 0..<layers {
            let attentionWidth = Self.headWidth * headGenes.integer(configuration, layer)
            let intermediate = intermediateGenes.integer(configuration, layer)
            let gene = 1 + Self.bitGenesPerLayer * layer
            for projection in 0..<3 {
                total += linear(inputs: h, outputs: attentionWidth, tokens: t, weightBits: bits(configuration, gene + projection))
            }
            total.multiplyAccumulates += 2 * t * t * attentionWidth  // scores and weighted sum over all heads
            total += linear(inputs: attentionWidth, outputs: h, tokens: t, weightBits: bits(configuration, gene + 3))
            total += uncounted(layerNorm(h, tokens: t))
            total += linear(inputs: h, outputs: intermediate, tokens: t, weightBits: bits(configuration, gene + 4))
            total += linear(inputs: intermediate, outputs: h, tokens: t, weightBits: bits(configuration, gene + 5))
            total += uncounted(layerNorm(h, tokens: t))
        }
        total += linear(inputs: h, outputs: h)  // pooler, first token only
        let lastGene = 1 + Self.bitGenesPerLayer * headGenes.count
        total += uncounted(linear(inputs: h, outputs: Self.labels, weightBits: bits(configuration, lastGene)))
        return total
    }

    /// `costs` without its parameters: layers DyNAS-T's BERT parameter count leaves out.
    func uncounted(_ costs: Costs) -> Costs {
        var result = costs
        result.parameters = 0
        return result
    }
}
