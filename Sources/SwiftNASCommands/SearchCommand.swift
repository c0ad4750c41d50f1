import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore

/// `swiftnas search`: finds the Pareto-optimal sub-networks of a super-network.
///
/// Flags are DyNAS-T's in kebab case; its underscore spellings are accepted too. A `--config` file (YAML
/// or JSON, keys in either spelling) gives the same settings; flags on the command line win.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a super-network for the Pareto front of several objectives.")

    @Option(name: [.customLong("config")], help: "A YAML or JSON file with these settings.") var configFile: String?
    @Option(help: "A built-in super-network / search space name (see `swiftnas spaces`).") var supernet: String?
    @Option(name: [.customLong("space")], help: "A search space file (JSON or YAML).") var spaceFile: String?
    @Option(name: [.customLong("optimization-metrics"), .customLong("optimization_metrics")], parsing: .upToNextOption,
            help: "Objectives, e.g. accuracy_top1 macs (direction inferred) or score:max.")
    var optimizationMetrics: [String] = []
    @Option(name: [.customLong("measurements")], parsing: .upToNextOption, help: "Extra metrics to measure and record.")
    var measurements: [String] = []
    @Option(name: [.customLong("search-tactic"), .customLong("search_tactic")], help: "linas, evolutionary or random.")
    var searchTactic: String?
    @Option(name: [.customLong("search-algo"), .customLong("search_algo")], help: "nsga2, ga, age, unsga3, moead, ctaea, cmaes, random.")
    var searchAlgo: String?
    @Option(name: [.customLong("num-evals"), .customLong("num_evals")], help: "Real evaluations to spend.") var numEvals: Int?
    @Option(help: "Population size.") var population: Int?
    @Option(help: "Random seed.") var seed: UInt64?
    @Option(name: [.customLong("results-path"), .customLong("results_path")], help: "Results CSV path.") var resultsPath: String?
    @Option(help: "Results CSV layout: swiftnas or dynast.") var format: String?
    @Option(help: "builtin:NAME, or a command speaking evaluator protocol v1 (run without a shell).") var evaluator: String?
    @Option(help: "Evaluations in parallel (evaluator processes).") var workers: Int?
    @Option(name: [.customLong("constraint")], help: "A bound such as 'latency<=20' (repeatable).") var constraints: [String] = []
    @Option(help: "The SQLite store that keeps every evaluation (default: results path with .db).") var store: String?
    @Flag(help: "Continue the search kept in --store.") var resume = false
    @Flag(help: "Replace an existing store instead of refusing to touch it.") var overwrite = false
    @Option(name: [.customLong("inner-evals"), .customLong("num_evals_inner")], help: "Predicted evaluations per LINAS iteration.")
    var innerEvals: Int?
    @Option(name: [.customLong("measured-per-iteration"), .customLong("measured_per_iteration")],
            help: "Sub-networks LINAS measures per iteration after the first population (default: a fifth of the population).")
    var measuredPerIteration: Int?
    @Option(help: "Seconds to wait for one evaluation before it fails.") var timeout: Double?
    @Option(help: "Hypervolume reference point in objective units, comma-separated (default: nadir of the first population).")
    var reference: String?

    func run() async throws {
        let settings = try SearchSettings(command: self)
        try await settings.execute()
    }
}

/// A search's settings after merging the config file, the flags and the defaults.
struct SearchSettings {
    var space: SearchSpace
    var goal: SearchGoal
    var tactic: String
    var algorithm: String
    var evaluations: Int
    var population: Int
    var seed: UInt64
    var innerEvaluations: Int
    var measuredPerIteration: Int?
    var resultsPath: String
    var format: ResultsCSV.Format
    var evaluator: String
    var workers: Int
    var timeout: Double
    var storePath: String
    var resume: Bool
    var overwrite: Bool
    var reference: [Double]?

    /// The main job (`swift run swiftnas search` with no flags): SwiftNAS's own super-network, trained on
    /// Fashion-MNIST and embedded, searched for accuracy against MACs with no Python and no downloads.
    static let defaultSupernet = "fashion_mbv3"
    static let defaultObjectives = ["accuracy_top1", "macs"]

    /// The evaluator used when none is named: the embedded super-network for its own space, exact cost
    /// counts for the other built-in spaces (which have no accuracy without their own evaluator).
    static func defaultEvaluator(for space: SearchSpace) -> String {
        space.name == defaultSupernet ? "builtin:fashion_mbv3" : "builtin:counts"
    }

