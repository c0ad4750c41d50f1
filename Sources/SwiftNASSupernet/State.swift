import SwiftNASCore
import SwiftNASEngine

extension BatchNorm2D {
    /// Visits γ, β and the running statistics as named tensors.
    mutating func visitState(_ prefix: String, _ visit: (String, inout Tensor) -> Void) {
        visit(prefix + ".scale", &scale.value)
        visit(prefix + ".shift", &shift.value)
        var mean = Tensor(shape: [channels], storage: runningMean)
        visit(prefix + ".runningMean", &mean)
        runningMean = mean.storage
        var variance = Tensor(shape: [channels], storage: runningVariance)
        visit(prefix + ".runningVariance", &variance)
        runningVariance = variance.storage
    }
}

extension Linear {
    mutating func visitState(_ prefix: String, _ visit: (String, inout Tensor) -> Void) {
        visit(prefix + ".weight", &weight.value)
        if hasBias { visit(prefix + ".bias", &bias.value) }
    }
}

extension MBConvBlock {
    mutating func visitState(_ prefix: String, _ visit: (String, inout Tensor) -> Void) {
        if expand != nil { visit(prefix + ".expand.weight", &expand!.weight.value) }
        expandNorm?.visitState(prefix + ".expandNorm", visit)
        visit(prefix + ".depthwise.weight", &depthwise.weight.value)
        depthwiseNorm.visitState(prefix + ".depthwiseNorm", visit)
        squeezeExcitation?.reduce.visitState(prefix + ".se.reduce", visit)
        squeezeExcitation?.expand.visitState(prefix + ".se.expand", visit)
        visit(prefix + ".project.weight", &project.weight.value)
        projectNorm.visitState(prefix + ".projectNorm", visit)
    }
}

extension ElasticMBConv {
    mutating func visitState(_ prefix: String, _ visit: (String, inout Tensor) -> Void) {
        visit(prefix + ".expand.weight", &expandWeight.value)
        expandNorm.visitState(prefix + ".expandNorm", visit)
        visit(prefix + ".depthwise.weight", &depthwiseWeight.value)
        for i in kernelTransforms.indices {
            let n = kernelTransforms[i].value.shape[0]
            let target = Int(Double(n).squareRoot().rounded())
            visit(prefix + ".depthwise.transform\(target)", &kernelTransforms[i].value)
        }
        depthwiseNorm.visitState(prefix + ".depthwiseNorm", visit)
        squeezeReduce?.visitState(prefix + ".se.reduce", visit)
        squeezeExpand?.visitState(prefix + ".se.expand", visit)
        visit(prefix + ".project.weight", &projectWeight.value)
        projectNorm.visitState(prefix + ".projectNorm", visit)
    }
}

extension SupernetPlan {
    /// A one-line description of everything that fixes tensor shapes, stored in checkpoints.
    public var signature: String {
        "in=\(inputChannels) stem=\(stemChannels) widths=\(stageWidths.map(String.init).joined(separator: ","))"
            + " strides=\(stageStrides.map(String.init).joined(separator: ","))"
            + " act=\(stageActivations.map(\.rawValue).joined(separator: ","))"
            + " se=\(stageSqueezeExcitation.map { $0 ? "1" : "0" }.joined(separator: ","))"
            + " final=\(finalExpandChannels) mix=\(featureMixChannels) classes=\(classes)"
            + " ks=\(kernelSizes.map(String.init).joined(separator: ","))"
            + " e=\(expandRatios.map(String.init).joined(separator: ","))"
            + " d=\(depths.map(String.init).joined(separator: ","))"
    }
}

extension ElasticMobileNetV3 {
    /// The architecture name stored in checkpoint metadata.
    public static let architecture = "elastic-mobilenetv3"

    /// Visits every learnable tensor and batch-norm statistic under a stable dotted name.
    public mutating func visitState(_ visit: (String, inout Tensor) -> Void) {
        visit("stem.weight", &stem.weight.value)
        stemNorm.visitState("stemNorm", visit)
        firstBlock.visitState("firstBlock", visit)
        for i in blocks.indices { blocks[i].visitState("blocks.\(i)", visit) }
        visit("finalExpand.weight", &finalExpand.weight.value)
        finalNorm.visitState("finalNorm", visit)
        featureMix.visitState("featureMix", visit)
        classifier.visitState("classifier", visit)
    }

    /// The weights and statistics as named tensors, in `visitState` order.
    public func namedState() -> [NamedTensor] {
        var copy = self
        var state: [NamedTensor] = []
        copy.visitState { name, tensor in state.append(NamedTensor(name, tensor)) }
        return state
    }

    /// A checkpoint of the weights and statistics, with the architecture and plan in its metadata
    /// (plus `metadata`, e.g. the training position).
    public func checkpoint(metadata: [String: String] = [:], extraTensors: [NamedTensor] = []) -> Checkpoint {
        var header = metadata
        header["architecture"] = Self.architecture
        header["plan"] = plan.signature
        return Checkpoint(metadata: header, tensors: namedState() + extraTensors)
    }

    /// Loads weights and statistics from `checkpoint`, which must be of this architecture and plan and hold
    /// exactly this network's tensors (plus any whose names start with one of `ignoringPrefixes`, such as
    /// optimiser state). Throws `InputError` naming what does not match; on error nothing is changed.
    public mutating func restore(from checkpoint: Checkpoint, ignoringPrefixes: [String] = [], source: String) throws {
        guard checkpoint.metadata["architecture"] == Self.architecture else {
            throw InputError(source: source, field: "architecture",
                             "checkpoint is for '\(checkpoint.metadata["architecture"] ?? "?")', expected '\(Self.architecture)'")
        }
        guard checkpoint.metadata["plan"] == plan.signature else {
            throw InputError(source: source, field: "plan", "checkpoint plan '\(checkpoint.metadata["plan"] ?? "?")' differs from '\(plan.signature)'")
        }
        var state = namedState()
        try checkpoint.restore(into: &state, ignoringPrefixes: ignoringPrefixes, source: source)
        var index = 0
        visitState { _, tensor in
            tensor = state[index].tensor
            index += 1
        }
    }
}
