import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASBuiltins
import SwiftNASEngine
import SwiftNASEvaluation
import SwiftNASSearch
import SwiftNASSupernet

/// `swiftnas supernet`: trains the registered super-networks SwiftNAS can train itself and inspects their
/// checkpoints.
struct SupernetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supernet",
        abstract: "Train a native super-network (\(SupernetChoice.trainable.map(\.name).joined(separator: ", "))), or show a checkpoint.",
        subcommands: [SupernetTrainCommand.self, SupernetInfoCommand.self, SupernetExportCommand.self, SupernetTestCommand.self])
}

/// `--supernet NAME` and `--data DIR` of the `supernet` subcommands: which trainable super-network, and where its
/// data set is.
struct SupernetChoice: ParsableArguments {
    /// The registered super-networks SwiftNAS trains itself.
    static let trainable = Registry.standard.supernetworks.all.compactMap { $0 as? any TrainableSupernetwork }

    @Option(help: "The super-network (\(SupernetChoice.trainable.map(\.name).joined(separator: ", "))); default the first.")
    var supernet: String?
    @Option(help: "Folder with its data set (default: where its package installs it).") var data: String?

    /// The chosen super-network.
    func resolve() throws -> any TrainableSupernetwork {
        guard let name = supernet else {
            guard let first = Self.trainable.first else { throw InputError(source: "--supernet", "no trainable super-network is registered") }
            return first
        }
        guard let found = Self.trainable.first(where: { $0.name == name }) else {
            throw InputError(source: "--supernet", "'\(name)' is not a super-network SwiftNAS trains (choose from \(Self.trainable.map(\.name).joined(separator: ", ")))")
        }
        return found
    }

    /// The chosen super-network with the weights of `checkpoint` (its optimiser state left out).
    func load(_ checkpoint: String) throws -> (any TrainableSupernetwork, ElasticMobileNetV3, Checkpoint) {
        let supernetwork = try resolve()
        let loaded = try Checkpoint(contentsOf: checkpoint)
        var network = ElasticMobileNetV3(plan: supernetwork.plan, seed: 0)
        try network.restore(from: loaded, ignoringPrefixes: [SupernetTrainer.optimizerPrefix], source: checkpoint)
        return (supernetwork, network, loaded)
    }

    /// The chosen super-network's data set, split.
    func loadData(of supernetwork: any TrainableSupernetwork) throws -> SupernetData {
        try supernetwork.trainingData(directory: data ?? supernetwork.defaultDataDirectory)
    }
}

/// `swiftnas supernet train`: weight-sharing training with the sandwich rule and in-place distillation.
///
/// Resumable: when `--out` exists, training continues from it (with the options it was started with) and
/// ends exactly as an uninterrupted run would. A checkpoint is written atomically every `--checkpoint-every`
/// steps and when `--max-minutes` runs out, so long runs can be done in pieces.
struct SupernetTrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Train (or continue training) the super-network.")

    @OptionGroup var choice: SupernetChoice
    @Option(help: "The checkpoint to write (and to resume from when it exists).") var out: String
    @Option(help: "Passes over the training split (default \(SupernetTrainingOptions().epochs)); when resuming, changes the run's length.") var epochs: Int?
    @Option(name: .customLong("batch-size"), help: "Images per step.") var batchSize = SupernetTrainingOptions().batchSize
    @Option(name: .customLong("learning-rate"), help: "Peak learning rate.") var learningRate = SupernetTrainingOptions().learningRate
    @Option(help: "Random seed.") var seed: UInt64 = SupernetTrainingOptions().seed
    @Option(help: "Which sub-networks each step trains: sandwich (BigNAS, default) or progressive-shrinking (OFA).") var schedule = "sandwich"
    @Option(help: "Train only this configuration (JSON, e.g. {\"ks\":[…],\"e\":[…],\"d\":[…]}) from scratch, on the labels: the baseline for super-network accuracy.") var subnet: String?
    @Option(name: .customLong("checkpoint-every"), help: "Steps between checkpoints.") var checkpointEvery = 200
    @Option(name: .customLong("max-minutes"), help: "Stop (with a checkpoint) after this many minutes.") var maxMinutes: Double?

    func run() async throws {
        guard checkpointEvery > 0 else { throw InputError(source: "--checkpoint-every", "must be at least 1") }
        if let epochs, epochs < 1 { throw InputError(source: "--epochs", "must be at least 1") }
        EngineMemory.retainFreedBuffers()
        let supernetwork = try choice.resolve()
        let split = try choice.loadData(of: supernetwork)
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
            let configuration = try supernetwork.space.configuration(fromText: subnet, source: "--subnet", strict: true)
            options.schedule = .fixed(try SubnetConfig(configuration, in: supernetwork.space, plan: supernetwork.plan, source: "--subnet"))
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
        var trainer = SupernetTrainer(plan: supernetwork.plan, data: trainingImages, options: options)
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
            var measured = TestAccuracy.largestAndSmallest(supernetwork.plan)
            if case .fixed(let config) = options.schedule { measured = [("subnet", config)] }
            TestAccuracy.record(measured, of: trainer.network, calibration: split.calibration, test: split.test, into: &checkpoint.metadata)
        }
        try checkpoint.write(to: out)
        log("swiftnas: wrote \(out) at step \(trainer.step) of \(trainer.totalSteps)\(trainer.isFinished ? "" : " (run the same command to continue)")")
    }
}

