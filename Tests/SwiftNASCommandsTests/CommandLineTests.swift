import Foundation
import Testing
@testable import SwiftNASCommands
import SwiftNASCore
import SwiftNASPredictors

@Suite struct CommandLineTests {
    @Test func parsesSpaces() throws {
        _ = try SwiftNASCommand.parseAsRoot(["spaces"])
    }

    @Test func mainJobDefaultsToTheEmbeddedSupernet() throws {
        let settings = try SearchInvocation(command: SearchCommand.parse([])).search
        #expect(settings.space.name == "fashion_mbv3")
        #expect(settings.evaluator == "builtin:fashion_mbv3")
        #expect(settings.goal.objectives.map(\.metric) == ["accuracy_top1", "macs"])
        #expect(settings.tactic == "auto" && settings.evaluations == 250 && settings.population == 50)
        // Another built-in space without a named evaluator gets exact counts.
        let other = try SearchInvocation(command: SearchCommand.parse(["--supernet", "ofa_resnet50"])).search
        #expect(other.evaluator == "builtin:counts")
    }

    /// `--initial-configs` (or `initial_configs` in a config file) reads one configuration per line; a resumed search
    /// must give the same ones (they are part of the settings' fingerprint).
    @Test func initialConfigurationsComeFromAFileAndEnterTheFingerprint() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-initial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("initial.jsonl").path
        try """
        {"op": ["nor_conv_3x3", "nor_conv_1x1", "skip_connect", "nor_conv_3x3", "avg_pool_3x3", "none"]}

        {"op": ["none", "none", "none", "none", "none", "none"]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let plain = try SearchInvocation(command: SearchCommand.parse(["--supernet", "nasbench201"])).search
        let seeded = try SearchInvocation(command: SearchCommand.parse(["--supernet", "nasbench201", "--initial-configs", path])).search
        #expect(plain.initialConfigurations.isEmpty)
        #expect(seeded.initialConfigurations.map { seeded.space.json(of: $0) } == [
            #"{"op":["nor_conv_3x3","nor_conv_1x1","skip_connect","nor_conv_3x3","avg_pool_3x3","none"]}"#,
            #"{"op":["none","none","none","none","none","none"]}"#,
        ])
        #expect(seeded.fingerprint != plain.fingerprint)
        let settings = directory.appendingPathComponent("settings.yaml").path
        try "supernet: nasbench201\ninitial_configs: \(path)\n".write(toFile: settings, atomically: true, encoding: .utf8)
        let fromFile = try SearchInvocation(command: SearchCommand.parse(["--config", settings])).search
        #expect(fromFile.fingerprint == seeded.fingerprint)
    }

    /// `supernet info` with no argument describes the embedded checkpoint, with the accuracies `export` recorded.
    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func infoShowsTheEmbeddedCheckpoint() throws {
        let outcome = try SwiftNASBinary.run(["supernet", "info"], in: FileManager.default.temporaryDirectory)
        let stdout = outcome.stdout
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(stdout.contains("space: fashion_mbv3"), "\(stdout)")
        for key in ["test_accuracy_largest", "test_accuracy_smallest", "step", "training_options"] {
            #expect(stdout.contains("\(key): "), "\(key) missing in: \(stdout)")
        }
    }

    /// The main job end to end on a small budget: the embedded checkpoint, validation and re-calibration
    /// images load from the built resource bundle, and every sub-network gets a real accuracy.
    @Test(.enabled(if: CrashResumeTests.binary != nil, "needs the built swiftnas binary"))
    func mainJobRunsOnTheEmbeddedSupernet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-main-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try SwiftNASBinary.run(["search", "--evaluator", "builtin:fashion_mbv3?images=200&calibration=100",
                                              "--num-evals", "6", "--population", "4", "--results-path", "r.csv"], in: directory)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let csv = try CSVTable(parsing: String(contentsOf: directory.appendingPathComponent("r.csv"), encoding: .utf8), source: "r.csv")
        let accuracy = try #require(csv.header.firstIndex(of: "accuracy_top1"))
        #expect(csv.records.count == 6)
        for row in csv.records {
            let value = try #require(Double(row[accuracy]))
            #expect(value > 50 && value <= 100, "accuracy \(value) of a trained sub-network on 200 validation images")
        }
    }

    /// On a terminal 60 columns wide, the progress line is redrawn after every evaluation and never wraps.
    @Test(.enabled(if: CrashResumeTests.binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"),
                   "needs the built swiftnas binary and script(1) for a pseudo-terminal"))
    func terminalProgressFitsTheTerminal() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-tty-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let search = [CrashResumeTests.binary!, "search", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--evaluator", "builtin:counts",
                      "--optimization-metrics", "macs", "params:max", "--num-evals", "12", "--population", "6", "--inner-evals", "300", "--results-path", "r.csv"]
        let outcome = try SwiftNASBinary.run(["stty cols 60; " + search.joined(separator: " ") + " > /dev/null"], in: directory,
                                             executable: "/usr/bin/script", prefix: ["-qec"], suffix: ["/dev/null"])
        #expect(outcome.status == 0, "\(outcome.stdout)")
        // "\r\n" is one Character in Swift: make line ends plain "\n" before splitting at carriage returns.
        let screen = outcome.stdout.replacingOccurrences(of: "\u{1B}[K", with: "").replacingOccurrences(of: "\r\n", with: "\n")
        let drawn = screen.components(separatedBy: "\r").flatMap { $0.components(separatedBy: "\n") }.filter { $0.contains(" evaluated, ") }
        #expect(drawn.count >= 12, "\(screen)")
        #expect(drawn.allSatisfy { $0.count <= 59 }, "\(drawn.filter { $0.count > 59 })")
        #expect(drawn.contains { $0.contains("12/12 evaluated") })
    }
}
