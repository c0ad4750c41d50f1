import Foundation
import Testing
import SwiftNASCore
import SwiftNASEngine
import SwiftNASEvaluation
import SwiftNASSpace
import SwiftNASSupernet
@testable import SwiftNASFashion

@Suite struct FashionEvaluatorTests {
    @Test func embeddedFilesArePresentAndSplitLikeTraining() throws {
        let validation = try EmbeddedSupernet.validation(), calibration = try EmbeddedSupernet.calibration()
        #expect(validation.count == EmbeddedSupernet.validationImages)
        #expect(calibration.count == EmbeddedSupernet.calibrationImages)
        #expect(validation.height == 28 && validation.width == 28)
        // Every class is represented in the validation split.
        #expect(Set(validation.labels).count == 10)
    }

    /// The embedded checkpoint is a finished run that meets issue 4's goals (the figures `export` recorded,
    /// measured on the float16 weights).
    @Test func embeddedCheckpointIsAFinishedRunMeetingTheAccuracyGoals() throws {
        let checkpoint = try Checkpoint(contentsOf: EmbeddedSupernet.path(EmbeddedSupernet.checkpointFile))
        let largest = try #require(checkpoint.metadata["test_accuracy_largest"].flatMap(Double.init))
        let smallest = try #require(checkpoint.metadata["test_accuracy_smallest"].flatMap(Double.init))
        #expect(largest >= 0.92 && smallest >= 0.88, "largest \(largest), smallest \(smallest)")
        let options = try JSONDecoder().decode(SupernetTrainingOptions.self, from: Data(try #require(checkpoint.metadata["training_options"]).utf8))
        let trainingImages = try #require(checkpoint.metadata["trainingImages"].flatMap(Int.init))
        #expect(checkpoint.metadata["step"].flatMap(Int.init) == options.totalSteps(trainingImages: trainingImages))
    }
}

@Suite struct FashionEvaluatorMetricTests {
    /// A freshly initialised super-network's checkpoint (the evaluator's behaviour does not depend on training).
    static let checkpoint: String = {
        let path = NSTemporaryDirectory() + "swiftnas-fashion-\(UUID().uuidString).snck"
        try? ElasticMobileNetV3(plan: .fashionMBV3, seed: 3).checkpoint().write(to: path, precision: .float16)
        return path
    }()
    static let space = FashionMBV3Supernetwork().space

    func evaluator(_ extra: EvaluatorOptions = [:]) throws -> FashionMBV3Evaluator {
        var options: EvaluatorOptions = ["checkpoint": Self.checkpoint, "images": "30", "calibration": "20", "repeats": "2", "warmup": "0"]
        options.merge(extra) { _, new in new }
        return try FashionMBV3Evaluator(space: Self.space, supernetwork: FashionMBV3Supernetwork(), options: options)
    }

    @Test func measuresEveryMetric() async throws {
        let e = try evaluator(["batch": "2", "threads": "1"])
        let largest = Configuration(indices: Self.space.parameters.flatMap { p in Array(repeating: p.values.count - 1, count: p.count) })
        let values = try await e.evaluate(largest, metrics: ["accuracy_top1", "macs", "params", "model_size", "latency"])
        #expect(values["macs"] == 58_601_024)
        #expect(values["params"] == 2_616_586)
        #expect(values["model_size"] == Double(4 * 2_616_586))
        let accuracy: Double = try #require(values["accuracy_top1"])
        let correct: Double = accuracy * 30 / 100
        #expect(accuracy >= 0 && accuracy <= 100)
        #expect(abs(correct - correct.rounded()) < 1e-9)
        #expect(try #require(values["latency"]) > 0)
        // Counts only: no network pass needed, same figures.
        let counts = try await e.evaluate(largest, metrics: ["macs"])
        #expect(counts == ["macs": 58_601_024])
        // The same configuration measures the same accuracy (re-calibration starts afresh each time).
        let again = try await e.evaluate(largest, metrics: ["accuracy_top1"])
        #expect(again["accuracy_top1"] == accuracy)
    }

    /// `fashion_mbv3_quant`: all fp32 measures what `fashion_mbv3` does; int8 parts shrink the model and still classify.
    @Test func measuresQuantizedSubnetworks() async throws {
        let quantSpace = FashionMBV3QuantSupernetwork().space
        let options: EvaluatorOptions = ["checkpoint": Self.checkpoint, "images": "30", "calibration": "20", "repeats": "1",
                                         "warmup": "0", "threads": "1", "quantization-images": "8"]
        let quantized = try FashionMBV3Evaluator(space: quantSpace, supernetwork: FashionMBV3QuantSupernetwork(), options: options)
        var random = SeededRandom(seed: 8)
        let base = Self.space.randomConfiguration(using: &random)
        let metrics = ["accuracy_top1", "macs", "params", "model_size", "latency"]
        let float = try await evaluator(["threads": "1", "repeats": "1"]).evaluate(base, metrics: metrics)
        let allFloat = try await quantized.evaluate(Configuration(indices: base.indices + Array(repeating: 0, count: 21)), metrics: metrics)
        for metric in ["accuracy_top1", "macs", "params", "model_size"] { #expect(allFloat[metric] == float[metric], "\(metric)") }
        let allInt8 = try await quantized.evaluate(Configuration(indices: base.indices + Array(repeating: 1, count: 21)), metrics: metrics)
        #expect(allInt8["macs"] == float["macs"] && allInt8["params"] == float["params"])
        #expect(try #require(allInt8["model_size"]) < 0.5 * float["model_size"]!)
        let accuracy = try #require(allInt8["accuracy_top1"])
        #expect(accuracy >= 0 && accuracy <= 100 && abs(accuracy * 30 / 100 - (accuracy * 30 / 100).rounded()) < 1e-9)
        #expect(try #require(allInt8["latency"]) > 0)
        // A precision the space does not have is a failed evaluation, not a crash.
        await #expect(throws: EvaluationFailure.self) {
            _ = try await quantized.evaluate(Configuration(indices: base.indices + Array(repeating: 2, count: 21)), metrics: ["accuracy_top1"])
        }
        for bad in ["median", "40", "100.5"] {
            #expect(throws: InputError.self) {
                _ = try FashionMBV3Evaluator(space: quantSpace, supernetwork: nil, options: options.merging(["quantization": bad]) { $1 })
            }
        }
        _ = try FashionMBV3Evaluator(space: quantSpace, supernetwork: nil, options: options.merging(["quantization": "99.9"]) { $1 })
    }

    @Test func badOptionsAndSpacesAreInputErrors() throws {
        #expect(throws: InputError.self) { try evaluator(["threads": "0"]) }
        #expect(throws: InputError.self) { try evaluator(["colour": "blue"]) }
        #expect(throws: InputError.self) { try evaluator(["checkpoint": "/nonexistent/x.snck"]) }
        let other = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!
        #expect(throws: InputError.self) { try FashionMBV3Evaluator(space: other, supernetwork: nil, options: ["checkpoint": Self.checkpoint]) }
    }
}
