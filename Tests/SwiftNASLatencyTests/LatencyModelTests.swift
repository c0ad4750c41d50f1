import Foundation
import Testing
import SwiftNASCore
import SwiftNASPredictors
import SwiftNASSpace
@testable import SwiftNASLatency

let transformer = BuiltinSpaces.named("transformer_lt_wmt_en_de")!
let whole = TargetExpression(columns: ["latency_mean_encoder", "latency_mean_decoder"])

/// A small HAT-style latency table: `rows` random TransformerLT sub-networks, their HAT features and a latency
/// that is a fixed function of them plus seeded noise, split into encoder and decoder columns.
func syntheticHATTable(rows: Int, seed: UInt64) -> String {
    var rng = SeededRandom(seed: seed)
    let features = HATFeatures(space: transformer)!
    var lines = [(HATFeatures.columnNames + ["latency_mean_encoder", "latency_mean_decoder", "latency_std_encoder", "latency_std_decoder"]).joined(separator: ",")]
    for configuration in transformer.sample(rows, using: &rng) {
        let x = features.values(of: configuration)
        let encoder = 0.01 * x[0] + 0.002 * x[2] + 0.3 * x[3]
        let decoder = x[5] * (0.02 * x[4] + 0.004 * x[6] + 0.5 * x[7]) + 2 * x[9] + rng.nextUnit()
        lines.append((x + [encoder, decoder, 0.1, 0.2]).map { String($0) }.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
}

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-latency-\(ProcessInfo.processInfo.processIdentifier)-\(name)").path
}

struct HATFeatureTests {
    @Test func derivesHATsAggregatesFromAConfiguration() throws {
        // The first row of DyNAS-T's TransformerLT sample (../shared/data/hat-latency/transformerlt_dynast_sample.csv).
        let configuration = try transformer.configuration(fromText: """
            {'encoder_embed_dim': [640], 'decoder_embed_dim': [512], 'encoder_ffn_embed_dim': [1024, 2048, 3072, 3072, 3072, 1024], \
            'decoder_ffn_embed_dim': [3072, 1024, 1024, 1024, 3072, 1024], 'decoder_layer_num': [3], \
            'encoder_self_attention_heads': [8, 8, 8, 4, 8, 8], 'decoder_self_attention_heads': [8, 4, 8, 4, 4, 8], \
            'decoder_ende_attention_heads': [8, 4, 4, 4, 8, 8], 'decoder_arbitrary_ende_attn': [1, -1, 2, 1, -1, 1]}
            """, source: "test")
        let values = try #require(HATFeatures(space: transformer)).values(of: configuration)
        let expected: [Double] = [640, 6, 13312.0 / 6, 44.0 / 6, 512, 3, 5120.0 / 3, 20.0 / 3, 16.0 / 3, (2.0 + 1 + 3) / 3]
        #expect(values.count == HATFeatures.columnNames.count)
        for (value, wanted) in zip(values, expected) { #expect(abs(value - wanted) < 1e-12) }
    }

    @Test func otherSpacesDeriveNoColumns() throws {
        let mbv3 = try #require(BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0"))
        #expect(HATFeatures(space: mbv3) == nil)
        #expect(throws: InputError.self) { try HATFeatures.deriver(columns: ["encoder_embed_dim"], space: mbv3, source: "m.json") }
        #expect(throws: InputError.self) { try HATFeatures.deriver(columns: ["l2_misses"], space: transformer, source: "m.json") }
    }
}

struct TrainingTableTests {
    @Test func parsesTargetExpressions() throws {
        #expect(try TargetExpression(parsing: "latency_mean_encoder + latency_mean_decoder") == whole)
        #expect(throws: InputError.self) { try TargetExpression(parsing: "latency_mean_encoder+") }
    }

    @Test func sumsTargetColumnsAndSkipsMeasurements() throws {
        let text = "a,b,latency_mean_encoder,latency_mean_decoder,latency_std_encoder,note\n1,2,3,4,0.5,x\n5,6,7,8,0.5,y\n"
        let table = try TrainingTable.parse(text, source: "t.csv", target: whole, space: nil, encoding: .onehot)
        #expect(table.targets == [7, 15])
        #expect(table.columnNames == ["a", "b"])
        #expect(table.features.storage == [1, 2, 5, 6])
        #expect(table.spec == .columns(names: ["a", "b"], space: nil))
    }

    @Test func badTablesAreInputErrors() throws {
        func error(_ text: String, space: SearchSpace? = nil) -> String {
            do {
                _ = try TrainingTable.parse(text, source: "t.csv", target: whole, space: space, encoding: .onehot)
                return "no error"
            } catch let error as InputError { return error.description } catch { return "\(error)" }
        }
        #expect(error("a,latency_mean_encoder\n1,2\n").contains("no column 'latency_mean_decoder'"))
        #expect(error("a,latency_mean_encoder,latency_mean_decoder\n1,2,fast\n") == "t.csv: row 1, column 'latency_mean_decoder': not a finite number: 'fast'")
        #expect(error("a,latency_mean_encoder,latency_mean_decoder\n1,2,3\nx1,2,3\n") == "t.csv: row 2, column 'a': not a finite number: 'x1'")
        #expect(error("a,latency_mean_encoder,latency_mean_decoder\n").contains("no data rows"))
        #expect(error("config,latency_mean_encoder,latency_mean_decoder\n{},1,2\n").hasPrefix("--space:"))
        #expect(error("l2_misses,latency_mean_encoder,latency_mean_decoder\n1,2,3\n", space: transformer).contains("cannot be derived"))
    }

    @Test func tooFewRowsToFitIsAnInputError() throws {
        let table = try TrainingTable.parse(syntheticHATTable(rows: 11, seed: 1), source: "small.csv", target: whole, space: nil, encoding: .onehot)
        let fitting = ModelFitting(candidates: [RidgeRegression()], criterion: .mape, seed: 0)
        #expect(throws: InputError.self) { try fitting.fit(table, target: whole, data: "small.csv", trainingFraction: 0.8) }
        #expect(throws: Never.self) { try fitting.fit(table, target: whole, data: "small.csv", trainingFraction: nil) }
    }
}

struct FittedModelFileTests {
    func fittedModel(candidates: [any Predictor], space: SearchSpace? = transformer) throws -> ModelFitting.Outcome {
        let table = try TrainingTable.parse(syntheticHATTable(rows: 120, seed: 7), source: "hat.csv", target: whole, space: space, encoding: .onehot)
        return try ModelFitting(candidates: candidates, criterion: .mape, seed: 3).fit(table, target: whole, data: "hat.csv", trainingFraction: 0.8)
    }

    @Test func savedModelsPredictAsFitted() throws {
        let outcome = try fittedModel(candidates: [RidgeRegression(), GradientBoostedTrees(trees: 40)])
        let path = temporaryPath("roundtrip.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try outcome.model.write(to: path)
        let (loaded, predictor) = try FittedModel.load(path: path)
        #expect(loaded.formatVersion == FittedModel.currentFormatVersion)
        #expect(loaded.target == whole)
        #expect(loaded.features == .columns(names: HATFeatures.columnNames, space: transformer.name))
        #expect(loaded.training.trainingRows == 96 && loaded.training.heldOutRows == 24)
        #expect(Set(loaded.training.candidateScores.keys) == ["ridge", "gbt"])
        #expect(loaded.training.heldOut == outcome.heldOut.map(HeldOutFigures.init))
        let rows = Matrix(rowArrays: loaded.trainingFeatures)
        #expect(predictor.predict(rows) == loaded.trainingPredictions)
    }

    @Test func everyPredictorKindReloadsAsFitted() throws {
        // Each kind, small enough to fit fast in debug builds.
        let kinds: [any Predictor] = [
            RidgeRegression(), SupportVectorRegression(costs: [1, 10]), MultilayerPerceptron(hiddenUnits: [8], maximumEpochs: 20, seed: 1),
            GradientBoostedTrees(trees: 20), GaussianProcess(refinementIterations: 3), LogTargetPredictor(GradientBoostedTrees(trees: 10)),
        ]
        for kind in kinds {
            let model = try fittedModel(candidates: [kind]).model
            let (_, predictor) = try FittedModel.decode(try JSONEncoder().encode(model), source: "m.json")
            #expect(predictor.name == kind.name)
            #expect(predictor.predict(Matrix(rowArrays: model.trainingFeatures)) == model.trainingPredictions, "\(kind.name)")
        }
    }

    @Test func brokenFilesAreInputErrors() throws {
        let model = try fittedModel(candidates: [RidgeRegression()]).model
        let data = try JSONEncoder().encode(model)
        func error(_ bytes: Data) -> String {
            do { _ = try FittedModel.decode(bytes, source: "m.json"); return "no error" } catch let error as InputError {
                return error.description
            } catch { return "\(error)" }
        }
        #expect(error(data.prefix(data.count / 2)).hasPrefix("m.json: not a SwiftNAS model file, or truncated"))
        var object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["formatVersion"] = 2
        #expect(error(try JSONSerialization.data(withJSONObject: object)).hasPrefix("m.json: formatVersion: is 2;"))
        object["formatVersion"] = 1
        object["trainingPredictions"] = model.trainingPredictions.map { $0 + 1 }
        #expect(error(try JSONSerialization.data(withJSONObject: object)).contains("does not reproduce"))
    }
}

struct FittedModelEvaluatorTests {
    @Test func predictsMetricsFromConfigurations() async throws {
        let table = try TrainingTable.parse(syntheticHATTable(rows: 120, seed: 7), source: "hat.csv", target: whole, space: transformer, encoding: .onehot)
        let model = try ModelFitting(candidates: [RidgeRegression()], criterion: .mape, seed: 0).fit(table, target: whole, data: "hat.csv", trainingFraction: nil).model
        let path = temporaryPath("rpi.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let evaluator = try FittedModelEvaluator(space: transformer, options: ["latency@raspberrypi": path])
        #expect(evaluator.supportedMetrics == ["latency@raspberrypi"])
        var rng = SeededRandom(seed: 5)
        let configuration = transformer.randomConfiguration(using: &rng)
        let measured = try await evaluator.evaluate(configuration, metrics: ["latency@raspberrypi"])
        let (_, predictor) = try FittedModel.load(path: path)
        let row = try #require(HATFeatures(space: transformer)).values(of: configuration)
        #expect(measured["latency@raspberrypi"] == predictor.predict(Matrix(rowArrays: [row]))[0])
    }

    @Test func refusesModelsOfAnotherSpace() throws {
        let mbv3 = try #require(BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0"))
        let table = try TrainingTable.parse(syntheticHATTable(rows: 40, seed: 2), source: "hat.csv", target: whole, space: transformer, encoding: .onehot)
        let model = try ModelFitting(candidates: [RidgeRegression()], criterion: .mape, seed: 0).fit(table, target: whole, data: "hat.csv", trainingFraction: nil).model
        let path = temporaryPath("other-space.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        #expect(throws: InputError(source: path, field: "features",
                                   "the model is for space 'transformer_lt_wmt_en_de', the search explores 'ofa_mbv3_d234_e346_k357_w1.0'")) {
            try FittedModelEvaluator(space: mbv3, options: ["latency": path])
        }
        #expect(throws: InputError.self) { try FittedModelEvaluator(space: transformer, options: [:]) }
    }
}
