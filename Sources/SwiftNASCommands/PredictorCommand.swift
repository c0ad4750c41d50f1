import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASBuiltins
import SwiftNASPredictors
import SwiftNASSearch
import SwiftNASStore
import SwiftNASSpace

/// `swiftnas predictor`: the lightly trained predictors LINAS fits on measured sub-networks.
struct PredictorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predictor",
        abstract: "Fit and check the predictors LINAS uses between measurements.",
        subcommands: [PredictorEvaluateCommand.self, ModelFitCommand.self])
}

/// `swiftnas predictor evaluate`: held-out MAPE, RMSE, Kendall τ and Spearman ρ of every predictor on a table.
struct PredictorEvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Fit every predictor on part of a measurement CSV and score it on the held-out rows.",
        discussion: """
            Reads DyNAS-T results files (`Sub-network` column) or SwiftNAS files (`config` column). Rows describing \
            the same sub-network are merged (mean target) before the seeded split. Prints one line per predictor: \
            `<predictor> mape=<percent> rmse=<x> kendall=<tau> spearman=<rho>`.
            """)

    /// Fewer training rows than this cannot feed 5-fold cross-validation meaningfully.
    static let minimumTrainingRows = 10

    @Option(name: .customLong("data"), help: "The measurement CSV.")
    var dataPath: String

    @Option(name: .customLong("space"), help: "A built-in space name or a space file (JSON or YAML).")
    var spaceName: String

    @Option(name: .customLong("target"), help: "The column to predict, e.g. 'Top-1 Acc (%)' or 'MACs'.")
    var target: String

    @Option(name: .customLong("train-fraction"), help: "The fraction of distinct sub-networks to fit on.")
    var trainFraction = 0.8

    @Option(name: .customLong("seed"), help: "Seed of the split and of the stochastic predictors.")
    var seed: UInt64 = 0

    @Option(name: .customLong("features"), help: "Feature encoding: onehot or ordinal.")
    var features = "onehot"

    @Option(name: .customLong("export-split"), help: "A directory to write the split to (train.csv, test.csv: config, target and feature columns), for checking against other tools.")
    var exportDirectory: String?

    func run() async throws {
        guard trainFraction > 0 && trainFraction < 1 else {
            throw InputError(source: "--train-fraction", "must lie strictly between 0 and 1, got \(trainFraction)")
        }
        guard let encoding = FeatureEncoding(rawValue: features) else {
            throw InputError(source: "--features", "must be one of \(FeatureEncoding.allCases.map(\.rawValue).joined(separator: ", ")), got '\(features)'")
        }
        let space = try Registry.standard.supernetworks.space(nameOrPath: spaceName, source: "--space")
        let table = try MeasurementTable.load(path: dataPath, space: space, target: target)
        let evaluation = HeldOutEvaluation(table: table, space: space, trainingFraction: trainFraction, seed: seed)
        guard evaluation.training.targets.count >= Self.minimumTrainingRows, evaluation.test.targets.count >= 2 else {
            throw InputError(source: dataPath, "\(evaluation.training.targets.count + evaluation.test.targets.count) distinct sub-networks split into \(evaluation.training.targets.count) training and \(evaluation.test.targets.count) test rows; need at least \(Self.minimumTrainingRows) and 2")
        }
        FileHandle.standardError.write(Data("\(dataPath): \(table.targets.count) rows, \(evaluation.training.targets.count) training and \(evaluation.test.targets.count) held-out distinct sub-networks\n".utf8))
        if let exportDirectory {
            for (name, rows) in [("train.csv", evaluation.training), ("test.csv", evaluation.test)] {
                try AtomicFile.write(Self.csv(rows, space: space, target: target, encoding: encoding), to: exportDirectory + "/" + name)
            }
        }
        for predictor in Registry.standard.predictors.all(seed: seed) {
            let scores: RegressionScores
            do {
                scores = try evaluation.score(predictor, space: space, encoding: encoding)
            } catch let error as PredictorError {
                throw InputError(source: dataPath, error.message)
            }
            print(Self.line(predictor.name, scores))
        }
    }

    /// SwiftNAS table CSV: the configuration JSON, the target, then one column per feature (`x0`, `x1`, ...).
    static func csv(_ table: MeasurementTable, space: SearchSpace, target: String, encoding: FeatureEncoding) -> String {
        let quoted = ResultsCSV.field
        let features = encoding.features(of: table.configurations, in: space)
        var lines = [([MeasurementTable.configurationColumn, target] + (0..<features.columns).map { "x\($0)" }).map(quoted).joined(separator: ",")]
        for (r, configuration) in table.configurations.enumerated() {
            let cells = [space.json(of: configuration), String(table.targets[r])] + features.row(r).map { String($0) }
            lines.append(cells.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func line(_ name: String, _ s: RegressionScores) -> String {
        "\(name) mape=\(String(format: "%.4f", s.mape)) rmse=\(String(format: "%.6g", s.rmse)) kendall=\(String(format: "%.4f", s.kendall)) spearman=\(String(format: "%.4f", s.spearman))"
    }
}
