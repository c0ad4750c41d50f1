import SwiftNASEngine
import SwiftNASEvaluation

/// A super-network built by SwiftNAS's own engine from a `SupernetPlan` (an `ElasticMobileNetV3`): its blocks
/// can be timed on this machine (`swiftnas latency lut`, `builtin:lut`).
public protocol ElasticSupernetwork: Supernetwork {
    /// The plan its `ElasticMobileNetV3` is built from.
    var plan: SupernetPlan { get }
}

/// An elastic super-network that `swiftnas supernet` can train, export, test and describe: it knows its data
/// set, how that is split for training, search validation and batch-norm re-calibration, and the checkpoint
/// it ships.
public protocol TrainableSupernetwork: ElasticSupernetwork {
    /// Where its training data are found when no folder is given.
    var defaultDataDirectory: String { get }
    /// Its data set read from `directory`, split the way the shipped checkpoint was trained and searched.
    func trainingData(directory: String) throws -> SupernetData
    /// The name of the checkpoint file it ships (and `swiftnas supernet export` writes).
    var embeddedCheckpointName: String { get }
    /// The path of the checkpoint it ships; an `InputError` when it is missing.
    func embeddedCheckpoint() throws -> String
    /// Writes the data files it ships (search-validation and re-calibration images, raw) into `folder`;
    /// returns a description of what was written, for the log.
    func writeEmbeddedData(_ data: SupernetData, to folder: String) throws -> String
}

/// The splits of a super-network's data set.
public struct SupernetData: Sendable {
    /// The images the super-network trains on.
    public var train: ImageDataset
    /// The search-validation split, held out of training.
    public var validation: ImageDataset
    /// Training images used to re-calibrate batch norm per sub-network.
    public var calibration: ImageDataset
    /// The test split, for final reports only.
    public var test: ImageDataset

    public init(train: ImageDataset, validation: ImageDataset, calibration: ImageDataset, test: ImageDataset) {
        self.train = train
        self.validation = validation
        self.calibration = calibration
        self.test = test
    }
}
