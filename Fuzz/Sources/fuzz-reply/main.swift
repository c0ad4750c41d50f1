// Evaluator protocol reply lines: what ProcessEvaluator does with one line of the evaluator's stdout
// (Literal.parse, the id check, then EvaluatorProcess.metrics(from:wanted:)).
import FuzzSupport
import SwiftNASSpace
@testable import SwiftNASEvaluation

runFuzzer { input in
    guard let text = text(input) else { return }
    expectingInputErrors {
        guard let reply = try? Literal.parse(text), case .object = reply else { return }
        guard case .string? = reply["id"] else { return }
        for wanted in [[], ["accuracy_top1", "macs"], ["latency"]] {
            expectingInputErrors {
                let metrics = try EvaluatorProcess.metrics(from: reply, wanted: wanted)
                check(Set(metrics.keys) == Set(wanted), "metrics \(metrics.keys.sorted()) are not the wanted \(wanted)")
                check(metrics.values.allSatisfy(\.isFinite), "a metric is not finite")
            }
        }
    }
}
