import ArgumentParser
import Foundation
import SwiftNASCore
import SwiftNASBuiltins
import SwiftNASPareto
import SwiftNASPredictors
import SwiftNASReport
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore

/// `swiftnas report STORE_OR_CSV`: the front and hypervolume per evaluation count, an SVG Pareto plot and a
/// one-page HTML report.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report a search from its store or results CSV (ours or DyNAS-T's): front, hypervolume, SVG, HTML.")

    @Argument(help: "A results CSV, or a store: \(Registry.standard.stores.syntax).") var input: String
    @Option(help: "The study within a store that holds many (default: its only one).") var study: String?
    @Option(name: [.customLong("optimization-metrics"), .customLong("optimization_metrics")], parsing: .upToNextOption,
            help: "Objectives (default: the store's, or accuracy and MACs columns of a CSV).")
    var optimizationMetrics: [String] = []
    @Option(help: "Hypervolume reference point in objective units, comma-separated (default: nadir of all evaluations).")
    var reference: String?
    @Option(help: "Folder for pareto.svg, hypervolume.svg and report.html (default: beside the input).") var out: String?

    func run() async throws {
        let isCSV = input.lowercased().hasSuffix(".csv")
        let (records, storedGoal, location) = isCSV ? try readCSV() : try await readStore()
        let goal: SearchGoal
        if optimizationMetrics.isEmpty {
            guard let storedGoal else {
                throw InputError(source: "--optimization-metrics", "name the objectives: this CSV has no accuracy_top1 and macs columns")
            }
            goal = storedGoal
        } else {
            goal = SearchGoal(objectives: try optimizationMetrics.map { try SearchObjective(parsing: $0) },
                              constraints: storedGoal?.constraints ?? [])
        }
        for metric in goal.objectives.map(\.metric) where !records.contains(where: { $0.metrics[metric] != nil }) {
            throw InputError(source: input, field: metric, "no evaluation has this metric")
        }
        var referencePoint: [Double]?
        if let reference {
            let values = reference.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == goal.objectives.count else {
                throw InputError(source: "--reference", "needs \(goal.objectives.count) comma-separated numbers")
            }
            referencePoint = values
        }
        let summary = SearchSummary(records: records, goal: goal, reference: referencePoint)
        print("\(records.count) evaluations, \(records.filter { $0.status == .failed }.count) failed; objectives \(goal.objectives.map(\.description).joined(separator: ", "))")
        print(summary.hypervolumeDescription)
        print("evaluations  hypervolume  fraction")
        for ((count, hv), (_, fraction)) in zip(summary.hypervolumeCurve, summary.normalizedHypervolumeCurve) {
            print(String(count).leftPadded(11) + "  " + String(format: "%.6g", hv).leftPadded(11) + "  " + String(format: "%.4f", fraction))
        }
        print("Pareto front: \(summary.front.count) sub-networks")
        for record in summary.front.sorted(by: { ($0.metrics[goal.metrics[0]] ?? 0) > ($1.metrics[goal.metrics[0]] ?? 0) }) {
            print("  #\(record.sequence) " + goal.metrics.map { "\($0)=\(record.metrics[$0].map { SearchInvocation.short($0) } ?? "-")" }.joined(separator: " ") + " " + record.configuration)
        }
        // Beside a store file or CSV; a store without a file (a server's) reports into the current folder.
        // A store on a server (location is not a file) reports into the current folder, named after its study.
        let locationURL = URL(fileURLWithPath: location)
        let isFile = FileManager.default.fileExists(atPath: location)
        let besideInput = isFile ? locationURL.deletingLastPathComponent().path : "."
        let folder = out ?? besideInput
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stem = isFile ? locationURL.deletingPathExtension().lastPathComponent
            : String(location.split(separator: " ").last ?? "study").filter { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        let files = [
            ("\(stem)-pareto.svg", ReportPlots.paretoSVG(summary)),
            ("\(stem)-hypervolume.svg", ReportPlots.hypervolumeSVG(summary)),
            ("\(stem)-report.html", HTMLReport.page(summary, title: "SwiftNAS report: \(stem)")),
        ]
        for (name, text) in files {
            let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
            try AtomicFile.write(text, to: path)
            print("wrote \(path)")
        }
    }

    /// The records and goal of the store `input` names, opened through the store registry, and where it is.
    func readStore() async throws -> ([EvaluationRecord], SearchGoal?, String) {
        let stores = Registry.standard.stores
        var study = self.study
        if study == nil, let studies = try await stores.studies(at: input, source: StoreRegistry.redacted(input)) {
            guard studies.count == 1 else {
                throw InputError(source: "--study", "name one of the store's \(studies.count) studies: \(studies.joined(separator: ", "))")
            }
            study = studies[0]
        }
        let store = try await stores.open(input, study: study, access: .read, source: StoreRegistry.redacted(input))
        do {
            guard let manifest = try await store.manifest() else { throw InputError(source: store.location, "the store holds no search") }
            let result = (try await store.records(), try SearchSettings.goal(of: manifest, source: store.location), store.location)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    func readCSV() throws -> ([EvaluationRecord], SearchGoal?, String) {
        let (records, goal) = try Self.records(fromCSV: InputFile.text(input), source: input)
        return (records, goal, input)
    }

    /// The evaluations of a results CSV (ours or DyNAS-T's), and the goal its columns imply; `input` names it in errors.
    static func records(fromCSV text: String, source input: String) throws -> ([EvaluationRecord], SearchGoal?) {
        let table = try CSVTable(parsing: text, source: input)
        let isDyNAST = table.header.contains(MeasurementTable.dynastConfigurationColumn)
        let configColumn = isDyNAST ? MeasurementTable.dynastConfigurationColumn : MeasurementTable.configurationColumn
        guard let configIndex = table.header.firstIndex(of: configColumn) else {
            throw InputError(source: input, field: "header", "needs a '\(MeasurementTable.configurationColumn)' or '\(MeasurementTable.dynastConfigurationColumn)' column")
        }
        let skipped: Set<String> = ["status", "error", "evaluator", "started", "finished", "Date"]
        let statusIndex = table.header.firstIndex(of: "status")
        var records: [EvaluationRecord] = []
        for (row, cells) in table.records.enumerated() {
            var metrics: [String: Double] = [:]
            for (column, name) in table.header.enumerated() where column != configIndex && !skipped.contains(name) {
                let metric = isDyNAST ? (ResultsCSV.metric(forDyNASTColumn: name) ?? name) : name
                let cell = column < cells.count ? cells[column].trimmingCharacters(in: .whitespaces) : ""
                if cell.isEmpty { continue }
                guard let value = Double(cell) else {
                    throw InputError(source: input, field: "row \(row + 2), column '\(name)'", "'\(cell)' is not a number")
                }
                metrics[metric] = value
            }
            let failed = statusIndex.map { cells.count > $0 && cells[$0] == "failed" } ?? false
            let configuration = (try? Literal.parse(cells[configIndex]).json) ?? cells[configIndex]
            records.append(EvaluationRecord(sequence: row, configurationHash: "", configuration: configuration, metrics: metrics,
                                            status: failed ? .failed : .ok, started: 0, finished: 0, evaluator: "csv"))
        }
        let columns = Set(records.flatMap(\.metrics.keys))
        let goal = columns.isSuperset(of: ["accuracy_top1", "macs"])
            ? SearchGoal(objectives: [.init(metric: "accuracy_top1", sense: .maximize), .init(metric: "macs", sense: .minimize)])
            : nil
        return (records, goal)
    }
}
