// Results and measurement CSVs: CSVTable, MeasurementTable.parse (ours and DyNAS-T's layout, a configuration
// per row), TrainingTable.parse (latency model training data) and the report's reading of a results CSV.
import FuzzSupport
import SwiftNASLatency
import SwiftNASPredictors
import SwiftNASSpace
@testable import SwiftNASCommands

let space = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!

runFuzzer { input in
    guard let text = text(input) else { return }
    expectingInputErrors {
        let table = try CSVTable(parsing: text, source: "fuzz.csv")
        check(table.records.allSatisfy { $0.count == table.header.count }, "a record's width differs from the header's")
    }
    for target in ["accuracy_top1", "Top-1 Acc (%)"] {
        expectingInputErrors {
            let table = try MeasurementTable.parse(text, source: "fuzz.csv", space: space, target: target)
            _ = table.mergingDuplicates(space: space)
            _ = FeatureEncoding.onehot.features(of: table.configurations, in: space)
        }
    }
    for (target, encoding) in [("latency", FeatureEncoding.ordinal), ("a+b", .onehot)] {
        expectingInputErrors {
            _ = try TrainingTable.parse(text, source: "fuzz.csv", target: TargetExpression(parsing: target), space: space, encoding: encoding)
        }
        expectingInputErrors {
            _ = try TrainingTable.parse(text, source: "fuzz.csv", target: TargetExpression(parsing: target), space: nil, encoding: encoding)
        }
    }
    expectingInputErrors {
        _ = try ReportCommand.records(fromCSV: text, source: "fuzz.csv")
    }
}
