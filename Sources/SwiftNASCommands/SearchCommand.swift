import ArgumentParser
import Foundation
import SwiftNASAlgorithms
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore

/// `swiftnas search`: finds the Pareto-optimal sub-networks of a super-network.
///
/// Flags are DyNAS-T's in kebab case; its underscore spellings are accepted too. A `--config` file (YAML
/// or JSON, keys in either spelling) gives the same settings; flags on the command line win. The search itself
/// is a `SearchSession` of the library; this command only merges settings and shows its events.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a super-network for the Pareto front of several objectives.",
        discussion: "What can be named (generated from the registry):\n" + Registry.standard.listingText)

    @Option(name: [.customLong("config")], help: "A YAML or JSON file with these settings.") var configFile: String?
    @Option(help: "A registered super-network (\(Registry.standard.supernetworks.all.map(\.name).joined(separator: ", "))).") var supernet: String?
    @Option(name: [.customLong("space")], help: "A search space file (JSON or YAML).") var spaceFile: String?
    @Option(name: [.customLong("optimization-metrics"), .customLong("optimization_metrics")], parsing: .upToNextOption,
            help: "Objectives, e.g. accuracy_top1 macs (direction inferred) or score:max.")
    var optimizationMetrics: [String] = []
    @Option(name: [.customLong("measurements")], parsing: .upToNextOption, help: "Extra metrics to measure and record.")
    var measurements: [String] = []
    @Option(name: [.customLong("search-tactic"), .customLong("search_tactic")], help: "\(Registry.standard.tacticNames) (default: auto: mobo on spaces of at most 100 000 configurations, linas beyond).")
    var searchTactic: String?
    @Option(name: [.customLong("search-algo"), .customLong("search_algo")], help: "\(Registry.standard.algorithmNames).")
    var searchAlgo: String?
    @Option(name: .customLong("algorithm-option"), help: "An option of the algorithm as name=value (repeatable), e.g. reference_directions=91.")
    var algorithmOptions: [String] = []
    @Option(help: "The predictor LINAS fits per metric: auto (DyNAS-T's), \(Registry.standard.predictors.names.joined(separator: ", ")).")
    var predictor: String?
    @Option(name: [.customLong("num-evals"), .customLong("num_evals")], help: "Real evaluations to spend.") var numEvals: Int?
    @Option(help: "Population size.") var population: Int?
    @Option(help: "Random seed.") var seed: UInt64?
    @Option(name: [.customLong("results-path"), .customLong("results_path")], help: "Results CSV path.") var resultsPath: String?
    @Option(help: "Results CSV layout: \(ResultsCSV.Format.allCases.map(\.rawValue).joined(separator: " or ")).") var format: String?
    @Option(help: "\(Registry.standard.evaluators.syntax).") var evaluator: String?
    @Option(help: "Evaluations in parallel in this process (evaluator processes); on a postgresql:// store they work beside `swiftnas worker` processes, and 0 leaves all evaluation to those (docs/distributed.md).") var workers: Int?
    @Option(name: [.customLong("constraint")], help: "A bound such as 'latency<=20' (repeatable).") var constraints: [String] = []
    @Option(help: "The store that keeps every evaluation: \(Registry.standard.stores.syntax) (default: results path with .db).")
    var store: String?
    @Option(help: "The study within a store that holds many (postgresql://; default 'default').") var study: String?
    @Flag(help: "Continue the search kept in --store.") var resume = false
    @Flag(help: "Replace an existing store instead of refusing to touch it.") var overwrite = false
    @Option(name: [.customLong("inner-evals"), .customLong("num_evals_inner")], help: "Predicted evaluations per LINAS iteration.")
    var innerEvals: Int?
    @Option(name: [.customLong("measured-per-iteration"), .customLong("measured_per_iteration")],
            help: "Sub-networks LINAS measures per iteration after the first population (default: a fifth of the population).")
    var measuredPerIteration: Int?
    @Option(name: [.customLong("initial-configs"), .customLong("initial_configs")],
            help: "A file with one configuration JSON per line, measured first (a baseline, the largest sub-network); the tactic's first batch starts with them.")
    var initialConfigs: String?
    @Option(help: "Seconds to wait for one evaluation of a process evaluator before it fails; a timed-out or crashed evaluation is retried once on a fresh process (default \(Int(SearchSettings.defaultTimeout))).")
    var timeout: Double?
    @Option(help: "Hypervolume reference point in objective units, comma-separated (default: nadir of the first population).")
    var reference: String?

    func run() async throws {
        let invocation = try SearchInvocation(command: self)
        let session = SearchSession(settings: invocation.search, registry: .standard)
        let display = ProgressDisplay(budget: invocation.search.evaluations, timeout: invocation.search.timeout)
        let outcome = try await withThrowingTaskGroup(of: SearchOutcome?.self) { group in
            group.addTask {
                var outcome: SearchOutcome?
                for try await event in session.events() {
                    switch event {
                    case .started(let start): log("swiftnas: \(start.description)")
                    case .note(let text): log("swiftnas: \(text)")
                    case .iteration: break
                    case .evaluated(let record, let replayed): display.record(record, replayed: replayed)
                    case .progress(let progress): display.update(progress)
                    case .finished(let finished):
                        display.finish()
                        outcome = finished
                    }
                }
                return outcome
            }
            // A heartbeat, so a long evaluation never looks like a frozen search.
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(1))
                    display.tick()
                }
                return nil
            }
            let outcome = try await group.next() ?? nil
            group.cancelAll()
            return outcome
        }
        guard let outcome else { return }
        try invocation.write(outcome)
    }
}

