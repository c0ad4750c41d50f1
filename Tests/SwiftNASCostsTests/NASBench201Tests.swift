import Foundation
import Testing
import SwiftNASCore
import SwiftNASCosts
import SwiftNASEvaluation
import SwiftNASSpace

/// The `nasbench201` space and the `builtin:table` evaluator that measures it from a CSV.
struct NASBench201Tests {
    let supernetwork = NASBench201()
    let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-table-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func write(_ text: String) throws -> String {
        let path = directory.appendingPathComponent("\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func table(_ text: String) throws -> TableEvaluator {
        try TableEvaluator(space: supernetwork.space, supernetwork: supernetwork, options: ["file": try write(text)])
    }

    func cell(_ operations: [String]) -> Configuration {
        Configuration(indices: operations.map { NASBench201.operations.firstIndex(of: $0)! })
    }

    @Test func theSpaceIsNASBench201sCell() {
        #expect(supernetwork.space.size == 15_625 && supernetwork.space.geneCount == 6)
        let configuration = cell(["avg_pool_3x3", "nor_conv_1x1", "skip_connect", "nor_conv_1x1", "skip_connect", "skip_connect"])
        #expect(NASBench201.arch(of: configuration, in: supernetwork.space)
                == "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")
    }

    @Test func aTableAnswersByArchOrConfigAndSaysWhatItLacks() async throws {
        let all3x3 = cell(Array(repeating: "nor_conv_3x3", count: 6))
        let arch = NASBench201.arch(of: all3x3, in: supernetwork.space)
        let byArch = try table("arch,acc,latency_ms\n\(arch),94.1,12.5\n")
        #expect(byArch.supportedMetrics == ["acc", "latency_ms"])
        #expect(try await byArch.evaluate(all3x3, metrics: ["acc", "latency_ms"]) == ["acc": 94.1, "latency_ms": 12.5])
        await #expect(throws: EvaluationFailure.self) { _ = try await byArch.evaluate(cell(Array(repeating: "none", count: 6)), metrics: ["acc"]) }

        let json = supernetwork.space.json(of: all3x3).replacingOccurrences(of: "\"", with: "\"\"")
        let byConfig = try table("config,acc\n\"\(json)\",90\n")
        #expect(try await byConfig.evaluate(all3x3, metrics: ["acc"]) == ["acc": 90])
    }

    @Test func aBadTableIsAClearError() throws {
        let arch = NASBench201.arch(of: cell(Array(repeating: "none", count: 6)), in: supernetwork.space)
        for (text, expected) in [
            ("arch,acc\n\(arch),1\n\(arch),2\n", "the same sub-network as row 1"),
            ("name,acc\nx,1\n", "no key column"),
            ("arch,acc\n\(arch),high\n", "row 1, column 'acc': not a number"),
            ("arch\n\(arch)\n", "no metric columns"),
        ] {
            do {
                _ = try table(text)
                Issue.record("accepted: \(text)")
            } catch let error as InputError {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
        #expect(throws: InputError.self) { try TableEvaluator(space: supernetwork.space, supernetwork: supernetwork, options: [:]) }
        #expect(throws: InputError.self) { try TableEvaluator(space: supernetwork.space, supernetwork: supernetwork, options: ["file": "/no/such.csv"]) }
    }

    @Test(.enabled(if: SharedData.available, "needs ../shared/data (NAS-Bench-201 table)"))
    func everyCellIsInTheSharedTable() async throws {
        let file = SharedData.root.appendingPathComponent("nasbench201/nb201_cifar10_latency.csv").path
        let evaluator = try TableEvaluator(space: supernetwork.space, supernetwork: supernetwork, options: ["file": file])
        var found = 0
        for index in 0..<15_625 {
            var indices: [Int] = [], rest = index
            for _ in 0..<6 { indices.append(rest % 5); rest /= 5 }
            let metrics = try await evaluator.evaluate(Configuration(indices: indices), metrics: ["cifar10_test_acc_200ep", "pixel2_latency_ms"])
            if metrics.count == 2 { found += 1 }
        }
        #expect(found == 15_625)
    }
}
