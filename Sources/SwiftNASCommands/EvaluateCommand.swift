import ArgumentParser
import Foundation
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSearch
import SwiftNASSpace

/// `swiftnas evaluate`: measures given configurations without searching, one JSON line each.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate given sub-networks (no search); prints one JSON object per line.")

    @Option(help: "A registered super-network (see `swiftnas spaces`).") var supernet: String?
    @Option(name: .customLong("space"), help: "A search space file (JSON or YAML).") var spaceFile: String?
    @Option(help: "\(Registry.standard.evaluators.syntax).") var evaluator: String
    @Option(help: "One configuration as JSON.") var config: String?
    @Option(help: "A file with one configuration JSON per line.") var configs: String?
    @Option(help: "Metrics to measure, comma-separated.") var metrics: String
    @Option(help: "Evaluator processes in parallel.") var workers: Int = 1
    @Option(help: "Seconds to wait for one evaluation.") var timeout: Double = 3600

    func run() async throws {
        let registry = Registry.standard
        let space = try resolveSpace(supernet: supernet, spaceFile: spaceFile, registry: registry)
        let wanted = metrics.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if wanted.isEmpty { throw InputError(source: "--metrics", "name at least one metric") }
        let configurations = try readConfigurations(space: space)
        let evaluator = try await registry.evaluators.make(
            self.evaluator, space: space, supernetwork: registry.supernetworks.owning(space),
            process: .init(workers: workers, timeout: .seconds(timeout)))
        do { try checkMetrics(wanted, supportedBy: evaluator, source: "--metrics") } catch {
            await evaluator.shutdown()
            throw error
        }
        let results = await configurations.concurrentMap(limit: workers) { configuration in
            let configLiteral = space.literal(of: configuration)
            do {
                let values = try await evaluator.evaluate(configuration, metrics: wanted)
                let metricsLiteral = Literal.object(wanted.map { ($0, values[$0].map(Literal.double) ?? .null) })
                return Literal.object([("config", configLiteral), ("metrics", metricsLiteral)]).json
            } catch {
                return Literal.object([("config", configLiteral), ("error", .string("\(error)"))]).json
            }
        }
        await evaluator.shutdown()
        for line in results { print(line) }
    }

    func readConfigurations(space: SearchSpace) throws -> [Configuration] {
        switch (config, configs) {
        case (let text?, nil):
            return [try space.configuration(fromText: text, source: "--config")]
        case (nil, let path?):
            return try readConfigurationLines(path, space: space)
        default:
            throw InputError(source: "--config", "give exactly one of --config JSON or --configs FILE.jsonl")
        }
    }
}

/// The configurations of a JSON Lines file (one configuration per non-blank line), each error naming
/// `path:line`; a file with none is an error too.
func readConfigurationLines(_ path: String, space: SearchSpace, strict: Bool = false) throws -> [Configuration] {
    let text = try InputFile.text(path)
    var result: [Configuration] = []
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { continue }
        result.append(try space.configuration(fromText: trimmed, source: "\(path):\(number + 1)", strict: strict))
    }
    if result.isEmpty { throw InputError(source: path, "holds no configurations") }
    return result
}
