import Foundation
import Testing
import SwiftNASPareto
import SwiftNASStore
@testable import SwiftNASDashboard

/// The dashboard as a person sees it: a real server on 127.0.0.1, pages rendered by headless Chromium, and a
/// new evaluation of a running study appearing in an open page without a reload.
@Suite(.serialized) struct DashboardBrowserTests {
    static let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let folder: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-browser-\(getpid())-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()
    let objectives = [SearchObjective(metric: "accuracy_top1", sense: .maximize), SearchObjective(metric: "macs", sense: .minimize)]

    /// Starts headless Chromium on `url`; `virtualMilliseconds` of page time (timers, polling) run before the DOM
    /// is dumped (and a screenshot taken, when asked).
    func chromium(_ url: String, virtualMilliseconds: Int, screenshot: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.browser!)
        var arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,1400",
                         "--user-data-dir=\(folder.appendingPathComponent("profile-\(UUID().uuidString)").path)",
                         "--virtual-time-budget=\(virtualMilliseconds)"]
        arguments += screenshot.map { ["--screenshot=\($0)"] } ?? ["--dump-dom"]
        process.arguments = arguments + [url]
        process.standardOutput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func dom(of process: Process) -> String {
        let data = (process.standardOutput as! Pipe).fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    func occurrences(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test(.enabled(if: browser != nil, "needs Chromium (apt-get install chromium; .ci/run installs it)"))
    func aPersonSeesTheStudiesAndANewEvaluationAppears() async throws {
        try await StudyFixture.write(folder.appendingPathComponent("done.db").path, objectives: objectives, count: 40, state: .finished)
        let live = folder.appendingPathComponent("live.db").path
        try await StudyFixture.write(live, objectives: objectives, count: 12, state: .running)
        let site = DashboardSite(catalog: StudyCatalog(locations: [folder.path], stores: .standard))
        let (urls, continuation) = AsyncStream.makeStream(of: String.self)
        let server = Task { try await DashboardServer(site: site, host: "127.0.0.1", port: 0).run { continuation.yield($0) } }
        defer { server.cancel() }
        var iterator = urls.makeAsyncIterator()
        let base = try #require(await iterator.next())
        #expect(base.hasPrefix("http://127.0.0.1:"))

        // The studies page: both studies, their states, and the hypervolume overlay.
        let index = dom(of: try chromium(base + "/", virtualMilliseconds: 3_000))
        #expect(occurrences("<tr data-study=", in: index) == 2, "\(index.prefix(2000))")
        #expect(index.contains(">finished<") && index.contains(">running<"))
        #expect(occurrences("class=\"hv-line\"", in: index) == 2)

        // The running study's page stays open while the search records evaluation #12.
        let page = try chromium(base + "/studies/live", virtualMilliseconds: 240_000)
        try await Task.sleep(for: .seconds(2))
        let store = try SQLiteStore(path: live)
        try await store.append(StudyFixture.record(12, objectives: objectives))
        let shown = dom(of: page)
        #expect(occurrences("<tr data-seq=", in: shown) == 13, "\(shown.prefix(3000))")
        #expect(shown.contains("<tr data-seq=\"12\""))
        let successful = (0...12).filter { $0 % 7 != 6 }.count
        #expect(occurrences("class=\"point", in: shown) == successful)
        #expect(occurrences("class=\"point front\"", in: shown) >= 1)
        #expect(shown.contains("13 done, 1 failed"))
        #expect(shown.contains("out of memory &lt;b&gt;!&lt;/b&gt;"))  // a failure's reason, as text

        // For people: what the pages look like.
        for (name, path) in [("studies", "/"), ("study", "/studies/live")] {
            let shot = folder.appendingPathComponent("\(name).png").path
            _ = dom(of: try chromium(base + path, virtualMilliseconds: 3_000, screenshot: shot))
            #expect(FileManager.default.fileExists(atPath: shot))
        }
    }
}
