import Foundation
import Testing
@testable import SwiftNASCommands

/// Kills a real `swiftnas search` process with SIGKILL at random moments, resumes it each time, and checks
/// that the finished store equals an uninterrupted run's: nothing lost, nothing repeated, same budget.
@Suite(.serialized) struct CrashResumeTests {
    static let binary: String? = {
        var url = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = url.appendingPathComponent("swiftnas").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let debug = root.appendingPathComponent(".build/debug/swiftnas").path
        return FileManager.default.isExecutableFile(atPath: debug) ? debug : nil
    }()
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-crash-\(getpid())-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A slow deterministic evaluator: accuracy and macs from the genes, 15 ms per call, logging each call.
    func evaluatorScript() throws -> String {
        let path = directory.appendingPathComponent("slow_eval.py").path
        try """
        import json, sys, time
        log = open(sys.argv[1], 'a')
        for line in sys.stdin:
            req = json.loads(line)
            c = req['config']
            time.sleep(0.015)
            acc = 70 + sum(c['ks']) * 0.05 + sum(c['e']) * 0.07 + sum(c['d']) * 0.1
            macs = sum(k * k * e for k, e in zip(c['ks'], c['e'])) * 1e5 + sum(c['d']) * 3e6
            log.write(json.dumps(c, sort_keys=True) + '\\n'); log.flush()
            print(json.dumps({'id': req['id'], 'metrics': {'accuracy_top1': acc, 'macs': macs}}), flush=True)
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func arguments(store: String, results: String, evaluator: String, log: String) -> [String] {
        ["search", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--optimization-metrics", "accuracy_top1", "macs",
         "--search-tactic", "evolutionary", "--search-algo", "nsga2", "--num-evals", "80", "--population", "10",
         "--seed", "7", "--workers", "2", "--store", store, "--results-path", results,
         "--evaluator", "\(Self.python!) \(evaluator) \(log)"]
    }

    func launch(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary!)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The config and metric columns of each row (timings differ between runs).
    func rows(_ csv: String) throws -> [String] {
        try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
            line.components(separatedBy: ",ok,").first ?? String(line)
        }
    }

    @Test(.enabled(if: binary != nil && python != nil, "needs the built swiftnas binary and python3"))
    func killedSearchResumesToTheSameResult() throws {
        let evaluator = try evaluatorScript()
        // Uninterrupted reference run.
        let referenceLog = directory.appendingPathComponent("reference.log").path
        let reference = try launch(arguments(store: directory.appendingPathComponent("reference.db").path,
                                             results: directory.appendingPathComponent("reference.csv").path,
                                             evaluator: evaluator, log: referenceLog))
        reference.waitUntilExit()
        #expect(reference.terminationStatus == 0)

        // Interrupted run: SIGKILL at random points of progress (read from the evaluator's call log, so the
        // kills land mid-search however loaded the machine is), then --resume until it finishes.
        let store = directory.appendingPathComponent("killed.db").path
        let results = directory.appendingPathComponent("killed.csv").path
        let log = directory.appendingPathComponent("killed.log").path
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        func calls() -> Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        while kills < 8 && calls() < 70 {
            let target = calls() + Int.random(in: 1...12, using: &generator)
            let process = try launch(arguments(store: store, results: results, evaluator: evaluator, log: log)
                                     + (FileManager.default.fileExists(atPath: store) ? ["--resume"] : []))
            // Sometimes kill before any evaluation (start-up, store creation), mostly mid-search.
            let early = Int.random(in: 0..<5, using: &generator) == 0
            while process.isRunning && (early ? false : calls() < target) { usleep(2_000) }
            if early { usleep(UInt32.random(in: 1_000...80_000, using: &generator)) }
            guard process.isRunning else {
                process.waitUntilExit()
                #expect(process.terminationStatus == 0, "search exited with status \(process.terminationStatus)")
                break
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
        }
        // Finish (in case every attempt was killed).
        let last = try launch(arguments(store: store, results: results, evaluator: evaluator, log: log) + (FileManager.default.fileExists(atPath: store) ? ["--resume"] : []))
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)
        #expect(kills > 0, "the search finished before any kill landed")

        let expected = try rows(directory.appendingPathComponent("reference.csv").path)
        let actual = try rows(results)
        #expect(expected.count == 80)
        #expect(actual == expected)
        // Nothing completed was evaluated twice beyond what was in flight when killed (2 workers per kill).
        let calls = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count
        #expect(calls <= 80 + 2 * kills)
        #expect(calls >= 80)
    }
}
