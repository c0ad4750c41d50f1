import Testing
import SwiftNASCore
import SwiftNASSpace
@testable import SwiftNASEvaluation

/// A fixed evaluator for contract tests.
struct ConstantEvaluator: Evaluator {
    var identity: String { "constant" }
    var supportedMetrics: Set<String>? { ["macs"] }
    func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] { ["macs": 1] }
}

@Suite struct EvaluatorTests {
    @Test func unsupportedMetricIsInputError() {
        #expect(throws: InputError.self) { try checkMetrics(["latency"], supportedBy: ConstantEvaluator(), source: "--metrics") }
        #expect(throws: Never.self) { try checkMetrics(["macs"], supportedBy: ConstantEvaluator(), source: "--metrics") }
    }
}
