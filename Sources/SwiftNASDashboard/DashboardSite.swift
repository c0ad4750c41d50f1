import Foundation
import SwiftNASPareto
import SwiftNASReport
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore

/// One HTTP answer of the dashboard.
public struct DashboardResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String

    public init(status: Int = 200, contentType: String, body: String) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    static func json(_ literal: Literal, status: Int = 200) -> DashboardResponse {
        DashboardResponse(status: status, contentType: "application/json; charset=utf-8", body: literal.json)
    }

    static func html(_ text: String, status: Int = 200) -> DashboardResponse {
        DashboardResponse(status: status, contentType: "text/html; charset=utf-8", body: text)
    }

    static func svg(_ text: String) -> DashboardResponse {
        DashboardResponse(contentType: "image/svg+xml; charset=utf-8", body: text)
    }

    static func error(_ status: Int, _ message: String, api: Bool) -> DashboardResponse {
        api ? json(.object([("error", .string(message))]), status: status)
            : html(DashboardPages.page(title: "SwiftNAS dashboard", body: "<h1>\(status)</h1><p>\(escape(message))</p><p><a href=\"/\">studies</a></p>"),
                   status: status)
    }
}

/// The dashboard's pages and JSON API as a function of a read-only request: what the HTTP server serves,
/// testable without one. Every script and style is served from here (no CDN); every name and metric from a
/// store is escaped; the API is documented in docs/dashboard.md.
public struct DashboardSite: Sendable {
    public var catalog: StudyCatalog

    public init(catalog: StudyCatalog) { self.catalog = catalog }

    /// The answer to `GET path?query` (`path` still percent-encoded, as received).
    public func respond(path: String, query: [String: String]) async -> DashboardResponse {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
        let api = parts.first == "api"
        do {
            switch parts.count {
            case 0:
                return .html(try await studiesPage())
            case 1 where parts[0] == "hypervolume.svg":
                let wanted = query["studies"].map { Set($0.split(separator: ",").map(String.init)) }
                return .svg(try await hypervolumeOverlay(only: wanted))
            case 2 where parts[0] == "assets":
                guard let asset = DashboardAssets.files[parts[1]] else { return .error(404, "no such asset", api: false) }
                return DashboardResponse(contentType: asset.contentType, body: asset.body)
            case 2 where parts == ["api", "studies"]:
                return .json(.array(try await catalogEntries()))
            case 2 where parts[0] == "studies", 3 where parts[0] == "studies", 3 where parts[0...1] == ["api", "studies"],
                 4 where parts[0...1] == ["api", "studies"]:
                let name = api ? parts[2] : parts[1]
                guard let study = try await catalog.snapshot(name) else { return .error(404, "no study called '\(name)'", api: api) }
                return try respond(study: study, rest: Array(parts.dropFirst(api ? 3 : 2)), api: api, query: query)
            default:
                return .error(404, "no such page", api: api)
            }
        } catch {
            return .error(500, "\(error)", api: api)
        }
    }

    private func respond(study: StudySnapshot, rest: [String], api: Bool, query: [String: String]) throws -> DashboardResponse {
        switch (api, rest) {
        case (false, []):
            return .html(DashboardPages.study(study))
        case (false, ["pareto.svg"]):
            let metrics = study.search.goal.metrics + [ReportPlots.evaluationAxis]
            for axis in ["x", "y"] where query[axis].map({ !metrics.contains($0) }) ?? false {
                return .error(400, "\(axis) must be one of \(metrics.joined(separator: ", "))", api: false)
            }
            return .svg(ReportPlots.paretoSVG(study.summary, x: query["x"], y: query["y"]))
        case (false, ["hypervolume.svg"]):
            return .svg(ReportPlots.hypervolumeSVG(study.summary))
        case (false, ["iterations.html"]):
            return .html(DashboardPages.iterations(study))
        case (true, ["iterations"]):
            return .json(.array(study.iterations.map(DashboardJSON.iteration)))
        case (true, []):
            return .json(DashboardJSON.study(study))
        case (true, ["evaluations"]):
            var after = -1
            if let text = query["after"] {
                guard let value = Int(text) else { return .error(400, "after must be a whole number (a sequence number), not '\(text)'", api: true) }
                after = value
            }
            return .json(.array(study.records.filter { $0.sequence > after }.map(DashboardJSON.evaluation)))
        default:
            return .error(404, "no such page", api: api)
        }
    }

    /// Every study as the API lists it; a store that cannot be read is listed with its error.
    func catalogEntries() async throws -> [Literal] {
        await snapshots().map { entry in
            entry.snapshot.map(DashboardJSON.study) ?? .object([("name", .string(entry.name)), ("error", .string(entry.error ?? ""))])
        }
    }

