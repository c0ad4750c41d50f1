import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASEngine
import SwiftNASFashion
import SwiftNASSpace
import SwiftNASSupernet

/// `swiftnas supernet`: trains SwiftNAS's native Fashion-MNIST super-network and inspects its checkpoints.
struct SupernetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supernet",
        abstract: "Train the native fashion_mbv3 super-network, or show a checkpoint.",
        subcommands: [SupernetTrainCommand.self, SupernetInfoCommand.self, SupernetExportCommand.self, SupernetTestCommand.self])
}

/// Where Debian's `dataset-fashion-mnist` package installs the four IDX files.
let defaultFashionMNIST = "/usr/share/datasets/fashion-mnist"

/// `swiftnas supernet train`: weight-sharing training with the sandwich rule and in-place distillation.
///
/// Resumable: when `--out` exists, training continues from it (with the options it was started with) and
/// ends exactly as an uninterrupted run would. A checkpoint is written atomically every `--checkpoint-every`
/// steps and when `--max-minutes` runs out, so long runs can be done in pieces.
struct SupernetTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train (or continue training) the super-network.")

    @Option(help: "Folder with the four Fashion-MNIST IDX files (gzip or raw).") var data = defaultFashionMNIST
    @Option(help: "The checkpoint to write (and to resume from when it exists).") var out: String
    @Option(help: "Passes over the training split (default \(SupernetTrainingOptions().epochs)); when resuming, changes the run's length.") var epochs: Int?
    @Option(name: .customLong("batch-size"), help: "Images per step.") var batchSize = SupernetTrainingOptions().batchSize
    @Option(name: .customLong("learning-rate"), help: "Peak learning rate.") var learningRate = SupernetTrainingOptions().learningRate
    @Option(help: "Random seed.") var seed: UInt64 = SupernetTrainingOptions().seed
    @Option(help: "Which sub-networks each step trains: sandwich (BigNAS, default) or progressive-shrinking (OFA).") var schedule = "sandwich"
    @Option(help: "Train only this fashion_mbv3 configuration (JSON, e.g. {\"ks\":[…],\"e\":[…],\"d\":[…]}) from scratch, on the labels: the baseline for super-network accuracy.") var subnet: String?
    @Option(name: .customLong("checkpoint-every"), help: "Steps between checkpoints.") var checkpointEvery = 200
    @Option(name: .customLong("max-minutes"), help: "Stop (with a checkpoint) after this many minutes.") var maxMinutes: Double?

    func run() async throws {
        guard checkpointEvery > 0 else { throw InputError(source: "--checkpoint-every", "must be at least 1") }
        if let epochs, epochs < 1 { throw InputError(source: "--epochs", "must be at least 1") }
        EngineMemory.retainFreedBuffers()
        let (train, test) = try ImageDataset.fashionMNIST(directory: data)
        let split = EmbeddedSupernet.split(training: train)
        let trainingImages = split.train
        var options = SupernetTrainingOptions()
        options.epochs = epochs ?? options.epochs
        options.batchSize = batchSize
        options.learningRate = learningRate
        options.seed = seed
        switch schedule {
        case "sandwich": options.schedule = .sandwich
        case "progressive-shrinking": options.schedule = .progressiveShrinking
        default: throw InputError(source: "--schedule", "'\(schedule)' is not a schedule (sandwich, progressive-shrinking)")
        }
        if let subnet {
            guard let space = BuiltinSpaces.named("fashion_mbv3") else { throw InputError(source: "--subnet", "fashion_mbv3 space missing") }
            let configuration = try space.configuration(fromText: subnet, source: "--subnet", strict: true)
            options.schedule = .fixed(try SubnetConfig(configuration, in: space, plan: .fashionMBV3, source: "--subnet"))
        }
        var resumed: Checkpoint?
        if FileManager.default.fileExists(atPath: out) {
            let checkpoint = try Checkpoint(contentsOf: out)
            guard let json = checkpoint.metadata["options"],
                  let saved = try? JSONDecoder().decode(SupernetTrainingOptions.self, from: Data(json.utf8)) else {
                throw InputError(source: out, field: "options", "not a training checkpoint")
            }
            options = saved
            if let epochs, epochs != saved.epochs {
                log("swiftnas: changing the run's length from \(saved.epochs) to \(epochs) epochs (the cosine schedule stretches from here)")
                options.epochs = epochs
            }
            resumed = checkpoint
        }
        guard trainingImages.count >= options.batchSize, options.batchSize > 0 else {
            throw InputError(source: "--batch-size", "needs between 1 and \(trainingImages.count) images")
        }
        var trainer = SupernetTrainer(data: trainingImages, options: options)
        if let resumed {
            try trainer.resume(from: resumed, source: out)
            if trainer.isFinished, resumed.metadata.keys.contains(where: { $0.hasPrefix("test_accuracy_") }) {
                log("swiftnas: \(out) is already trained (\(trainer.totalSteps) steps)")
                return
            }
            log("swiftnas: resuming \(out) at step \(trainer.step) of \(trainer.totalSteps)")
        }
        let start = ContinuousClock.now
        let deadline = maxMinutes.map { start.advanced(by: .seconds($0 * 60)) }
        let display = TrainingDisplay(total: trainer.totalSteps, first: trainer.step, epochSteps: trainer.stepsPerEpoch)
        while !trainer.isFinished {
            let (loss, accuracy) = trainer.trainStepMeasured()
            display.update(step: trainer.step, loss: loss, accuracy: accuracy, elapsed: start.duration(to: .now))
            if trainer.step % checkpointEvery == 0 { try trainer.checkpoint().write(to: out) }
            if let deadline, ContinuousClock.now >= deadline { break }
        }
        display.finish()
        var checkpoint = trainer.checkpoint()
        if trainer.isFinished {
            var measured = TestAccuracy.largestAndSmallest
            if case .fixed(let config) = options.schedule { measured = [("subnet", config)] }
            TestAccuracy.record(measured, of: trainer.network, calibration: split.calibration, test: test, into: &checkpoint.metadata)
        }
        try checkpoint.write(to: out)
        log("swiftnas: wrote \(out) at step \(trainer.step) of \(trainer.totalSteps)\(trainer.isFinished ? "" : " (run the same command to continue)")")
    }
}

