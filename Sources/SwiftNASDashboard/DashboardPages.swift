import Foundation
import SwiftNASReport
import SwiftNASStore

/// The dashboard's HTML, rendered on the server with every store-provided text escaped; the script
/// (`/assets/dashboard.js`) keeps it live and interactive.
enum DashboardPages {
    static func page(title: String, body: String, attributes: String = "") -> String {
        """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="/assets/dashboard.css"></head>
        <body\(attributes)>
        \(body)
        <script src="/assets/dashboard.js"></script>
        </body></html>
        """
    }

    static func time(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: seconds)) + " UTC"
    }

    static func studies(_ studies: [(name: String, snapshot: StudySnapshot?, error: String?)], hypervolume: String) -> String {
        let rows = studies.map { entry -> String in
            let link = "<a href=\"/studies/\(escape(percentEncoded(entry.name)))\">\(escape(entry.name))</a>"
            guard let study = entry.snapshot else {
                return "<tr data-study=\"\(escape(entry.name))\"><td>\(link)</td><td colspan=\"10\" class=\"error\">\(escape(entry.error ?? ""))</td></tr>"
            }
            let summary = study.summary
            let cells = [
                escape(study.search.space), escape(study.search.goal.objectives.map(\.description).joined(separator: ", ")),
                escape(study.search.tactic + "/" + study.search.algorithm), "\(study.records.count)", "\(study.failed)", "\(study.pending)",
                "\(summary.front.count)", String(format: "%.4f", summary.normalizedHypervolume),
                "<span class=\"state \(escape(study.state))\">\(escape(study.state))</span>", time(study.lastActivity),
            ]
            return "<tr data-study=\"\(escape(entry.name))\"><td>\(link)</td>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>"
        }.joined(separator: "\n")
        return page(title: "SwiftNAS studies", body: """
            <h1>SwiftNAS studies</h1>
            <table id="studies"><thead><tr><th>study</th><th>space</th><th>objectives</th><th>tactic</th><th>done</th><th>failed</th>\
            <th>pending</th><th>front</th><th>hypervolume</th><th>state</th><th>last activity</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table>
            <p class="note">Hypervolume: fraction of each study's box from its ideal point to its reference point (the nadir of its evaluations).</p>
            <h2>Hypervolume by evaluation count</h2>
            <div id="hv-overlay">\(hypervolume)</div>
            """, attributes: " data-page=\"studies\"")
    }

    static func study(_ study: StudySnapshot) -> String {
        let summary = study.summary
        let goal = study.search.goal
        let axes = goal.metrics + [ReportPlots.evaluationAxis]
        let defaultX = goal.objectives.count > 1 ? goal.objectives[1].metric : ReportPlots.evaluationAxis
        func options(selected: String) -> String {
            axes.map { "<option value=\"\(escape($0))\"\($0 == selected ? " selected" : "")>\(escape($0))</option>" }.joined()
        }
        var facts: [(String, String)] = [
            ("space", study.search.space), ("objectives", goal.objectives.map(\.description).joined(separator: ", ")),
            ("tactic", study.search.tactic + " / " + study.search.algorithm), ("state", study.state),
            ("evaluations", "\(study.records.count) done, \(study.failed) failed, \(study.pending) pending"),
            ("Pareto front", "\(summary.front.count) sub-networks"), ("hypervolume", summary.hypervolumeDescription),
            ("last activity", time(study.lastActivity)),
            ("throughput", study.evaluationsPerHour.map { String(format: "%.1f evaluations per hour, up to %d at once", $0, study.maximumConcurrent) } ?? "-"),
        ]
        if let queue = study.queue {
            facts.append(("workers", "\(queue.workers) live; coordinator \(queue.coordinatorAlive ? "alive" : "gone")"))
            facts.append(("queue", "\(queue.pending) pending, \(queue.leased) leased, \(queue.done) done"))
        }
        let factRows = facts.map { "<tr><th>\(escape($0.0))</th><td data-fact=\"\(escape($0.0))\">\(escape($0.1))</td></tr>" }.joined(separator: "\n")
        let headers = (["#"] + goal.metrics + ["status", "error", "seconds", "configuration"]).enumerated().map { index, name in
            "<th data-column=\"\(index)\">\(escape(name))</th>"
        }.joined()
        return page(title: "SwiftNAS: \(study.name)", body: """
            <p><a href="/">← all studies</a></p>
            <h1>\(escape(study.name))</h1>
            <table class="facts" id="facts">
            \(factRows)
            </table>
            <div class="controls">x <select id="axis-x">\(options(selected: defaultX))</select>
            y <select id="axis-y">\(options(selected: goal.objectives[0].metric))</select>
            <span class="note">hover a point for its metrics and configuration; click it to open the configuration</span></div>
            <div class="plots"><div id="pareto">\(ReportPlots.paretoSVG(summary))</div>
            <div id="hv">\(ReportPlots.hypervolumeSVG(summary))</div></div>
            <div id="iterations">\(iterations(study))</div>
            <div id="config" hidden><h2>Configuration #<span id="config-seq"></span></h2>
            <pre id="config-json"></pre><button id="copy-config" type="button">Copy</button></div>
            <h2>Evaluations</h2>
            <div class="controls">status <select id="status-filter"><option value="">all</option><option value="ok">ok</option>\
            <option value="failed">failed</option></select> <span id="shown" class="note"></span></div>
            <table id="evaluations"><thead><tr>\(headers)</tr></thead><tbody></tbody></table>
            """, attributes: " data-page=\"study\" data-study=\"\(escape(study.name))\" data-metrics=\"\(escape(goal.metrics.joined(separator: "\t")))\"")
    }

    /// The predictor-guided iterations (LINAS): per iteration the predictor fitted for each metric and Kendall's τ
    /// of its predictions for the batch against the measurements; then predicted against measured per objective,
    /// the last iteration highlighted. Empty for tactics that do not predict.
    static func iterations(_ study: StudySnapshot) -> String {
        guard let last = study.iterations.last else { return "" }
        let metrics = study.search.goal.objectives.map(\.metric)
        let header = "<tr><th>iteration</th><th>first #</th><th>chosen by prediction</th>"
            + metrics.map { "<th>\(escape($0)): predictor</th><th>τ</th>" }.joined() + "</tr>"
        let rows = study.iterations.reversed().map { iteration in
            "<tr><td>\(iteration.iteration)</td><td>\(iteration.firstSequence)</td><td>\(iteration.predictions.count)</td>"
                + metrics.map { metric in
                    "<td>\(escape(iteration.predictors[metric] ?? "-"))</td><td>\(iteration.kendall[metric].map { String(format: "%.2f", $0) } ?? "-")</td>"
                }.joined() + "</tr>"
        }.joined(separator: "\n")
        let plots = metrics.map { metric -> String in
            let pairs = study.iterations.flatMap { iteration in
                iteration.predictions.compactMap { p -> (measured: Double, predicted: Double, latest: Bool, sequence: Int)? in
                    guard let predicted = p.predicted[metric], let measured = p.measured?[metric] else { return nil }
                    return (measured, predicted, iteration.firstSequence == last.firstSequence, p.sequence)
                }
            }
            return ReportPlots.predictionSVG(metric: metric, pairs: pairs)
        }.joined(separator: "\n")
        return """
            <h2>Predictor-guided iterations</h2>
            <p class="note">Each iteration fits a predictor per objective on every measurement so far and measures the sub-networks \
            it predicts best; τ is Kendall's rank correlation of those predictions with what was then measured (held out: \
            the predictor had not seen them).</p>
            <div class="plots">\(plots)</div>
            <table class="iterations">\(header)
            \(rows)
            </table>
            """
    }

    /// `text` as one URL path segment.
    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? text
    }
}
