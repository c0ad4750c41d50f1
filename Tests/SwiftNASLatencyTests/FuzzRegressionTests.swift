import Foundation
import Testing
import SwiftNASCore
import SwiftNASPredictors
@testable import SwiftNASLatency

/// Latency tables with absurd sizes, found by feeding the `fuzz-latency-table` harness (`Fuzz/run.sh 600
/// fuzz-latency-table`) hand-made inputs next to libFuzzer: `stages × maxDepth` overflowed in `lookup(source:)`.
@Suite struct LatencyTableFuzzRegressionTests {
    /// A complete table of one stage of two blocks, kernels 3 and 5, expand ratio 3, with `stages` and `maxDepth` as given.
    static func table(stages: String, maxDepth: String) -> Data {
        Data((#"{"format":"swiftnas-latency-lut","formatVersion":2,"space":"fashion_mbv3","planSignature":"sig","# +
            "\"stages\":\(stages),\"maxDepth\":\(maxDepth)," +
            #""kernelSizes":[3,5],"expandRatios":[3],"settings":{"method":"context","subnets":60,"minSamples":8,"batchSize":1,"threads":1,"repeats":10,"warmup":2,"imageSize":28,"seed":0,"clock":"cpu","cache"# +
            #"EvictionKiB":0,"statistic":"median","rounds":5},"machine":{"host":"h","cpu":"c","processors":2,"measured":"202"# +
            #"5-01-01T00:00:00Z"},"fixed":{"stem":0.1,"firstBlock":0.2,"finalExpand":0.3,"pool":0.01,"head":0.05},"blocks":["# +
            #"{"slot":0,"stage":0,"position":0,"kernel":3,"expandRatio":3,"milliseconds":0.30000000000000004,"measuredAt":0,"# +
            #""samples":10,"subnetworks":8},{"slot":0,"stage":0,"position":0,"kernel":5,"expandRatio":3,"milliseconds":0.5,""# +
            #"measuredAt":0,"samples":10,"subnetworks":8},{"slot":1,"stage":0,"position":1,"kernel":3,"expandRatio":3,"milli"# +
            #"seconds":0.6000000000000001,"measuredAt":1,"samples":10,"subnetworks":8},{"slot":1,"stage":0,"position":1,"ker"# +
            #"nel":5,"expandRatio":3,"milliseconds":1.0,"measuredAt":1,"samples":10,"subnetworks":8}]}"#).utf8)
    }

    @Test func slotCountThatOverflowsIsAnInputError() {
        for (stages, maxDepth) in [("4611686018427387904", "4"), ("3037000500", "3037000500"), ("9223372036854775807", "9223372036854775807")] {
            #expect(throws: InputError(source: "lut.json", field: "stages",
                                       "\(stages) stages × \(maxDepth) blocks is more than 100000 block slots")) {
                try BlockLatencyTable.decode(Self.table(stages: stages, maxDepth: maxDepth), source: "lut.json")
            }
        }
    }

    @Test func theSameTableWithItsOwnSizesReads() throws {
        let (table, lookup) = try BlockLatencyTable.decode(Self.table(stages: "1", maxDepth: "2"), source: "lut.json")
        #expect(table.blocks.count == 4 && lookup.milliseconds(slot: 1, kernel: 5, expandRatio: 3) == 1.0)
    }
}

/// Model files whose version-1 recipe or feature shape crashed, hung or allocated tens of gigabytes in
/// `FittedModel.decode`, found by feeding the `fuzz-model` harness (`Fuzz/run.sh 600 fuzz-model`) hand-made
/// edits of the version-1 reference file next to libFuzzer. Each is now an `InputError` naming the field.
@Suite struct ModelFileFuzzRegressionTests {
    /// The version-1 reference model (a log-target GBT) with its `predictor` recipe replaced.
    static func v1(predictor: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Reference/model_v1_gbt_log", withExtension: "json"))
        var object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        object["predictor"] = try JSONSerialization.jsonObject(with: Data(predictor.utf8))
        return try JSONSerialization.data(withJSONObject: object)
    }

    static func error(_ data: Data) -> InputError? {
        do {
            _ = try FittedModel.decode(data, source: "m.json")
            return nil
        } catch let error as InputError {
            return error
        } catch {
            Issue.record("not an InputError: \(error)")
            return nil
        }
    }