    /// Every study as read now; one that cannot be read comes with its error instead.
    func snapshots() async -> [(name: String, snapshot: StudySnapshot?, error: String?)] {
        let entries: [StudyCatalog.Entry]
        do { entries = try await catalog.studies() } catch { return [("stores", nil, "\(error)")] }
        var result: [(name: String, snapshot: StudySnapshot?, error: String?)] = []
        for entry in entries {
            do { result.append((entry.name, try await StudySnapshot(name: entry.name, url: entry.url, study: entry.study, stores: catalog.stores), nil)) } catch {
                result.append((entry.name, nil, "\(error)"))
            }
        }
        return result
    }

    func studiesPage() async throws -> String {
        let studies = await snapshots()
        let overlay = studies.compactMap { entry in entry.snapshot.map { (name: entry.name, summary: $0.summary) } }
        return DashboardPages.studies(studies, hypervolume: ReportPlots.hypervolumeSVG(overlay))
    }

    func hypervolumeOverlay(only wanted: Set<String>?) async throws -> String {
        let overlay = await snapshots().compactMap { entry -> (name: String, summary: SearchSummary)? in
            guard wanted?.contains(entry.name) ?? true, let snapshot = entry.snapshot else { return nil }
            return (entry.name, snapshot.summary)
        }
        return ReportPlots.hypervolumeSVG(overlay)
    }
}

/// The API's JSON documents.
enum DashboardJSON {
    static func study(_ study: StudySnapshot) -> Literal {
        let summary = study.summary
        let goal = study.search.goal
        func point(_ values: [Double]) -> Literal { .object(zip(goal.objectives, values).map { ($0.metric, .double($1)) }) }
        return .object([
            ("name", .string(study.name)), ("space", .string(study.search.space)),
            ("objectives", .array(goal.objectives.map { .string($0.description) })),
            ("metrics", .array(goal.metrics.map { .string($0) })),
            ("tactic", .string(study.search.tactic)), ("algorithm", .string(study.search.algorithm)),
            ("summary", .string(study.summaryLine)), ("state", .string(study.state)),
            ("budget", study.status.map { .int($0.budget) } ?? .null),
            ("evaluations", .int(study.records.count)), ("failed", .int(study.failed)), ("pending", .int(study.pending)),
            ("front_size", .int(summary.front.count)),
            ("hypervolume", .double(summary.hypervolume)), ("hypervolume_fraction", .double(summary.normalizedHypervolume)),
            ("reference", point(summary.reference)), ("ideal", point(summary.ideal)),
            ("last_activity", study.lastActivity.map(Literal.double) ?? .null),
            ("evaluations_per_hour", study.evaluationsPerHour.map(Literal.double) ?? .null),
            ("max_concurrent", .int(study.maximumConcurrent)), ("iterations", .int(study.iterations.count)),
            ("process", study.status.map { .string($0.process) } ?? .null),
            ("queue", study.queue.map { queue in
                .object([("pending", .int(queue.pending)), ("leased", .int(queue.leased)), ("done", .int(queue.done)),
                         ("workers", .int(queue.workers)), ("coordinator_alive", .bool(queue.coordinatorAlive))])
            } ?? .null),
        ])
    }

    static func iteration(_ iteration: IterationRecord) -> Literal {
        func values(_ metrics: [String: Double]) -> Literal { .object(metrics.keys.sorted().map { ($0, .double(metrics[$0]!)) }) }
        return .object([
            ("iteration", .int(iteration.iteration)), ("first_sequence", .int(iteration.firstSequence)),
            ("predictors", .object(iteration.predictors.keys.sorted().map { ($0, .string(iteration.predictors[$0]!)) })),
            ("kendall", values(iteration.kendall)),
            ("predictions", .array(iteration.predictions.map { prediction in
                .object([("sequence", .int(prediction.sequence)), ("predicted", values(prediction.predicted)),
                         ("measured", prediction.measured.map(values) ?? .null)])
            })),
        ])
    }

    static func evaluation(_ record: EvaluationRecord) -> Literal {
        .object([
            ("sequence", .int(record.sequence)), ("status", .string(record.status.rawValue)),
            ("metrics", .object(record.metrics.keys.sorted().map { ($0, .double(record.metrics[$0]!)) })),
            ("error", record.error.map(Literal.string) ?? .null),
            ("configuration", (try? Literal.parse(record.configuration)) ?? .string(record.configuration)),
            ("started", .double(record.started)), ("finished", .double(record.finished)),
            ("seconds", .double(record.finished - record.started)), ("evaluator", .string(record.evaluator)),
        ])
    }
}
