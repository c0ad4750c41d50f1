import Foundation
import SwiftNASCore
import SwiftNASPredictors

/// DyNAS-T's LINAS predictor fit: ridge (α 0.1…10) and RBF SVR (C 1…100) tuned by 5-fold CV MAPE, the better one
/// kept, on the rows `benchmarks/predictors.sh` writes (250 × 135 one-hot OFA-MobileNetV3 sub-networks) to the
/// directory named by `SWIFTNAS_PREDICTOR_DATA` (`train.csv`, `test.csv`: config, target, x0…).
struct PredictorLINASBenchmark: Benchmark {
    static let name = "predictor-linas"
    static let dataVariable = "SWIFTNAS_PREDICTOR_DATA"

    let training: (features: Matrix, targets: [Double])
    let test: (features: Matrix, targets: [Double])

    init() {
        guard let directory = ProcessInfo.processInfo.environment[Self.dataVariable] else {
            FileHandle.standardError.write(Data("swiftnas-bench: set \(Self.dataVariable) to a directory with train.csv and test.csv (benchmarks/predictors.sh does)\n".utf8))
            exit(2)
        }
        do {
            training = try Self.read(directory + "/train.csv")
            test = try Self.read(directory + "/test.csv")
        } catch {
            FileHandle.standardError.write(Data("swiftnas-bench: \(error)\n".utf8))
            exit(2)
        }
    }

    /// Reads the target (column 2) and the features (columns 3…) of a prepared CSV.
    static func read(_ path: String) throws -> (features: Matrix, targets: [Double]) {
        let table = try CSVTable(parsing: String(contentsOfFile: path, encoding: .utf8), source: path)
        var targets: [Double] = []
        var features: [Double] = []
        for (row, record) in table.records.enumerated() {
            let numbers = record.dropFirst().compactMap { Double($0) }
            guard numbers.count == record.count - 1, let target = numbers.first else {
                throw PredictorError("\(path): row \(row + 1) has a non-numeric cell")
            }
            targets.append(target)
            features.append(contentsOf: numbers.dropFirst())
        }
        return (Matrix(rows: targets.count, columns: table.header.count - 2, storage: features), targets)
    }

    func run() -> String {
        var predictor = PredictorSelection.dynast
        do {
            try predictor.fit(features: training.features, targets: training.targets)
        } catch {
            return "error: \(error)"
        }
        let kendall = RegressionMetrics.kendallTau(test.targets, predictor.predict(test.features))
        return "kendall=\(kendall) selected=\(predictor.selected?.name ?? "none")"
    }
}