    @Test func recipesThatTrappedHungOrExhaustedMemoryAreInputErrors() throws {
        let cases: [(recipe: String, field: String)] = [
            // A billion trees: hours of refitting.
            (#"{"gbt":{"depth":3,"minimumLeafSamples":3,"shrinkage":0.1,"trees":1000000000}}"#, "predictor.gbt.trees"),
            // Depth 60: `1 << 61` nodes per tree.
            (#"{"gbt":{"depth":60,"minimumLeafSamples":1,"shrinkage":0.1,"trees":2}}"#, "predictor.gbt.depth"),
            // Negative settings: a precondition failure in GradientBoostedTrees.init.
            (#"{"gbt":{"depth":-1,"minimumLeafSamples":-3,"shrinkage":0.1,"trees":-2}}"#, "predictor.gbt.trees"),
            // 10 000 trees of depth 20: 2 × 10¹⁰ nodes.
            (#"{"gbt":{"depth":20,"minimumLeafSamples":1,"shrinkage":0.1,"trees":10000}}"#, "predictor.gbt"),
            // A hidden layer of 10⁹ units: a 24 GB allocation.
            (#"{"mlp":{"hiddenUnits":[1000000000],"learningRate":0.1,"batchSize":8,"maximumEpochs":10,"patience":2,"validationFraction":0.2,"weightDecay":0,"seed":1}}"#,
             "predictor.mlp.hiddenUnits"),
            // 10⁹ epochs: a hang.
            (#"{"mlp":{"hiddenUnits":[4],"learningRate":0.1,"batchSize":8,"maximumEpochs":1000000000,"patience":1000000000,"validationFraction":0.2,"weightDecay":0,"seed":1}}"#,
             "predictor.mlp.maximumEpochs"),
            // Batch size 0: a precondition failure in MultilayerPerceptron.init.
            (#"{"mlp":{"hiddenUnits":[4],"learningRate":0.1,"batchSize":0,"maximumEpochs":3,"patience":2,"validationFraction":0.2,"weightDecay":0,"seed":1}}"#,
             "predictor.mlp.batchSize"),
            (#"{"mlp":{"hiddenUnits":[4096,4096],"learningRate":0.1,"batchSize":8,"maximumEpochs":100000,"patience":2,"validationFraction":0.2,"weightDecay":0,"seed":1}}"#,
             "predictor.mlp"),
            // A billion refinement iterations of the GP's likelihood: a hang.
            (#"{"gp":{"refinementIterations":1000000000}}"#, "predictor.gp.refinementIterations"),
            // alpha −1: a precondition failure in RidgeRegression.init.
            (#"{"ridge":{"alpha":-1}}"#, "predictor.ridge.alpha"),
            (#"{"svr":{"cost":1,"gamma":0.1,"epsilon":0.1,"tolerance":0,"maximumIterations":10}}"#, "predictor.svr.tolerance"),
            (#"{"logTarget":{"base":{"gbt":{"depth":3,"minimumLeafSamples":3,"shrinkage":0.1,"trees":0}}}}"#, "predictor.logTarget.base.gbt.trees"),
        ]
        for (recipe, field) in cases {
            let error = Self.error(try Self.v1(predictor: recipe))
            #expect(error?.source == "m.json" && error?.field == field, "\(recipe): \(String(describing: error))")
        }
        // The reference recipe itself still refits.
        #expect(Self.error(try Self.v1(predictor: #"{"logTarget":{"base":{"gbt":{"depth":3,"minimumLeafSamples":3,"shrinkage":0.1,"trees":200}}}}"#)) == nil)
    }

    /// fuzz-model crash-fae8f5db (libFuzzer, kept as Reference/fuzz_model_crash_fae8f5db.json): a version-1 log-target
    /// GBT of depth 0 reached GradientBoostedTrees.init's precondition.
    @Test func libFuzzerCrashDepthZeroIsAnInputError() throws {
        let url = try #require(Bundle.module.url(forResource: "Reference/fuzz_model_crash_fae8f5db", withExtension: "json"))
        #expect(Self.error(try Data(contentsOf: url)) == InputError(source: "m.json", field: "predictor.logTarget.base.gbt.depth", "must be from 1 to 20"))
    }

    /// `choicesPerGene` of 2⁶³−1 overflowed counting one-hot features (version 2 file).
    @Test func featureShapeThatOverflowsIsAnInputError() throws {
        let model = #"{"format":"swiftnas-fitted-model","formatVersion":2,"predictor":{"kind":"ridge","state":{"alpha":1,"#
            + #""coefficients":[0.5,0.5],"intercept":0}},"features":{"configurations":{"space":"s","#
            + #""choicesPerGene":[9223372036854775807,1],"encoding":"onehot"}},"target":{"columns":["latency"]},"training":{"data":"d.csv","#
            + #""trainingRows":2,"heldOutRows":0,"seed":0,"criterion":"mape","candidateScores":{},"selected":"ridge"}}"#
        #expect(Self.error(Data(model.utf8)) == InputError(source: "m.json", field: "features.configurations.choicesPerGene[0]",
                                                           "must be from 1 to 1000000, got 9223372036854775807"))
    }
}