    init(command: SearchCommand) throws {
        let file = try command.configFile.map(ConfigFile.load) ?? ConfigFile(values: [:], path: "")
        let supernet = command.supernet ?? file.string("supernet")
        let spaceFile = command.spaceFile ?? file.string("space")
        space = try SpaceSelection.resolve(supernet: supernet ?? (spaceFile == nil ? Self.defaultSupernet : nil), spaceFile: spaceFile)
        let evaluatorSpec = command.evaluator ?? file.string("evaluator")
        let objectiveTexts = command.optimizationMetrics.isEmpty
            ? (file.strings("optimization_metrics") ?? Self.defaultObjectives)
            : command.optimizationMetrics
        let objectives = try objectiveTexts.map { try SearchObjective(parsing: $0) }
        if objectives.isEmpty { throw InputError(source: "--optimization-metrics", "name at least one objective") }
        let constraintTexts = command.constraints.isEmpty ? (file.strings("constraint") ?? file.strings("constraints") ?? []) : command.constraints
        goal = SearchGoal(
            objectives: objectives,
            constraints: try constraintTexts.map { try SearchConstraint(parsing: $0) },
            extraMeasurements: command.measurements.isEmpty ? (file.strings("measurements") ?? []) : command.measurements)
        tactic = command.searchTactic ?? file.string("search_tactic") ?? "linas"
        algorithm = command.searchAlgo ?? file.string("search_algo") ?? (objectives.count == 1 ? "ga" : "nsga2")
        evaluations = try command.numEvals ?? file.int("num_evals") ?? 250
        population = try command.population ?? file.int("population") ?? 50
        seed = UInt64(try command.seed.map(Int.init) ?? file.int("seed") ?? 1)
        innerEvaluations = try command.innerEvals ?? file.int("num_evals_inner") ?? file.int("inner_evals") ?? 20_000
        measuredPerIteration = try command.measuredPerIteration ?? file.int("measured_per_iteration")
        resultsPath = command.resultsPath ?? file.string("results_path") ?? "swiftnas-results.csv"
        let formatName = command.format ?? file.string("format") ?? "swiftnas"
        guard let format = ResultsCSV.Format(rawValue: formatName) else {
            throw InputError(source: "--format", "'\(formatName)' is not one of swiftnas, dynast")
        }
        self.format = format
        evaluator = evaluatorSpec ?? Self.defaultEvaluator(for: space)
        workers = try command.workers ?? file.int("workers") ?? 1
        timeout = try command.timeout ?? file.double("timeout") ?? 3600
        storePath = command.store ?? file.string("store") ?? Self.storePath(forResults: resultsPath)
        resume = command.resume || file.bool("resume") == true
        overwrite = command.overwrite
        if let text = command.reference ?? file.string("reference") {
            let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == objectives.count, values.allSatisfy({ $0 != nil }) else {
                throw InputError(source: "--reference", "needs \(objectives.count) comma-separated numbers, one per objective")
            }
            reference = values.map { $0! }
        }
        for (value, name) in [(evaluations, "--num-evals"), (population, "--population"), (workers, "--workers"), (innerEvaluations, "--inner-evals"),
                              (measuredPerIteration ?? 1, "--measured-per-iteration")] where value < 1 {
            throw InputError(source: name, "must be at least 1, got \(value)")
        }
    }

    static func storePath(forResults path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingPathExtension().appendingPathExtension("db").path
    }

    /// The settings that determine the sequence of questions: a resumed search must match them.
    var fingerprint: String {
        Literal.object([
            ("space", .string(space.name)),
            ("genes", .array(space.parameters.map { .string("\($0.name)×\($0.count):\($0.values.map(\.description).joined(separator: "/"))") })),
            ("objectives", .array(goal.objectives.map { .string($0.description) })),
            ("constraints", .array(goal.constraints.map { .string($0.description) })),
            ("measurements", .array(goal.metrics.map { .string($0) })),
            ("tactic", .string(tactic)), ("algorithm", .string(algorithm)),
            ("population", .int(population)), ("seed", .int(Int(seed))), ("inner_evaluations", .int(innerEvaluations)),
        ] + (measuredPerIteration.map { [("measured_per_iteration", .int($0))] } ?? [])).json
    }

