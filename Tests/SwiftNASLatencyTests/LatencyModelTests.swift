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
    func table(space: SearchSpace? = transformer) throws -> TrainingTable {
        try TrainingTable.parse(syntheticHATTable(rows: 120, seed: 7), source: "hat.csv", target: whole, space: space, encoding: .onehot)
    }

    func fittedModel(candidates: [any Predictor], space: SearchSpace? = transformer) throws -> ModelFitting.Outcome {
        try ModelFitting(candidates: candidates, criterion: .mape, seed: 3).fit(table(space: space), target: whole, data: "hat.csv", trainingFraction: 0.8)
    }

    func inputError(_ bytes: Data) -> String {
        do { _ = try FittedModel.decode(bytes, source: "m.json"); return "no error" } catch let error as InputError {
            return error.description
        } catch { return "\(error)" }
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
        let rows = try table().features
        #expect(predictor.predict(rows) == outcome.model.predictor.predict(rows))
        // The file holds the fitted state, not the training rows.
        let object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        #expect(Set(object.keys) == ["format", "formatVersion", "predictor", "features", "target", "training"])
    }

    @Test func everyPredictorKindReloadsBitIdenticalWithoutRefitting() throws {
        // Each kind, small enough to fit fast in debug builds.
        let kinds: [any Predictor] = [
            RidgeRegression(), QuadraticRidge(), LogTargetPredictor(QuadraticRidge()), SupportVectorRegression(costs: [1, 10]), MultilayerPerceptron(hiddenUnits: [8], maximumEpochs: 20, seed: 1),
            GradientBoostedTrees(trees: 20), GaussianProcess(refinementIterations: 3), LogTargetPredictor(GradientBoostedTrees(trees: 10)),
            LogTargetPredictor(MultilayerPerceptron(hiddenUnits: [4, 4], maximumEpochs: 10, seed: 2)),
        ]
        let rows = try table().features
        for kind in kinds {
            let model = try fittedModel(candidates: [kind]).model
            let (loaded, predictor) = try FittedModel.decode(try model.encoded(), source: "m.json")
            #expect(predictor.name == kind.name)
            #expect(type(of: loaded.predictor).kind == type(of: model.predictor).kind)
            #expect(predictor.predict(rows) == model.predictor.predict(rows), "\(kind.name)")
            if let gp = model.predictor as? GaussianProcess, let reloaded = predictor as? GaussianProcess {
                #expect(reloaded.predictWithVariance(rows).variance == gp.predictWithVariance(rows).variance)
            }
            // Saving the loaded model again gives the same file.
            #expect(try loaded.encoded() == model.encoded(), "\(kind.name)")
        }
        let persistent = PredictorRegistry.standard.persistentKinds
        #expect(Set(persistent.map { $0.kind }).count == persistent.count)
    }

    @Test func brokenFilesAreInputErrorsNamingTheField() throws {
        let ridge = try fittedModel(candidates: [RidgeRegression()]).model
        let data = try ridge.encoded()
        #expect(inputError(data.prefix(data.count / 2)).hasPrefix("m.json: not a SwiftNAS model file, or truncated"))
        func edited(_ model: FittedModel, _ edit: (inout [String: Any]) -> Void) throws -> Data {
            var object = try #require(JSONSerialization.jsonObject(with: model.encoded()) as? [String: Any])
            edit(&object)
            return try JSONSerialization.data(withJSONObject: object)
        }
        func editState(_ model: FittedModel, _ edit: @escaping (inout [String: Any]) -> Void) throws -> Data {
            try edited(model) { object in
                var predictor = object["predictor"] as! [String: Any]
                var state = predictor["state"] as! [String: Any]
                edit(&state)
                predictor["state"] = state
                object["predictor"] = predictor
            }
        }
        #expect(inputError(try edited(ridge) { $0["formatVersion"] = 3 }).hasPrefix("m.json: formatVersion: is 3;"))
        #expect(inputError(try edited(ridge) { $0["format"] = "other" }).hasPrefix("m.json: format: is 'other'"))
        #expect(inputError(try editState(ridge) { $0["coefficients"] = [1.0, 2.0] })
                == "m.json: predictor.state.coefficients: holds 2 values, expected 10")
        #expect(inputError(try editState(ridge) { $0.removeValue(forKey: "intercept") })
                .hasPrefix("m.json: predictor.state.intercept: not a valid model file (missing 'intercept')"))
        #expect(inputError(try editState(ridge) { $0["alpha"] = "big" }).hasPrefix("m.json: predictor.state.alpha: not a valid model file"))
        #expect(inputError(try edited(ridge) { $0["predictor"] = ["kind": "forest", "state": [:] as [String: Any]] })
                .hasPrefix("m.json: predictor.kind: not a valid model file (unknown predictor kind 'forest'"))
        let gbt = try fittedModel(candidates: [LogTargetPredictor(GradientBoostedTrees(trees: 5))]).model
        let badTree = try editState(gbt) { state in
            var base = state["base"] as! [String: Any]
            var baseState = base["state"] as! [String: Any]
            var trees = baseState["ensemble"] as! [[String: Any]]
            var feature = trees[2]["feature"] as! [Int]
            feature[0] = 99
            trees[2]["feature"] = feature
            baseState["ensemble"] = trees
            base["state"] = baseState
            state["base"] = base
        }
        #expect(inputError(badTree) == "m.json: predictor.state.base.state.ensemble[2].feature[0]: is 99, outside the 10 features")
        let quadratic = try fittedModel(candidates: [QuadraticRidge()]).model
        #expect(inputError(try editState(quadratic) { state in
            var ridge = state["ridge"] as! [String: Any]
            ridge["coefficients"] = [0.0, 1.0]
            state["ridge"] = ridge
        }) == "m.json: predictor.state.ridge.coefficients: holds 2 values, expected 65")
        #expect(inputError(try editState(quadratic) { state in
            var scale = state["scale"] as! [Double]
            scale[3] = 0
            state["scale"] = scale
        }) == "m.json: predictor.state.scale[3]: must be > 0")
        let mlp = try fittedModel(candidates: [MultilayerPerceptron(hiddenUnits: [4], maximumEpochs: 5, seed: 1)]).model
        #expect(inputError(try editState(mlp) { state in
            var layers = state["layers"] as! [[String: Any]]
            layers[1]["biases"] = [0.0, 0.0]
            state["layers"] = layers
        }) == "m.json: predictor.state.layers[1].biases: holds 2 values, expected 1")
    }

    @Test func versionOneFilesAreRefittedAndChecked() throws {
        for name in ["model_v1_ridge", "model_v1_gbt_log"] {
            let url = try #require(Bundle.module.url(forResource: "Reference/\(name)", withExtension: "json"))
            let data = try Data(contentsOf: url)
            let (model, predictor) = try FittedModel.decode(data, source: "v1.json")
            #expect(model.formatVersion == 1)
            let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
            let rows = Matrix(rowArrays: try #require(object["trainingFeatures"] as? [[Double]]))
            let stored = try #require(object["trainingPredictions"] as? [Double])
            let scale = stored.map(abs).max() ?? 1
            #expect(zip(predictor.predict(rows), stored).allSatisfy { abs($0 - $1) <= 1e-6 * scale }, "\(name)")
            // Re-saved, it is a version-2 file that predicts the same.
            let (upgraded, reloaded) = try FittedModel.decode(try model.encoded(), source: "v2.json")
            #expect(upgraded.formatVersion == 2)
            #expect(reloaded.predict(rows) == predictor.predict(rows))
            var tampered = object
            tampered["trainingPredictions"] = stored.map { $0 + 1 }
            #expect(inputError(try JSONSerialization.data(withJSONObject: tampered)).contains("trainingPredictions: this SwiftNAS's"))
        }
    }
}

struct FittedModelEvaluatorTests {
    @Test func predictsMetricsFromConfigurations() async throws {
        let table = try TrainingTable.parse(syntheticHATTable(rows: 120, seed: 7), source: "hat.csv", target: whole, space: transformer, encoding: .onehot)
        let model = try ModelFitting(candidates: [RidgeRegression()], criterion: .mape, seed: 0).fit(table, target: whole, data: "hat.csv", trainingFraction: nil).model
        let path = temporaryPath("rpi.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.write(to: path)
        let evaluator = try FittedModelEvaluator(space: transformer, supernetwork: nil, options: ["latency@raspberrypi": path])
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
            try FittedModelEvaluator(space: mbv3, supernetwork: nil, options: ["latency": path])
        }
        #expect(throws: InputError.self) { try FittedModelEvaluator(space: transformer, supernetwork: nil, options: [:]) }
    }
}