/// `swiftnas supernet export`: writes what `builtin:fashion_mbv3` embeds — the checkpoint's weights in
/// float16 (no optimiser state) and the validation and re-calibration images as raw IDX files
/// (`scripts/embed_supernet.sh` compresses them into `Sources/SwiftNASFashion/Resources`).
struct SupernetExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the embedded checkpoint and data files.")

    @Option(help: "A checkpoint written by `swiftnas supernet train`.") var checkpoint: String
    @Option(help: "Folder with the four Fashion-MNIST IDX files (gzip or raw).") var data = defaultFashionMNIST
    @Option(help: "Output folder.") var out: String

    func run() async throws {
        EngineMemory.retainFreedBuffers()
        let loaded = try Checkpoint(contentsOf: checkpoint)
        var network = ElasticMobileNetV3(plan: .fashionMBV3, seed: 0)
        try network.restore(from: loaded, ignoringPrefixes: [SupernetTrainer.optimizerPrefix], source: checkpoint)
        var metadata = loaded.metadata
        metadata.removeValue(forKey: "options")
        if let options = loaded.metadata["options"] { metadata["training_options"] = options }
        let (train, test) = try ImageDataset.fashionMNIST(directory: data)
        let split = EmbeddedSupernet.split(training: train)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        func file(_ name: String) -> String { (out as NSString).appendingPathComponent(name) }
        // The accuracies `supernet info` shows are measured on the float16 weights as embedded.
        let embedded = file(EmbeddedSupernet.checkpointFile)
        try network.checkpoint(metadata: metadata).write(to: embedded, precision: .float16)
        var rounded = ElasticMobileNetV3(plan: .fashionMBV3, seed: 0)
        try rounded.restore(from: Checkpoint(contentsOf: embedded), ignoringPrefixes: [], source: embedded)
        TestAccuracy.record(TestAccuracy.largestAndSmallest, of: rounded, calibration: split.calibration, test: test, into: &metadata)
        try rounded.checkpoint(metadata: metadata).write(to: embedded, precision: .float16)
        for (set, names) in [(split.validation, EmbeddedSupernet.validationFiles), (split.calibration, EmbeddedSupernet.calibrationFiles)] {
            let (images, labels) = set.idxFiles()
            try AtomicFile.write(Data(images.serialized()), to: file(String(names.0.dropLast(3))))
            try AtomicFile.write(Data(labels.serialized()), to: file(String(names.1.dropLast(3))))
        }
        log("swiftnas: wrote \(EmbeddedSupernet.checkpointFile) (float16), \(split.validation.count) validation and \(split.calibration.count) re-calibration images to \(out)")
    }
}

/// The test-split accuracies a checkpoint records (`test_accuracy_NAME`, a fraction), measured on extracted
/// sub-networks with batch norm re-calibrated on the re-calibration images.
enum TestAccuracy {
    /// The two sub-networks every super-network checkpoint reports.
    static let largestAndSmallest = [("largest", SubnetConfig.largest(.fashionMBV3)), ("smallest", SubnetConfig.smallest(.fashionMBV3))]

    /// Measures each named sub-network of `network`, logs it and stores it in `metadata`.
    static func record(_ subnets: [(String, SubnetConfig)], of network: ElasticMobileNetV3, calibration: ImageDataset, test: ImageDataset,
                       into metadata: inout [String: String]) {
        for (name, config) in subnets {
            var subnet = network.extract(config)
            let accuracy = SubnetMeasurement.accuracy(of: &subnet, calibration: calibration, test: test)
            metadata["test_accuracy_\(name)"] = String(format: "%.4f", accuracy)
            log("swiftnas: \(name) sub-network test accuracy \(String(format: "%.2f", accuracy * 100)) %")
        }
    }
}