    func execute() async throws {
        let context = TacticContext(space: space, goal: goal, algorithm: algorithm, populationSize: population,
                                    seed: seed, innerEvaluations: innerEvaluations, measuredPerIteration: measuredPerIteration)
        var tactic = try SearchTactics.make(tactic, context: context)
        // Everything that can be wrong with the input is checked before the store is created or touched.
        let evaluator = try await EvaluatorSelection.resolve(
            self.evaluator, space: space, settings: .init(workers: workers, timeout: .seconds(timeout)))
        do {
            try checkMetrics(goal.metrics, supportedBy: evaluator, source: "--optimization-metrics")
        } catch {
            await EvaluatorSelection.close(evaluator)
            throw error
        }
        let manifest = SearchManifest(
            fingerprint: fingerprint,
            summary: "\(self.tactic) \(algorithm) on \(space.name): \(goal.objectives.map(\.description).joined(separator: ", "))")
        let store = try openStore()
        if let existing = try await store.manifest() {
            guard existing.fingerprint == manifest.fingerprint else {
                await EvaluatorSelection.close(evaluator)
                throw InputError(source: storePath, "holds a different search (\(existing.summary)); its settings differ from these")
            }
        } else {
            // A new store, or one killed before its search was recorded: (re)start the search in it.
            try await store.begin(manifest)
        }
        log("swiftnas: searching \(space.name) (\(SpacesCommand.format(size: space.size)) sub-networks) for \(goal.objectives.map(\.description).joined(separator: ", ")) with \(self.tactic)/\(algorithm), \(evaluations) evaluations by \(evaluator.identity); store \(storePath)")
        let runner = SearchRunner(space: space, goal: goal, evaluator: evaluator, store: store, budget: evaluations,
                                  workers: workers, reference: reference)
        let display = ProgressDisplay(budget: evaluations)
        let records = try await runner.run(&tactic) { display.update($0) }
        display.finish()
        await EvaluatorSelection.close(evaluator)
        try AtomicFile.write(ResultsCSV.text(records, metrics: goal.metrics, format: format), to: resultsPath)
        printFront(records)
        log("swiftnas: \(records.count) evaluations (\(records.filter { $0.status == .failed }.count) failed) written to \(resultsPath)")
    }

    /// Opens the store, refusing to touch one that holds a search unless resuming or overwriting.
    func openStore() throws -> SQLiteStore {
        let exists = FileManager.default.fileExists(atPath: storePath)
        if resume && !exists { log("swiftnas: \(storePath) does not exist yet: starting the search") }
        if exists && !resume {
            guard overwrite else {
                throw InputError(source: storePath, "already holds a search: add --resume to continue it, --overwrite to replace it, or choose another --store")
            }
            _ = try SQLiteStore(path: storePath)  // refuses a file that is not a SwiftNAS store
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
        }
        return try SQLiteStore(path: storePath)
    }

    func printFront(_ records: [EvaluationRecord]) {
        let front = SearchRunner.paretoFront(of: records, goal: goal).sorted {
            ($0.metrics[goal.objectives[0].metric] ?? 0) < ($1.metrics[goal.objectives[0].metric] ?? 0)
        }
        print("Pareto front: \(front.count) of \(records.count) evaluated sub-networks")
        let headers = ["#"] + goal.metrics + ["config"]
        // A column prints whole numbers only when all of its values are whole.
        let fractional = goal.metrics.map { metric in front.contains { ($0.metrics[metric]).map { $0 != $0.rounded() } ?? false } }
        var rows: [[String]] = []
        for record in front {
            let cells = goal.metrics.indices.map { i in record.metrics[goal.metrics[i]].map { Self.short($0, fractional: fractional[i]) } ?? "" }
            rows.append(["\(record.sequence)"] + cells + [record.configuration])
        }
        let widths = headers.indices.dropLast().map { column in max(headers[column].count, rows.map { $0[column].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in i < widths.count ? cell.leftPadded(widths[i]) : cell }.joined(separator: "  ")
        }
        print(line(headers))
        for row in rows { print(line(row)) }
    }

    /// `value` in a few characters: 4 significant digits from a million up, else 4 decimals when `fractional`
    /// (by default: when the value is not whole), else a whole number.
    static func short(_ value: Double, fractional: Bool? = nil) -> String {
        if abs(value) >= 1e6 { return String(format: "%.4g", value) }
        return fractional ?? (value != value.rounded()) ? String(format: "%.4f", value) : String(Int64(value))
    }
}
