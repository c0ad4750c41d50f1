import Foundation
import SwiftNASPareto
import SwiftNASStore

/// A one-page, self-contained HTML report: summary, Pareto plot, hypervolume curve and the front as a table.
public enum HTMLReport {
    public static func page(_ summary: SearchSummary, title: String) -> String {
        let metrics = summary.goal.metrics
        let failed = summary.records.filter { $0.status == .failed }.count
        let objectives = summary.goal.objectives.map(\.description).joined(separator: ", ")
        let sortedFront = summary.front.sorted { ($0.metrics[metrics[0]] ?? 0) > ($1.metrics[metrics[0]] ?? 0) }
        let rows = sortedFront.map { record in
            "<tr><td>\(record.sequence)</td>" + metrics.map { "<td>\(record.metrics[$0].map { Canvas.label($0, precise: true) } ?? "")</td>" }.joined()
                + "<td><code>\(escape(record.configuration))</code></td></tr>"
        }.joined(separator: "\n")
        let curve = zip(summary.hypervolumeCurve, summary.normalizedHypervolumeCurve).map {
            "<tr><td>\($0.evaluations)</td><td>\(String(format: "%.6g", $0.hypervolume))</td><td>\(String(format: "%.4f", $1.fraction))</td></tr>"
        }.joined(separator: "\n")
        return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body{font-family:system-ui,sans-serif;max-width:1000px;margin:24px auto;color:#222;padding:0 12px}
        h1{font-size:22px} h2{font-size:16px;margin-top:28px}
        table{border-collapse:collapse;font-size:12px} td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}
        td:last-child{text-align:left} code{font-size:11px;word-break:break-all}
        .facts td{text-align:left} .plots{display:flex;flex-wrap:wrap;gap:12px}
        </style></head><body>
        <h1>\(escape(title))</h1>
        <table class="facts">
        <tr><td>objectives</td><td>\(escape(objectives))</td></tr>
        <tr><td>evaluations</td><td>\(summary.records.count) (\(failed) failed)</td></tr>
        <tr><td>Pareto front</td><td>\(summary.front.count) sub-networks</td></tr>
        <tr><td>hypervolume</td><td>\(escape(summary.hypervolumeDescription))</td></tr>
        </table>
        <div class="plots">
        \(ReportPlots.paretoSVG(summary))
        \(ReportPlots.hypervolumeSVG(summary))
        </div>
        <h2>Hypervolume by evaluation count</h2>
        <table><tr><th>evaluations</th><th>hypervolume</th><th>fraction of the box</th></tr>
        \(curve)
        </table>
        <h2>Pareto front</h2>
        <table><tr><th>#</th>\(metrics.map { "<th>\(escape($0))</th>" }.joined())<th>config</th></tr>
        \(rows)
        </table>
        </body></html>
        """
    }
}