/// `swiftnas supernet test`: test-split accuracy of sub-networks of a checkpoint (extracted, batch norm
/// re-calibrated on the re-calibration images), for final reports; searches use the validation split.
struct SupernetTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Test-split accuracy of sub-networks of a checkpoint.")

    @Option(help: "A checkpoint written by `swiftnas supernet train`.") var checkpoint: String
    @Option(help: "Folder with the four Fashion-MNIST IDX files (gzip or raw).") var data = defaultFashionMNIST
    @Option(help: "A file with one fashion_mbv3 configuration JSON per line (default: the largest and the smallest).") var configs: String?

    func run() async throws {
        EngineMemory.retainFreedBuffers()
        let loaded = try Checkpoint(contentsOf: checkpoint)
        var network = ElasticMobileNetV3(plan: .fashionMBV3, seed: 0)
        try network.restore(from: loaded, ignoringPrefixes: [SupernetTrainer.optimizerPrefix], source: checkpoint)
        guard let space = BuiltinSpaces.named("fashion_mbv3") else { throw InputError(source: "fashion_mbv3", "space missing") }
        var subnets: [SubnetConfig] = [.largest(.fashionMBV3), .smallest(.fashionMBV3)]
        if let configs {
            subnets = try readConfigurationLines(configs, space: space, strict: true).map {
                try SubnetConfig($0, in: space, plan: .fashionMBV3, source: configs)
            }
        }
        let (train, test) = try ImageDataset.fashionMNIST(directory: data)
        let calibration = EmbeddedSupernet.split(training: train).calibration
        for config in subnets {
            var subnet = network.extract(config)
            let accuracy = SubnetMeasurement.accuracy(of: &subnet, calibration: calibration, test: test)
            print("{\"config\":\(config.json),\"test_accuracy_top1\":\(String(format: "%.2f", accuracy * 100))}")
        }
    }
}

/// `swiftnas supernet info`: what a checkpoint holds.
struct SupernetInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a super-network checkpoint's space, size and accuracies.")

    @Argument(help: "A checkpoint written by `swiftnas supernet train` or `export` (default: the embedded one).") var checkpoint: String?

    func run() async throws {
        let checkpoint = try self.checkpoint ?? EmbeddedSupernet.path(EmbeddedSupernet.checkpointFile)
        let loaded = try Checkpoint(contentsOf: checkpoint)
        let parameters = loaded.tensors.filter { !$0.name.hasPrefix("optimizer.") }.reduce(0) { $0 + $1.tensor.storage.count }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: checkpoint)[.size] as? Int) ?? 0
        let space = BuiltinSpaces.named("fashion_mbv3")
        print("checkpoint: \(checkpoint) (\(bytes) bytes, format \(Checkpoint.version))")
        print("space: fashion_mbv3, \(space.map { SpacesCommand.format(size: $0.size) } ?? "?") sub-networks")
        print("super-network weights: \(parameters) values")
        for key in loaded.metadata.keys.sorted() where key != "options" {
            print("\(key): \(loaded.metadata[key]!)")
        }
        if let options = loaded.metadata["options"] { print("training options: \(options)") }
    }
}

/// Training progress: a redrawn line on a terminal, a log line every `logEvery` steps otherwise. Loss and
/// accuracy are the largest sub-network's, averaged over the steps since the last line.
final class TrainingDisplay: @unchecked Sendable {
    let total: Int, first: Int, epochSteps: Int
    let isTerminal = isatty(STDERR_FILENO) != 0
    let logEvery = 50
    private var lossSum: Double = 0, accuracySum = 0.0, measured = 0

    init(total: Int, first: Int, epochSteps: Int) {
        self.total = total
        self.first = first
        self.epochSteps = epochSteps
    }

    func update(step: Int, loss: Float, accuracy: Double, elapsed: Duration) {
        lossSum += Double(loss)
        accuracySum += accuracy
        measured += 1
        let due = step % logEvery == 0 || step % epochSteps == 0 || step == first + 1 || step == total
        guard isTerminal || due else { return }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let eta = seconds / Double(max(1, step - first)) * Double(total - step)
        let line = "step \(step)/\(total) epoch \((step - 1) / max(1, epochSteps) + 1) loss \(String(format: "%.4f", lossSum / Double(measured)))"
            + " train-acc \(String(format: "%.2f", 100 * accuracySum / Double(measured))) % ETA \(ProgressDisplay.clock(eta))"
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        } else {
            log("swiftnas: \(line)")
        }
        if due { lossSum = 0; accuracySum = 0; measured = 0 }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