/// One `swiftnas search` run: the library's settings after merging the config file, the flags and the defaults,
/// and where the results CSV goes.
struct SearchInvocation {
    var search: SearchSettings
    var resultsPath: String
    var format: ResultsCSV.Format

    /// The main job (`swift run swiftnas search` with no flags): SwiftNAS's own super-network, trained on
    /// Fashion-MNIST and embedded, searched for accuracy against MACs with no Python and no downloads.
    static let defaultSupernet = "fashion_mbv3"
    static let defaultObjectives = ["accuracy_top1", "macs"]

    init(command: SearchCommand, registry: Registry = .standard) throws {
        let file = try command.configFile.map(ConfigFile.load) ?? ConfigFile(values: [:], path: "")
        let supernetName = command.supernet ?? file.string("supernet")
        let spaceFile = command.spaceFile ?? file.string("space")
        let space = try resolveSpace(supernet: supernetName ?? (spaceFile == nil ? Self.defaultSupernet : nil), spaceFile: spaceFile,
                                     registry: registry)
        let objectiveTexts = command.optimizationMetrics.isEmpty
            ? (file.strings("optimization_metrics") ?? Self.defaultObjectives)
            : command.optimizationMetrics
        let objectives = try objectiveTexts.map { try SearchObjective(parsing: $0) }
        if objectives.isEmpty { throw InputError(source: "--optimization-metrics", "name at least one objective") }
        let constraintTexts = command.constraints.isEmpty ? (file.strings("constraint") ?? file.strings("constraints") ?? []) : command.constraints
        let goal = SearchGoal(
            objectives: objectives,
            constraints: try constraintTexts.map { try SearchConstraint(parsing: $0) },
            extraMeasurements: command.measurements.isEmpty ? (file.strings("measurements") ?? []) : command.measurements)
        resultsPath = command.resultsPath ?? file.string("results_path") ?? "swiftnas-results.csv"
        var search = SearchSettings(space: space, goal: goal, store: command.store ?? file.string("store") ?? Self.storePath(forResults: resultsPath))
        search.tactic = command.searchTactic ?? file.string("search_tactic") ?? search.tactic
        search.algorithm = command.searchAlgo ?? file.string("search_algo") ?? search.algorithm
        search.predictor = command.predictor ?? file.string("predictor") ?? search.predictor
        search.algorithmOptions = try AlgorithmSettings.options(
            parsing: command.algorithmOptions.isEmpty ? (file.strings("algorithm_option") ?? file.strings("algorithm_options") ?? []) : command.algorithmOptions)
        search.evaluations = try command.numEvals ?? file.int("num_evals") ?? search.evaluations
        search.population = try command.population ?? file.int("population") ?? search.population
        search.seed = UInt64(try command.seed.map(Int.init) ?? file.int("seed") ?? Int(search.seed))
        search.innerEvaluations = try command.innerEvals ?? file.int("num_evals_inner") ?? file.int("inner_evals") ?? search.innerEvaluations
        search.measuredPerIteration = try command.measuredPerIteration ?? file.int("measured_per_iteration")
        if let path = command.initialConfigs ?? file.string("initial_configs") {
            search.initialConfigurations = try readConfigurationLines(path, space: space)
        }
        let formatName = command.format ?? file.string("format") ?? ResultsCSV.Format.swiftnas.rawValue
        guard let format = ResultsCSV.Format(rawValue: formatName) else {
            throw InputError(source: "--format", "'\(formatName)' is not one of \(ResultsCSV.Format.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.format = format
        search.evaluator = command.evaluator ?? file.string("evaluator")
            ?? registry.supernetworks.owning(space)?.defaultEvaluator ?? SearchSession.fallbackEvaluator
        search.study = command.study ?? file.string("study")
        search.workers = try command.workers ?? file.int("workers") ?? search.workers
        search.timeout = try command.timeout ?? file.double("timeout") ?? search.timeout
        search.access = command.resume || file.bool("resume") == true ? .resume : command.overwrite ? .overwrite : .create
        if let text = command.reference ?? file.string("reference") {
            let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == objectives.count, values.allSatisfy({ $0 != nil }) else {
                throw InputError(source: "--reference", "needs \(objectives.count) comma-separated numbers, one per objective")
            }
            search.reference = values.map { $0! }
        }
        try search.validate()
        self.search = search
    }

    static func storePath(forResults path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("db").path
    }

    /// Writes the results CSV and prints the front.
    func write(_ outcome: SearchOutcome) throws {
        let records = outcome.records
        try AtomicFile.write(ResultsCSV.text(records, metrics: search.goal.metrics, format: format), to: resultsPath)
        printFront(outcome.front, of: records.count)
        log("swiftnas: \(records.count) evaluations (\(records.filter { $0.status == .failed }.count) failed) written to \(resultsPath)")
        if let summary = outcome.failureSummary { log("swiftnas: " + summary) }
        if !records.isEmpty, records.allSatisfy({ $0.status == .failed }) {
            throw SearchFailed(reason: "no evaluation succeeded; see the reasons above and the evaluator's log")
        }
    }

    func printFront(_ unsorted: [EvaluationRecord], of total: Int) {
        let goal = search.goal
        let front = unsorted.sorted {
            ($0.metrics[goal.objectives[0].metric] ?? 0) < ($1.metrics[goal.objectives[0].metric] ?? 0)
        }
        print("Pareto front: \(front.count) of \(total) evaluated sub-networks")
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
