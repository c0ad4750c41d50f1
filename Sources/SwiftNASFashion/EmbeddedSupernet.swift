import Foundation
import SwiftNASCore
import SwiftNASEngine

/// The files SwiftNAS ships for its default search: a trained `fashion_mbv3` checkpoint (float16), the
/// 5 000-image search-validation split and the 2 000 training images batch-norm re-calibration uses (IDX,
/// gzip). README.md says how they were produced; `swiftnas supernet export` re-creates them.
public enum EmbeddedSupernet {
    /// File name of the embedded checkpoint.
    public static let checkpointFile = "fashion_mbv3.snck"
    /// File names of the validation split (images, labels).
    public static let validationFiles = ("validation-images-idx3-ubyte.gz", "validation-labels-idx1-ubyte.gz")
    /// File names of the re-calibration images (images, labels).
    public static let calibrationFiles = ("calibration-images-idx3-ubyte.gz", "calibration-labels-idx1-ubyte.gz")
    /// Images in the search-validation split, held out of the 60 000 training images.
    public static let validationImages = 5_000
    /// Seed of the hold-out choice.
    public static let validationSeed: UInt64 = 0
    /// Training images used to re-calibrate batch norm (OFA uses 2 000).
    public static let calibrationImages = 2_000

    /// The folder holding the embedded files: SwiftPM's resource bundle next to the executable (or the test
    /// bundle), else the source tree this module was built from.
    public static var directory: String {
        let bundleName = "SwiftNAS_SwiftNASFashion.resources"
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [executable.appendingPathComponent(bundleName).appendingPathComponent("Resources").path]
        if let bundled = Bundle.main.resourceURL?.appendingPathComponent(bundleName).appendingPathComponent("Resources").path {
            candidates.append(bundled)
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources").path)
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates.last!
    }

    /// Path of embedded file `name`; throws naming it when it is absent.
    public static func path(_ name: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputError(source: path, "embedded file is missing (re-create it with `swiftnas supernet export`, see README.md)")
        }
        return path
    }

    /// The embedded search-validation split.
    public static func validation() throws -> ImageDataset {
        try ImageDataset(images: path(validationFiles.0), labels: path(validationFiles.1))
    }

    /// The embedded re-calibration images.
    public static func calibration() throws -> ImageDataset {
        try ImageDataset(images: path(calibrationFiles.0), labels: path(calibrationFiles.1))
    }

    /// Splits Fashion-MNIST's training images as SwiftNAS does: the search-validation split, the training
    /// images (the rest), and the re-calibration images (a seeded choice among the training images).
    public static func split(training: ImageDataset) -> (train: ImageDataset, validation: ImageDataset, calibration: ImageDataset) {
        let split = training.split(holdout: validationImages, seed: validationSeed)
        let calibration = split.remaining.split(holdout: min(calibrationImages, split.remaining.count), seed: validationSeed + 1).heldOut
        return (split.remaining, split.heldOut, calibration)
    }
}
