import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASBuiltins
import SwiftNASLatency
import SwiftNASPredictors
import SwiftNASSearch
import SwiftNASSpace

/// `swiftnas latency`: latency models of devices measured elsewhere, for searches that cannot measure them.
struct LatencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Learn latency models from device measurements (builtin:model), or time this machine's super-network blocks (builtin:lut).",
        subcommands: [ModelFitCommand.self, LatencyTableCommand.self])
}

/// `swiftnas latency fit`: chooses among the LINAS predictors by cross-validation and saves the model file. The same
/// command serves any measured metric (one-hot or ordinal features of a space), hence its general name.
struct ModelFitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a predictor to measured configurations and save it as a model file.",
        discussion: """
            Reads HAT latency files (aggregated architecture columns; every numeric column not named latency… is a \
            feature) or tables with a `config`/`Sub-network` column (give --space; one-hot or ordinal features). \
            With --train-fraction the model is fitted on that seeded share of the rows and the last line printed \
            is the held-out `mape=<percent> rmse=<x> kendall=<tau> spearman=<rho>`.
            """)

    @Option(name: .customLong("data"), help: "The measurement CSV.")
    var dataPath: String

    @Option(name: .customLong("target"), help: "The column to predict, or columns joined by '+' (latency_mean_encoder+latency_mean_decoder).")
    var target: String

    @Option(name: .customLong("out"), help: "The model file to write (JSON); optional with --train-fraction.")
    var outPath: String?

    @Option(name: .customLong("space"), help: "A built-in space name or space file: the space of the table's configurations, or whose configurations the feature columns describe.")
    var spaceName: String?

    @Option(name: .customLong("features"), help: "Encoding of configurations: onehot or ordinal.")
    var features = "onehot"

    @Option(name: .customLong("predictors"), help: "Comma-separated candidates among \(Registry.standard.predictors.predictors.map { $0.name }.joined(separator: ", ")), each also with -log (fitted to log latency).")
    var predictors = ModelFitting.defaultPredictorNames.joined(separator: ",")

    @Option(name: .customLong("criterion"), help: "What cross-validation minimises: mape, rmse or kendall.")
    var criterion = "mape"

    @Option(name: .customLong("train-fraction"), help: "Fit on this seeded share of the rows and score the rest.")
    var trainFraction: Double?

    @Option(name: .customLong("seed"), help: "Seed of the split and of the stochastic predictors.")
    var seed: UInt64 = 0

    @Option(name: .customLong("export-split"), help: "With --train-fraction: a directory to write train.csv and test.csv to (feature columns, then target), for checking against other tools.")
    var exportDirectory: String?

    func run() async throws {
        if let trainFraction, !(trainFraction > 0 && trainFraction < 1) {
            throw InputError(source: "--train-fraction", "must lie strictly between 0 and 1, got \(trainFraction)")
        }
        guard outPath != nil || trainFraction != nil else {
            throw InputError(source: "--out", "is required unless --train-fraction holds rows out for scoring")
        }
        guard let encoding = FeatureEncoding(rawValue: features) else {
            throw InputError(source: "--features", "must be one of \(FeatureEncoding.allCases.map(\.rawValue).joined(separator: ", ")), got '\(features)'")
        }
        guard let criterion = PredictorSelection.Criterion(rawValue: criterion) else {
            throw InputError(source: "--criterion", "must be one of \(PredictorSelection.Criterion.allCases.map(\.rawValue).joined(separator: ", ")), got '\(self.criterion)'")
        }
        let space = try spaceName.map { try Registry.standard.supernetworks.space(nameOrPath: $0, source: "--space") }
        let targetExpression = try TargetExpression(parsing: target)
        let candidates = try Registry.standard.predictors.singles(named: predictors.split(separator: ",").map(String.init), seed: seed, source: "--predictors")
        let table = try TrainingTable.load(path: dataPath, target: targetExpression, space: space, encoding: encoding)
        let fitting = ModelFitting(candidates: candidates, criterion: criterion, seed: seed)
        let outcome = try fitting.fit(table, target: targetExpression, data: dataPath, trainingFraction: trainFraction)
        if let exportDirectory, let split = outcome.split {
            do { try FileManager.default.createDirectory(atPath: exportDirectory, withIntermediateDirectories: true) } catch {
                throw InputError(source: "--export-split", "cannot create the directory (\(error.localizedDescription))")
            }
            for (name, rows) in [("train.csv", split.training), ("test.csv", split.heldOut)] {
                try AtomicFile.write(Self.csv(table, rows: rows, target: targetExpression), to: exportDirectory + "/" + name)
            }
        }
        if let outPath { try outcome.model.write(to: outPath) }
        let summary = outcome.model.training
        for (name, score) in summary.candidateScores.sorted(by: { $0.key < $1.key }) {
            print("cv \(name) \(summary.criterion)=\(String(format: "%.4f", score))")
        }
        print("selected \(summary.selected) on \(summary.trainingRows) rows")
        if let heldOut = outcome.heldOut { print(heldOut.figuresLine) }
    }

    /// The listed rows of `table`: its feature columns, then the target.
    static func csv(_ table: TrainingTable, rows: [Int], target: TargetExpression) -> String {
        var lines = [(table.columnNames + [target.description]).joined(separator: ",")]
        for r in rows {
            lines.append((table.features.row(r) + [table.targets[r]]).map { String($0) }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
