import Foundation
import SwiftNASPredictors
import SwiftNASPareto
import SwiftNASSearch
import SwiftNASSpace

/// One LINAS iteration's overhead: fit one predictor per objective (ridge vs SVR by CV MAPE, as DyNAS-T) on
/// measured rows and run NSGA-II for 20 000 predicted evaluations to propose the next population.
///
/// Rows come from the CSV named by `SWIFTNAS_BENCH_ROWS` (columns `config`, `accuracy_top1`, `macs`), written
/// by `benchmarks/linas.sh` from DyNAS-T's OFA-MobileNetV3 measurements, so both sides use identical data.
struct LINASIterationBenchmark: Benchmark {
    static let name = "linas-iteration"
    let primed: LINASTactic?

    init() {
        guard let path = ProcessInfo.processInfo.environment["SWIFTNAS_BENCH_ROWS"],
              let space = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0"),
              let accuracy = try? MeasurementTable.load(path: path, space: space, target: "accuracy_top1"),
              let macs = try? MeasurementTable.load(path: path, space: space, target: "macs") else {
            FileHandle.standardError.write(Data("linas-iteration: set SWIFTNAS_BENCH_ROWS to a CSV with config, accuracy_top1, macs\n".utf8))
            primed = nil
            return
        }
        let goal = SearchGoal(objectives: [.init(metric: "accuracy_top1", sense: .maximize), .init(metric: "macs", sense: .minimize)])
        let context = TacticContext(space: space, goal: goal, algorithm: "nsga2", populationSize: 50, seed: 1, innerEvaluations: 20_000)
        guard var tactic = try? LINASTactic(context: context) else { primed = nil; return }
        _ = tactic.ask()  // the first (random) population: no predictors yet
        tactic.tell(zip(accuracy.configurations, zip(accuracy.targets, macs.targets)).map { configuration, values in
            Measurement(configuration: configuration, metrics: ["accuracy_top1": values.0, "macs": values.1])
        })
        primed = tactic
    }

    func run() -> String {
        guard var tactic = primed else { return "no data" }
        let next = tactic.ask()
        return "proposed=\(next.count)"
    }
}
