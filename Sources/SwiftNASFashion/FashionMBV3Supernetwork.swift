import Foundation
import SwiftNASCore
import SwiftNASCosts
import SwiftNASEngine
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet

/// `fashion_mbv3`: SwiftNAS's native elastic MobileNetV3 for Fashion-MNIST (28×28), with the same genes as
/// OFA-MobileNetV3, trained by `swiftnas supernet train` and shipped as an embedded checkpoint
/// (docs/supernet.md). Its default evaluator measures accuracy in-process (`builtin:fashion_mbv3`).
public struct FashionMBV3Supernetwork: TrainableSupernetwork {
    public let space = BuiltinSpaces.mobileNetV3(name: "fashion_mbv3")
    public var name: String { space.name }
    public var summary: String { "SwiftNAS's native MobileNetV3 on Fashion-MNIST: embedded checkpoint, accuracy and latency measured in-process" }
    public var plan: SupernetPlan { .fashionMBV3 }
    public var defaultEvaluator: String { "builtin:\(FashionMBV3Evaluator.name)" }
    /// Where Debian's `dataset-fashion-mnist` package installs the four IDX files.
    public var defaultDataDirectory: String { "/usr/share/datasets/fashion-mnist" }
    public var embeddedCheckpointName: String { EmbeddedSupernet.checkpointFile }

    public init() {}

    public func costModel() throws -> (any CostModel)? { try MobileNetV3Costs(space: space, layout: .init(plan: plan)) }

    public func trainingData(directory: String) throws -> SupernetData {
        let (train, test) = try ImageDataset.fashionMNIST(directory: directory)
        guard train.count > EmbeddedSupernet.validationImages else {
            throw InputError(source: directory, field: "train-images-idx3-ubyte",
                             "holds \(train.count) training images; \(EmbeddedSupernet.validationImages) are held out for search validation, so training needs more")
        }
        let split = EmbeddedSupernet.split(training: train)
        return SupernetData(train: split.train, validation: split.validation, calibration: split.calibration, test: test)
    }

    public func embeddedCheckpoint() throws -> String { try EmbeddedSupernet.path(EmbeddedSupernet.checkpointFile) }

    public func writeEmbeddedData(_ data: SupernetData, to folder: String) throws -> String {
        for (set, names) in [(data.validation, EmbeddedSupernet.validationFiles), (data.calibration, EmbeddedSupernet.calibrationFiles)] {
            let (images, labels) = set.idxFiles()
            try AtomicFile.write(Data(images.serialized()), to: (folder as NSString).appendingPathComponent(String(names.0.dropLast(3))))
            try AtomicFile.write(Data(labels.serialized()), to: (folder as NSString).appendingPathComponent(String(names.1.dropLast(3))))
        }
        return "\(data.validation.count) validation and \(data.calibration.count) re-calibration images"
    }
}
