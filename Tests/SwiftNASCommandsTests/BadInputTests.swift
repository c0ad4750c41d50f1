import Foundation
import Testing
@testable import SwiftNASCommands

/// Runs the real `swiftnas` binary on bad input: one clear error line naming the source, exit status 2,
/// and nothing written or changed.
@Suite struct BadInputTests {
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-bad-\(getpid())-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func swiftnas(_ arguments: [String]) throws -> SwiftNASBinary.Outcome {
        try SwiftNASBinary.run(arguments, in: directory)
    }

    func expectInputError(_ arguments: [String], mentions: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try swiftnas(arguments)
        #expect(outcome.status == 2, "\(arguments): status \(outcome.status), stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
        let lines = outcome.stderr.split(separator: "\n").filter { $0.hasPrefix("swiftnas: error:") || $0.hasPrefix("Error:") }
        #expect(lines.count == 1, "\(arguments): \(outcome.stderr)", sourceLocation: sourceLocation)
        #expect(outcome.stderr.contains(mentions), "\(arguments): expected '\(mentions)' in: \(outcome.stderr)", sourceLocation: sourceLocation)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func searchRejectsBadSettings() throws {
        try expectInputError(["search", "--supernet", "no_such_net"], mentions: "--supernet")
        try expectInputError(["search", "--optimization-metrics", "score"], mentions: "score:max")
        try expectInputError(["search", "--optimization-metrics", "macs", "params:max", "--search-algo", "ga"], mentions: "ga handles 1")
        try expectInputError(["search", "--search-algo", "simulated-annealing"], mentions: "unknown algorithm")
        try expectInputError(["search", "--search-tactic", "grid"], mentions: "unknown search tactic")
        try expectInputError(["search", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--evaluator", "builtin:counts"], mentions: "cannot measure 'accuracy_top1'")
        try expectInputError(["search", "--evaluator", "/no/such/evaluator.py"], mentions: "cannot start the evaluator")
        try expectInputError(["search", "--constraint", "latency=3"], mentions: "--constraint")
        try expectInputError(["search", "--num-evals", "0"], mentions: "--num-evals")
        try expectInputError(["search", "--store", "nosuch://host/db"], mentions: "unknown store scheme")
        try expectInputError(["search", "--predictor", "oracle"], mentions: "unknown predictor 'oracle'")
        try expectInputError(["search", "--space", "ofa_resnet50"], mentions: "use --supernet ofa_resnet50")
        try expectInputError(["search", "--algorithm-option", "reference_directions=12"], mentions: "nsga2 has no such option")
        let space = try write("bad.json", #"{"name": "s", "parameters": [{"name": "a", "count": 0, "values": [1]}]}"#)
        try expectInputError(["search", "--space", space], mentions: "parameters[0].count")
        let config = try write("settings.yaml", "supernet: ofa_resnet50\npopulaton: 4\n")
        try expectInputError(["search", "--config", config], mentions: "populaton")
        // A cell, and the same cell with its last edge's operation misspelt.
        let cell = #"{"op": ["nor_conv_3x3", "nor_conv_1x1", "skip_connect", "nor_conv_3x3", "avg_pool_3x3", "none"]}"#
        let misspelt = cell.replacingOccurrences(of: #""none"]"#, with: #""conv9"]"#)
        let initial = try write("initial.json", cell + "\n" + misspelt + "\n")
        try expectInputError(["search", "--supernet", "nasbench201", "--initial-configs", initial], mentions: "initial.json:2")
        let valid = try write("valid.json", cell + "\n")
        try expectInputError(["search", "--supernet", "nasbench201", "--initial-configs", valid, "--search-tactic", "evolutionary"],
                             mentions: "--initial-configs")
        // None of these created a store or a results file.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".yaml") }
        #expect(left.isEmpty, "files written on bad input: \(left)")
    }

    /// Files that are not what they should be say what they are instead.
    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func wrongFilesSayWhatIsWrong() throws {
        let binary = directory.appendingPathComponent("configs.jsonl").path
        try Data([0x00, 0xff, 0xfe, 0x00, 0x80]).write(to: URL(fileURLWithPath: binary))
        try expectInputError(["evaluate", "--supernet", "ofa_resnet50", "--evaluator", "builtin:counts", "--configs", binary, "--metrics", "macs"],
                             mentions: "is a binary file, not UTF-8 text")
        let counts = ["search", "--supernet", "ofa_resnet50", "--optimization-metrics", "macs", "params:max"]
        _ = try write("empty.db", "")
        try expectInputError(counts + ["--store", "empty.db"], mentions: "is an empty file, not a SwiftNAS store")
        _ = try write("text.db", "hello")
        try expectInputError(counts + ["--store", "text.db"], mentions: "not a SwiftNAS store")
        try expectInputError(["spaces", "--check", directory.path], mentions: "is a folder, not a file")
        // A data set too small to hold out the search-validation split is an error, not a trap.
        let data = directory.appendingPathComponent("tiny")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for (prefix, imageFile) in [("train", true), ("train", false), ("t10k", true), ("t10k", false)] {
            let count: UInt32 = 100
            let dimensions = imageFile ? [count, 28, 28] : [count]
            var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
            for d in dimensions { bytes += withUnsafeBytes(of: d.bigEndian, Array.init) }
            bytes += [UInt8](repeating: imageFile ? 0 : 1, count: Int(dimensions.reduce(1, *)))
            let name = "\(prefix)-\(imageFile ? "images-idx3" : "labels-idx1")-ubyte"
            try Data(bytes).write(to: data.appendingPathComponent(name))
        }
        try expectInputError(["supernet", "train", "--data", data.path, "--out", "x.snck"], mentions: "holds 100 training images")
    }

    /// Flags the argument parser itself refuses are bad input too: exit 2, one line.
    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func parserErrorsAreInputErrors() throws {
        try expectInputError(["search", "--num-evals", "-5"], mentions: "--num-evals")
        try expectInputError(["search", "--no-such-flag"], mentions: "--no-such-flag")
        try expectInputError(["search", "--population", "many"], mentions: "--population")
    }

    /// A search whose every evaluation failed says why and exits 3; one with some failures summarises them.
    @Test(.enabled(if: CrashResumeTests.binary != nil && CrashResumeTests.python != nil, "needs the built swiftnas binary and python3"))
    func failedEvaluationsAreSummarised() throws {
        let evaluator = try write("failing.py", """
        import json, sys
        for n, line in enumerate(sys.stdin):
            req = json.loads(line)
            if n % 2 == 0 or 'all' in sys.argv:
                reply = {'id': req['id'], 'error': 'CUDA out of memory' if n % 4 == 0 else 'checkpoint missing'}
            else:
                reply = {'id': req['id'], 'metrics': {'macs': 1e6 + n, 'params': 1e3 + n}}
            print(json.dumps(reply), flush=True)
        """)
        let common = ["search", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--optimization-metrics", "macs", "params:max",
                      "--search-tactic", "random", "--num-evals", "8", "--population", "4"]
        let all = try swiftnas(common + ["--evaluator", "\(CrashResumeTests.python!) \(evaluator) all", "--results-path", "all.csv"])
        #expect(all.status == 3, "\(all.stderr)")
        #expect(all.stderr.contains("8 of 8 evaluations failed. Every evaluation failed"), "\(all.stderr)")
        #expect(all.stderr.contains("6× evaluator error: checkpoint missing; 2× evaluator error: CUDA out of memory"), "\(all.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("all.csv").path), "the CSV still records the failures")
        let some = try swiftnas(common + ["--evaluator", "\(CrashResumeTests.python!) \(evaluator)", "--results-path", "some.csv"])
        #expect(some.status == 0, "\(some.stderr)")
        #expect(some.stderr.contains("4 of 8 evaluations failed. 4 succeeded."), "\(some.stderr)")
    }

    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func resumeOfAnotherSearchLeavesTheStoreUntouched() throws {
        // Exact counts keep this fast; the store logic does not depend on the evaluator.
        let counts = ["--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--evaluator", "builtin:counts", "--optimization-metrics", "macs", "params:max"]
        let first = try swiftnas(["search", "--num-evals", "20", "--population", "10", "--store", "s.db", "--results-path", "r.csv"] + counts)
        #expect(first.status == 0, "\(first.stderr)")
        let storePath = directory.appendingPathComponent("s.db").path
        let before = try Data(contentsOf: URL(fileURLWithPath: storePath))
        try expectInputError(["search", "--num-evals", "20", "--population", "10", "--seed", "2", "--store", "s.db", "--results-path", "r.csv", "--resume"] + counts,
                             mentions: "holds a different search")
        try expectInputError(["search", "--num-evals", "20", "--population", "10", "--store", "s.db", "--results-path", "r.csv"] + counts,
                             mentions: "already holds a search")
        #expect(try Data(contentsOf: URL(fileURLWithPath: storePath)) == before)
        // The same settings resume (nothing to do: the budget is spent) and extend with a larger budget.
        let resumed = try swiftnas(["search", "--num-evals", "30", "--population", "10", "--store", "s.db", "--results-path", "r.csv", "--resume"] + counts)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("20 replayed from store"))
        // A store URL names the same file; another predictor is another search; the report reads the URL.
        let url = "sqlite://" + storePath
        try expectInputError(["search", "--num-evals", "30", "--population", "10", "--store", url, "--results-path", "r.csv", "--resume", "--predictor", "ridge"] + counts,
                             mentions: "holds a different search")
        let report = try swiftnas(["report", url, "--out", directory.appendingPathComponent("report").path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("30 evaluations"), "\(report.stdout)")
        // The folder's studies, with their state.
        let studies = try swiftnas(["studies", "--store", directory.path])
        #expect(studies.status == 0, "\(studies.stderr)")
        #expect(studies.stdout.split(separator: "\n").contains { $0.hasPrefix("s ") && $0.contains("finished") && $0.contains("30") }, "\(studies.stdout)")
    }

    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func otherCommandsRejectBadFiles() throws {
        try expectInputError(["spaces", "--check", "missing.json"], mentions: "missing.json")
        let csv = try write("bad.csv", "config,macs\n\"{\"\"a\"\": [1]}\",lots\n")
        try expectInputError(["report", csv, "--optimization-metrics", "macs"], mentions: "is not a number")
        let notStore = try write("fake.db", "not a database")
        try expectInputError(["report", notStore], mentions: "fake.db")
        try expectInputError(["evaluate", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--evaluator", "builtin:counts",
                              "--config", #"{"ks": [3]}"#, "--metrics", "macs"], mentions: "--config")
        let valid = #"{"ks": [\#(Array(repeating: "3", count: 20).joined(separator: ","))], "e": [\#(Array(repeating: "4", count: 20).joined(separator: ","))], "d": [2, 2, 2, 2, 2]}"#
        let ok = try swiftnas(["evaluate", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--evaluator", "builtin:counts",
                               "--config", valid, "--metrics", "macs,params"])
        #expect(ok.status == 0 && ok.stdout.contains(#""metrics":{"macs":"#), "\(ok.stdout) \(ok.stderr)")
        try expectInputError(["evaluate", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--evaluator", "builtin:nope",
                              "--config", valid, "--metrics", "macs"], mentions: "unknown built-in evaluator")
        // The quantized space: a calibration that is not one, and a precision the space does not offer.
        func quantized(_ precision: String) -> String {
            let genes = Array(repeating: "\"\(precision)\"", count: 20).joined(separator: ",")
            return String(valid.dropLast()) + ", \"q\": [\(genes)], \"q_head\": [\"int8\"]}"
        }
        try expectInputError(["evaluate", "--supernet", "fashion_mbv3_quant", "--evaluator", "builtin:fashion_mbv3?quantization=median",
                              "--config", quantized("int8"), "--metrics", "model_size"], mentions: "quantization")
        try expectInputError(["evaluate", "--supernet", "fashion_mbv3_quant", "--evaluator", "builtin:counts",
                              "--config", quantized("int4"), "--metrics", "model_size"], mentions: "int4")
        let sized = try swiftnas(["evaluate", "--supernet", "fashion_mbv3_quant", "--evaluator", "builtin:counts",
                                  "--config", quantized("int8"), "--metrics", "model_size"])
        #expect(sized.status == 0 && sized.stdout.contains(#""metrics":{"model_size":"#), "\(sized.stdout) \(sized.stderr)")
        try expectInputError(["optimize", "--problem", "zdt99", "--algorithm", "nsga2"], mentions: "zdt99")
    }

    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func latencyCommandsRejectBadModelAndTableFiles() throws {
        let valid = #"{"ks": [\#(Array(repeating: "3", count: 20).joined(separator: ","))], "e": [\#(Array(repeating: "4", count: 20).joined(separator: ","))], "d": [2, 2, 2, 2, 2]}"#
        // A model file whose fitted state was damaged.
        let rows = (0..<20).map { "\($0),\($0 % 3),\(2.0 * Double($0) + Double($0 % 3) + 1)" }
        let csv = try write("rows.csv", "a,b,latency\n" + rows.joined(separator: "\n") + "\n")
        let fitted = try swiftnas(["latency", "fit", "--data", csv, "--target", "latency", "--predictors", "ridge", "--out", "m.json"])
        #expect(fitted.status == 0, "\(fitted.stderr)")
        let modelPath = directory.appendingPathComponent("m.json").path
        var model = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: modelPath))) as? [String: Any])
        var predictor = try #require(model["predictor"] as? [String: Any])
        var state = try #require(predictor["state"] as? [String: Any])
        state["coefficients"] = [1.0]
        predictor["state"] = state
        model["predictor"] = predictor
        try JSONSerialization.data(withJSONObject: model).write(to: URL(fileURLWithPath: modelPath))
        try expectInputError(["evaluate", "--supernet", "fashion_mbv3", "--evaluator", "builtin:model?latency=m.json", "--config", valid,
                              "--metrics", "latency"], mentions: "m.json: predictor.state.coefficients: holds 1 values, expected 2")
        // Latency tables: a truncated one, an incomplete one, bad options.
        _ = try write("cut.json", #"{"format": "swiftnas-latency-lut", "formatVe"#)
        try expectInputError(["latency", "lut", "check", "--lut", "cut.json"], mentions: "cut.json: not a SwiftNAS latency table, or truncated")
        let built = try swiftnas(["latency", "lut", "build", "--out", "lut.json", "--repeats", "1", "--warmup", "0", "--rounds", "1"])
        #expect(built.status == 0, "\(built.stderr)")
        let lutPath = directory.appendingPathComponent("lut.json").path
        var table = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: lutPath))) as? [String: Any])
        table["blocks"] = Array(try #require(table["blocks"] as? [Any]).dropFirst())
        try JSONSerialization.data(withJSONObject: table).write(to: URL(fileURLWithPath: lutPath))
        try expectInputError(["evaluate", "--supernet", "fashion_mbv3", "--evaluator", "builtin:lut?latency_lut=lut.json", "--config", valid,
                              "--metrics", "latency_lut"], mentions: "lut.json: blocks: holds 179 block variants, expected 180")
        try expectInputError(["latency", "lut", "build", "--out", "x.json", "--clock", "sundial"], mentions: "--clock")
        try expectInputError(["latency", "lut", "build", "--out", "x.json", "--threads", "2", "--clock", "cpu"], mentions: "--clock")
        try expectInputError(["latency", "lut", "check", "--lut", "cut.json", "--subnets", "1"], mentions: "--subnets")
    }
}
