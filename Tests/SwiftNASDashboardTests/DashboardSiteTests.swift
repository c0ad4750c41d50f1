import Foundation
import Testing
import SwiftNASPareto
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore
@testable import SwiftNASDashboard

/// Writes SQLite stores the way a search does, for the dashboard to read.
enum StudyFixture {
    static let space = BuiltinSpaces.named("ofa_mbv3_d234_e346_k357_w1.0")!

    /// A store at `path` holding `count` evaluations (every seventh failed) of a search for `objectives`, with
    /// `state` recorded by this process.
    static func write(_ path: String, objectives: [SearchObjective], count: Int, state: SearchStatus.State, budget: Int = 40) async throws {
        var settings = SearchSettings(space: space, goal: SearchGoal(objectives: objectives), store: path)
        settings.evaluations = budget
        let store = try SQLiteStore(path: path)
        try await store.begin(SearchManifest(fingerprint: settings.fingerprint, summary: settings.summary))
        for sequence in 0..<count { try await store.append(record(sequence, objectives: objectives)) }
        try await store.record(SearchStatus(state: state, budget: budget, process: SearchStatus.thisProcess, updated: Date().timeIntervalSince1970))
    }

    /// Evaluation `sequence`: a trade-off between the first objective and the others; every seventh failed.
    static func record(_ sequence: Int, objectives: [SearchObjective]) -> EvaluationRecord {
        let t = Double(sequence % 10) / 10, u = Double(sequence / 10) / 10
        let failed = sequence % 7 == 6
        var metrics: [String: Double] = [:]
        for (index, objective) in objectives.enumerated() {
            metrics[objective.metric] = index == 0 ? 70 + 10 * t - u : 1e8 * (1 + t * t + u)
        }
        return EvaluationRecord(sequence: sequence, configurationHash: "h\(sequence)", configuration: #"{"ks":[\#(3 + sequence % 3)],"e":[4],"d":[2]}"#,
                                metrics: failed ? [:] : metrics, status: failed ? .failed : .ok, error: failed ? "out of memory <b>!</b>" : nil,
                                started: 1_000 + Double(sequence), finished: 1_001 + Double(sequence), evaluator: "test")
    }
}

@Suite struct DashboardSiteTests {
    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-dashboard-\(getpid())-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
    let objectives = [SearchObjective(metric: "accuracy_top1", sense: .maximize), SearchObjective(metric: "macs", sense: .minimize)]

    func site() -> DashboardSite { DashboardSite(catalog: StudyCatalog(locations: [folder.path], stores: .standard)) }

