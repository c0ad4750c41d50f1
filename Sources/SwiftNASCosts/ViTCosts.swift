import SwiftNASEvaluation
import SwiftNASSpace

/// Costs of ViT-B/16 sub-networks on ImageNet (`vit_base_imagenet`) at 224×224.
///
/// Structure (DyNAS-T `supernetwork/image_classification/vit/vit_supernetwork.py`, after torchvision's
/// `VisionTransformer`): 16×16/16 patch convolution 3 → 768 with bias (196 patches), class token, learned
/// positions for 197 tokens; `num_layers` encoder layers, each LayerNorm, query/key/value projections
/// 768 → 64 × heads, attention output 64 × heads → 768 followed by its own LayerNorm (DyNAS-T's
/// `SuperSelfAttentionOutput`, an addition to torchvision's block), LayerNorm, MLP 768 → `vit_intermediate_sizes`
/// → 768 (all with biases); final LayerNorm; linear head on the class token to 1000 classes. DyNAS-T reports no
/// parameter count for ViT (`vit_interface.py` reports `params = 0`), so `parameters` is the full count.
public struct ViTCosts: CostModel {
    public let space: SearchSpace
    let layerGenes: GeneLayout
    let headGenes: GeneLayout
    let intermediateGenes: GeneLayout
    let fixedCosts: Costs

    static let hidden = 768
    static let headWidth = 64
    static let patch = 16
    static let resolution = 224
    static let classes = 1000

    /// Reads the gene layout of the ViT space.
    public init(space: SearchSpace) throws {
        self.space = space
        layerGenes = try GeneLayout("num_layers", in: space)
        headGenes = try GeneLayout("num_attention_heads", in: space)
        intermediateGenes = try GeneLayout("vit_intermediate_sizes", in: space)
        let h = Self.hidden, side = Self.resolution / Self.patch
        var fixed = convolution(inputs: 3, outputs: h, kernel: Self.patch, side: side, bias: true)
        let classTokenAndPositions = h + (side * side + 1) * h
        fixed += Costs(parameters: classTokenAndPositions, weightBytes: classTokenAndPositions * fp32Bytes)
        fixed += layerNorm(h, tokens: Self.tokens)
        fixed += linear(inputs: h, outputs: Self.classes)
        fixedCosts = fixed
    }

    /// Patches plus the class token.
    static var tokens: Int { (resolution / patch) * (resolution / patch) + 1 }

    public func costs(of configuration: Configuration) -> Costs {
        let h = Self.hidden, t = Self.tokens
        var total = fixedCosts
        let layers = min(layerGenes.integer(configuration, 0), headGenes.count)
        for layer in 0..<layers {
            let attentionWidth = Self.headWidth * headGenes.integer(configuration, layer)
            let intermediate = intermediateGenes.integer(configuration, layer)
            total += layerNorm(h, tokens: t)
            total += linear(inputs: h, outputs: 3 * attentionWidth, tokens: t)
            total.multiplyAccumulates += 2 * t * t * attentionWidth  // scores and weighted sum over all heads
            total += linear(inputs: attentionWidth, outputs: h, tokens: t) + layerNorm(h, tokens: t)
            total += layerNorm(h, tokens: t)
            total += linear(inputs: h, outputs: intermediate, tokens: t) + linear(inputs: intermediate, outputs: h, tokens: t)
        }
        return total
    }
}