/// `swiftnas supernet export`: writes what a trainable super-network embeds — the checkpoint's weights in
/// float16 (no optimiser state) and its validation and re-calibration images as raw IDX files
/// (`scripts/embed_supernet.sh` compresses them into the module's resources).
struct SupernetExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the embedded checkpoint and data files.")

    @Option(help: "A checkpoint written by `swiftnas supernet train`.") var checkpoint: String
    @OptionGroup var choice: SupernetChoice
    @Option(help: "Output folder.") var out: String

    func run() async throws {
        EngineMemory.retainFreedBuffers()
        let (supernetwork, network, loaded) = try choice.load(checkpoint)
        var metadata = loaded.metadata
        metadata.removeValue(forKey: "options")
        if let options = loaded.metadata["options"] { metadata["training_options"] = options }
        let split = try choice.loadData(of: supernetwork)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        // The accuracies `supernet info` shows are measured on the float16 weights as embedded.
        let embedded = (out as NSString).appendingPathComponent(supernetwork.embeddedCheckpointName)
        try network.checkpoint(metadata: metadata).write(to: embedded, precision: .float16)
        var rounded = ElasticMobileNetV3(plan: supernetwork.plan, seed: 0)
        try rounded.restore(from: Checkpoint(contentsOf: embedded), ignoringPrefixes: [], source: embedded)
        TestAccuracy.record(TestAccuracy.largestAndSmallest(supernetwork.plan), of: rounded, calibration: split.calibration, test: split.test, into: &metadata)
        try rounded.checkpoint(metadata: metadata).write(to: embedded, precision: .float16)
        let written = try supernetwork.writeEmbeddedData(split, to: out)
        log("swiftnas: wrote \(supernetwork.embeddedCheckpointName) (float16), \(written) to \(out)")
    }
}

/// The test-split accuracies a checkpoint records (`test_accuracy_NAME`, a fraction), measured on extracted
/// sub-networks with batch norm re-calibrated on the re-calibration images.
enum TestAccuracy {
    /// The two sub-networks every super-network checkpoint reports.
    static func largestAndSmallest(_ plan: SupernetPlan) -> [(String, SubnetConfig)] {
        [("largest", SubnetConfig.largest(plan)), ("smallest", SubnetConfig.smallest(plan))]
    }

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
    @OptionGroup var choice: SupernetChoice
    @Option(help: "A file with one configuration JSON per line (default: the largest and the smallest).") var configs: String?

    func run() async throws {
        EngineMemory.retainFreedBuffers()
        let (supernetwork, network, _) = try choice.load(checkpoint)
        let space = supernetwork.space
        var subnets = TestAccuracy.largestAndSmallest(supernetwork.plan).map(\.1)
        if let configs {
            subnets = try readConfigurationLines(configs, space: space, strict: true).map {
                try SubnetConfig($0, in: space, plan: supernetwork.plan, source: configs)
            }
        }
        let split = try choice.loadData(of: supernetwork)
        for config in subnets {
            var subnet = network.extract(config)
            let accuracy = SubnetMeasurement.accuracy(of: &subnet, calibration: split.calibration, test: split.test)
            print("{\"config\":\(config.json),\"test_accuracy_top1\":\(String(format: "%.2f", accuracy * 100))}")
        }
    }
}

/// `swiftnas supernet info`: what a checkpoint holds.
struct SupernetInfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a super-network checkpoint's space, size and accuracies.")

    @Argument(help: "A checkpoint written by `swiftnas supernet train` or `export` (default: the embedded one).") var checkpoint: String?
    @OptionGroup var choice: SupernetChoice

    func run() async throws {
        let supernetwork = try choice.resolve()
        let checkpoint = try self.checkpoint ?? supernetwork.embeddedCheckpoint()
        let loaded = try Checkpoint(contentsOf: checkpoint)
        let parameters = loaded.tensors.filter { !$0.name.hasPrefix("optimizer.") }.reduce(0) { $0 + $1.tensor.storage.count }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: checkpoint)[.size] as? Int) ?? 0
        print("checkpoint: \(checkpoint) (\(bytes) bytes, format \(Checkpoint.version))")
        print("space: \(supernetwork.name), \(supernetwork.space.sizeDescription) sub-networks")
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