    func json(_ response: DashboardResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(response.body.utf8)) }

    @Test func apiListsStudiesWithTheirState() async throws {
        try await StudyFixture.write(folder.appendingPathComponent("done.db").path, objectives: objectives, count: 40, state: .finished)
        try await StudyFixture.write(folder.appendingPathComponent("live.db").path, objectives: objectives, count: 12, state: .running)
        let response = await site().respond(path: "/api/studies", query: [:])
        #expect(response.status == 200 && response.contentType.hasPrefix("application/json"))
        let studies = try #require(try json(response) as? [[String: Any]])
        #expect(studies.map { $0["name"] as? String } == ["done", "live"])
        #expect(studies.map { $0["state"] as? String } == ["finished", "running"])  // this process recorded "running" and is alive
        #expect(studies.map { $0["evaluations"] as? Int } == [40, 12])
        #expect(studies.map { $0["failed"] as? Int } == [5, 1])
        #expect(studies.map { $0["pending"] as? Int } == [0, 28])
        let fraction = try #require(studies[0]["hypervolume_fraction"] as? Double)
        #expect(fraction > 0 && fraction <= 1)
    }

    @Test func evaluationsAfterASequenceNumber() async throws {
        try await StudyFixture.write(folder.appendingPathComponent("s.db").path, objectives: objectives, count: 10, state: .finished)
        let all = try #require(try json(await site().respond(path: "/api/studies/s/evaluations", query: [:])) as? [[String: Any]])
        #expect(all.count == 10)
        let later = try #require(try json(await site().respond(path: "/api/studies/s/evaluations", query: ["after": "7"])) as? [[String: Any]])
        #expect(later.compactMap { $0["sequence"] as? Int } == [8, 9])
        #expect((later[0]["configuration"] as? [String: Any])?["ks"] as? [Int] == [5])
        let bad = await site().respond(path: "/api/studies/s/evaluations", query: ["after": "7; DROP TABLE"])
        #expect(bad.status == 400 && bad.body.contains("after must be a whole number"))
        #expect(await site().respond(path: "/api/studies/nosuch", query: [:]).status == 404)
        #expect(await site().respond(path: "/studies/nosuch", query: [:]).status == 404)
        #expect(await site().respond(path: "/no/such/page", query: [:]).status == 404)
        #expect(await site().respond(path: "/studies/s/pareto.svg", query: ["x": "<bogus>"]).status == 400)
    }

    @Test func pagesShowTheFrontAndServeTheirOwnAssets() async throws {
        try await StudyFixture.write(folder.appendingPathComponent("s.db").path, objectives: objectives, count: 30, state: .finished)
        let page = await site().respond(path: "/studies/s", query: [:])
        #expect(page.status == 200 && page.contentType.hasPrefix("text/html"))
        let successful = (0..<30).filter { $0 % 7 != 6 }.count
        #expect(page.body.components(separatedBy: "class=\"point").count - 1 == successful)
        #expect(page.body.contains("class=\"front-line\""))
        #expect(page.body.contains("accuracy_top1 (%)"))
        #expect(!page.body.contains("src=\"http") && !page.body.contains("href=\"http"))  // nothing from a CDN
        for asset in ["dashboard.js", "dashboard.css"] {
            #expect(await site().respond(path: "/assets/\(asset)", query: [:]).status == 200)
        }
        let svg = await site().respond(path: "/studies/s/pareto.svg", query: ["x": "evaluation", "y": "macs"])
        #expect(svg.contentType.hasPrefix("image/svg+xml") && svg.body.contains("<title>#0\n"))
        #expect(!svg.body.contains(">-0<"))
    }

    @Test func hostileNamesAreEscaped() async throws {
        let hostile = [SearchObjective(metric: "<img src=x onerror=alert(1)>", sense: .maximize), SearchObjective(metric: "macs", sense: .minimize)]
        let name = "<script>alert(2)&\"'"
        try await StudyFixture.write(folder.appendingPathComponent("\(name).db").path, objectives: hostile, count: 8, state: .finished)
        let index = await site().respond(path: "/", query: [:])
        let study = await site().respond(path: "/studies/" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? name), query: [:])
        #expect(study.status == 200)
        for body in [index.body, study.body] {
            #expect(!body.contains("<script>alert") && !body.contains("<img src=x"))
            #expect(body.contains("&lt;script&gt;alert(2)&amp;&quot;&#39;"))
        }
        #expect(study.body.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func predictorGuidedIterationsAreShown() async throws {
        let path = folder.appendingPathComponent("it.db").path
        try await StudyFixture.write(path, objectives: objectives, count: 14, state: .finished)
        let store = try SQLiteStore(path: path)
        let predictions = (10..<12).map { IterationRecord.Prediction(sequence: $0, predicted: ["accuracy_top1": 75 + Double($0), "macs": 1e8],
                                                                     measured: ["accuracy_top1": 76 + Double($0), "macs": 1.1e8]) }
        try await store.record(IterationRecord(iteration: 1, firstSequence: 10, predictors: ["accuracy_top1": "ridge", "macs": "svr"],
                                               predictions: predictions, kendall: ["accuracy_top1": 1]))
        let api = try #require(try json(await site().respond(path: "/api/studies/it/iterations", query: [:])) as? [[String: Any]])
        #expect(api.count == 1 && (api[0]["predictors"] as? [String: String]) == ["accuracy_top1": "ridge", "macs": "svr"])
        #expect((api[0]["predictions"] as? [[String: Any]])?.count == 2)
        let page = await site().respond(path: "/studies/it", query: [:])
        #expect(page.body.contains("Predictor-guided iterations") && page.body.contains("<td>ridge</td><td>1.00</td>"))
        #expect(page.body.components(separatedBy: "class=\"prediction latest\"").count - 1 == 4)  // 2 per objective
        let fragment = await site().respond(path: "/studies/it/iterations.html", query: [:])
        #expect(fragment.status == 200 && fragment.body.hasPrefix("<h2>Predictor-guided iterations"))
    }
}
