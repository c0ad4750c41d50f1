import Foundation
import Testing
import SwiftNASCore
import SwiftNASSpace
@testable import SwiftNASEvaluation

/// Runs misbehaving evaluator programs (small Python scripts) against the protocol implementation.
@Suite(.serialized) struct ProcessEvaluatorTests {
    let space = try! SearchSpace(name: "t", parameters: [Parameter(name: "a", count: 2, values: [.int(1), .int(2), .int(3)])])
    static let python = ProcessEvaluator.resolve("python3")
    static let helperPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("python").path

    /// Writes `body` (the body of `handle(req)` returning the reply line to print) into a script.
    func script(_ name: String, _ code: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-eval-tests-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try code.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func evaluator(_ code: String, name: String, settings: ProcessEvaluatorSettings = .init(timeout: .seconds(10))) throws -> ProcessEvaluator {
        let path = try script(name, code)
        return try ProcessEvaluator(command: "python3 \(path)", space: space, settings: settings)
    }

    func outcome(_ evaluator: ProcessEvaluator, _ indices: [Int] = [0, 2]) async -> Result<[String: Double], EvaluationFailure> {
        do { return .success(try await evaluator.evaluate(Configuration(indices: indices), metrics: ["m"])) }
        catch let f as EvaluationFailure { return .failure(f) }
        catch { return .failure(EvaluationFailure("unexpected \(error)")) }
    }

    func failureReason(_ result: Result<[String: Double], EvaluationFailure>) -> String? {
        if case .failure(let f) = result { return f.reason }
        return nil
    }

    static let loop = """
    import json, sys
    for line in sys.stdin:
        req = json.loads(line)
        print(reply(req), flush=True)
    """

    @Test(.enabled(if: python != nil, "python3 not found")) func pythonHelperRoundTrip() async throws {
        let path = try script("helper_eval.py", """
        import sys
        sys.path.insert(0, \(Literal.string(Self.helperPath).json))
        from swiftnas_evaluator import serve
        import os
        def evaluate(config, metrics):
            print("noise on stdout goes to stderr")
            os.write(1, b"native code writing to file descriptor 1 goes to stderr too\\n")
            if config["a"] == [3, 3]:
                raise RuntimeError("boom")
            return {"m": sum(config["a"]) * 1.5, "other": 1}
        serve(evaluate)
        """)
        let evaluator = try ProcessEvaluator(command: "python3 '\(path)'", space: space, settings: .init(workers: 2, timeout: .seconds(10)))
        try await evaluator.start()
        #expect(try await evaluator.evaluate(Configuration(indices: [0, 2]), metrics: ["m"]) == ["m": 6])
        #expect(failureReason(await outcome(evaluator, [2, 2]))?.contains("boom") == true)
        // Parallel requests over two workers all come back with their own answers.
        let results = await withTaskGroup(of: Double?.self) { group in
            for i in 0..<3 { for j in 0..<2 { group.addTask { try? await evaluator.evaluate(Configuration(indices: [i, j]), metrics: ["m"])["m"] } } }
            var all: [Double] = []
            for await r in group { if let r { all.append(r) } }
            return all.sorted()
        }
        #expect(results == [3, 4.5, 4.5, 6, 6, 7.5])
        await evaluator.shutdown()
    }

    @Test(.enabled(if: python != nil, "python3 not found")) func badRepliesFailWithReasons() async throws {
        let cases: [(String, String)] = [
            ("return json.dumps({'id': req['id'], 'metrics': {'m': float('nan')}})", "not a finite number"),
            ("return json.dumps({'id': req['id'], 'metrics': {'x': 1}})", "lacks metric 'm'"),
            ("return json.dumps({'id': req['id'], 'error': 'out of memory'})", "out of memory"),
            ("return json.dumps({'id': req['id'], 'metrics': {'m': 1}, 'pad': 'x' * 1100000})", "longer than"),
        ]
        for (index, (body, expected)) in cases.enumerated() {
            let evaluator = try evaluator("import json, sys\ndef reply(req):\n    \(body)\n" + Self.loop, name: "bad\(index).py")
            let reason = failureReason(await outcome(evaluator))
            #expect(reason?.contains(expected) == true, "case \(index): \(reason ?? "succeeded")")
            await evaluator.shutdown()
        }
    }

    /// Real model code prints: lines that are not this request's reply are skipped, and its reply still counts.
    @Test(.enabled(if: python != nil, "python3 not found")) func linesThatAreNotTheReplyAreIgnored() async throws {
        let evaluator = try evaluator("""
        import json, sys
        print(json.dumps({'protocol': 1}), flush=True)
        def reply(req):
            print('Loading model weights...', flush=True)
            print(json.dumps({'progress': 0.5}), flush=True)
            print(json.dumps({'id': 'other', 'metrics': {'m': 1}}), flush=True)
            print('[1, 2', flush=True)
            return json.dumps({'id': req['id'], 'metrics': {'m': 42}})
        """ + "\n" + Self.loop, name: "info.py")
        #expect(try await evaluator.evaluate(Configuration(indices: [0, 0]), metrics: ["m"]) == ["m": 42])
        await evaluator.shutdown()
    }

    @Test(.enabled(if: python != nil, "python3 not found")) func crashIsRetriedOnAFreshProcess() async throws {
        // Crashes on the first request of each process life only if a marker file is absent.
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-crash-\(getpid())").path
        try? FileManager.default.removeItem(atPath: marker)
        let evaluator = try evaluator("""
        import json, os, sys
        def reply(req):
            if not os.path.exists(\(Literal.string(marker).json)):
                open(\(Literal.string(marker).json), 'w').close()
                os._exit(3)
            return json.dumps({'id': req['id'], 'metrics': {'m': 7}})
        """ + "\n" + Self.loop, name: "crash.py")
        #expect(try await evaluator.evaluate(Configuration(indices: [0, 0]), metrics: ["m"]) == ["m": 7])
        await evaluator.shutdown()
    }

    @Test(.enabled(if: python != nil, "python3 not found")) func timeoutFailsAfterBoundedRetries() async throws {
        let evaluator = try evaluator("""
        import json, sys, time
        def reply(req):
            time.sleep(30)
        """ + "\n" + Self.loop, name: "slow.py", settings: .init(timeout: .milliseconds(300), retries: 1))
        let reason = failureReason(await outcome(evaluator))
        #expect(reason?.contains("no reply within") == true)
        #expect(reason?.contains("2 attempts") == true)
        await evaluator.shutdown()
    }

    @Test func missingProgramIsInputError() {
        #expect(throws: InputError.self) { try ProcessEvaluator(command: "/nonexistent/evaluator --x", space: space) }
        #expect(throws: InputError.self) { try ProcessEvaluator(command: "no-such-program-swiftnas", space: space) }
    }

    @Test func programThatDiesAtStartIsInputError() async throws {
        let evaluator = try ProcessEvaluator(command: "false", space: space)
        await #expect(throws: InputError.self) { try await evaluator.start(grace: .seconds(2)) }
    }

    @Test func splitsLikeAShell() throws {
        #expect(try CommandLineWords.split(#"python3 eval.py --flag "a b" 'c d' e\ f "q\"x""#) == ["python3", "eval.py", "--flag", "a b", "c d", "e f", "q\"x"])
        #expect(throws: InputError.self) { try CommandLineWords.split("python3 'open") }
        #expect(throws: InputError.self) { try CommandLineWords.split("   ") }
    }
}
