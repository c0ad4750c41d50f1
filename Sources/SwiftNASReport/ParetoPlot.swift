import Foundation
import SwiftNASPareto
import SwiftNASStore

/// Draws reports and the dashboard as standalone SVG, rendered on the server: the Pareto view (every evaluation,
/// the front highlighted as a staircase, each point carrying its metrics and configuration for hover and click)
/// and hypervolume curves. `swiftnas report` and `swiftnas dashboard` draw with the same code.
public enum ReportPlots {
    /// A scatter of every successful evaluation on `x` against `y` (default: the second objective against the
    /// first; with one objective the x axis is the evaluation number). The front is drawn as the staircase it
    /// attains when both axes are objectives. Each point has a `<title>` (hover: sequence, metrics,
    /// configuration) and `data-seq` (the dashboard opens the configuration on click).
    public static func paretoSVG(_ summary: SearchSummary, x xAxis: String? = nil, y yAxis: String? = nil,
                                 width: Double = 640, height: Double = 440) -> String {
        let goal = summary.goal
        let yMetric = yAxis ?? goal.objectives[0].metric
        let xMetric = xAxis ?? (goal.objectives.count > 1 ? goal.objectives[1].metric : evaluationAxis)
        func value(_ record: EvaluationRecord, _ metric: String) -> Double? {
            metric == evaluationAxis ? Double(record.sequence + 1) : record.metrics[metric]
        }
        func point(_ record: EvaluationRecord) -> (Double, Double)? {
            guard record.status == .ok, let x = value(record, xMetric), let y = value(record, yMetric), x.isFinite, y.isFinite else { return nil }
            return (x, y)
        }
        let successful = summary.records.filter { point($0) != nil }
        let frontSequences = Set(summary.front.map(\.sequence))
        var canvas = Canvas(width: width, height: height, points: successful.compactMap(point),
                            xLabel: axisLabel(xMetric, summary), yLabel: axisLabel(yMetric, summary))
        canvas.title = "\(summary.front.count) Pareto-optimal of \(summary.records.count) evaluated"
        for record in successful where !frontSequences.contains(record.sequence) {
            let (x, y) = point(record)!
            canvas.circle(x, y, radius: 2.5, style: "fill:#9aa5b1;fill-opacity:0.55", className: "point", sequence: record.sequence,
                          title: tooltip(record, goal: goal))
        }
        let senses = [xMetric, yMetric].map { metric in goal.objectives.first { $0.metric == metric }?.sense }
        if let xSense = senses[0], let ySense = senses[1] {
            canvas.polyline(staircase(summary.front.compactMap(point), xSense: xSense, ySense: ySense),
                            style: "fill:none;stroke:#d9480f;stroke-width:1.5", className: "front-line")
        }
        for record in summary.front {
            guard let (x, y) = point(record) else { continue }
            canvas.circle(x, y, radius: 4, style: "fill:#d9480f;stroke:white;stroke-width:1", className: "point front", sequence: record.sequence,
                          title: tooltip(record, goal: goal))
        }
        return canvas.svg
    }

    /// The axis name that plots evaluation numbers.
    public static let evaluationAxis = "evaluation"

    /// Hypervolume against the number of evaluations, one line per series (several studies overlaid), as a
    /// fraction of each study's box from its ideal point to its reference point.
    public static func hypervolumeSVG(_ series: [(name: String, summary: SearchSummary)], width: Double = 640, height: Double = 300) -> String {
        let colors = ["#1c7ed6", "#d9480f", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599"]
        let curves = series.map { ($0.name, $0.summary.normalizedHypervolumeCurve.map { (Double($0.evaluations), $0.fraction) }) }
        var canvas = Canvas(width: width, height: height, points: curves.flatMap(\.1) + [(0, 0)], xLabel: "evaluations",
                            yLabel: "hypervolume (fraction of the reference box)")
        canvas.title = series.count == 1 ? "hypervolume by evaluation count" : "hypervolume by evaluation count, \(series.count) studies"
        for (index, (name, points)) in curves.enumerated() {
            let color = colors[index % colors.count]
            canvas.polyline(points, style: "fill:none;stroke:\(color);stroke-width:2", className: "hv-line")
            for (x, y) in points {
                canvas.circle(x, y, radius: 3, style: "fill:\(color)", className: "hv-point", sequence: nil,
                              title: "\(name): \(Int(x)) evaluations, \(String(format: "%.4f", y)) of the box")
            }
            if series.count > 1 { canvas.legend(name, color: color, row: index) }
        }
        return canvas.svg
    }

    /// One study's hypervolume curve.
    public static func hypervolumeSVG(_ summary: SearchSummary, width: Double = 640, height: Double = 300) -> String {
        hypervolumeSVG([(name: "", summary: summary)], width: width, height: height)
    }

    /// Predicted against measured values of one metric for the sub-networks a predictor-guided tactic chose:
    /// every iteration's in grey, the last one's highlighted, and the diagonal where prediction equals measurement.
    public static func predictionSVG(metric: String, pairs: [(measured: Double, predicted: Double, latest: Bool, sequence: Int)],
                                     width: Double = 420, height: Double = 320) -> String {
        let points = pairs.map { ($0.measured, $0.predicted) }
        let low = min(points.map(\.0).min() ?? 0, points.map(\.1).min() ?? 0), high = max(points.map(\.0).max() ?? 1, points.map(\.1).max() ?? 1)
        var canvas = Canvas(width: width, height: height, points: points + [(low, low), (high, high)], xLabel: "measured \(metric)",
                            yLabel: "predicted \(metric)")
        canvas.title = "\(metric): predicted against measured"
        canvas.polyline([(low, low), (high, high)], style: "fill:none;stroke:#adb5bd;stroke-dasharray:4 3", className: "diagonal")
        for pair in pairs.sorted(by: { !$0.latest && $1.latest }) {
            canvas.circle(pair.measured, pair.predicted, radius: pair.latest ? 4 : 2.5,
                          style: pair.latest ? "fill:#1c7ed6;stroke:white;stroke-width:1" : "fill:#9aa5b1;fill-opacity:0.6",
                          className: pair.latest ? "prediction latest" : "prediction", sequence: pair.sequence,
                          title: "#\(pair.sequence): measured \(Canvas.label(pair.measured, precise: true)), predicted \(Canvas.label(pair.predicted, precise: true))")
        }
        return canvas.svg
    }

    /// The points of the region a front attains, as a step line in the user's units: between two front points
    /// the better value of the earlier one holds until the next is reached.
    static func staircase(_ points: [(Double, Double)], xSense: ObjectiveSense, ySense: ObjectiveSense) -> [(Double, Double)] {
        let minimized = points.map { (xSense.toMinimization($0.0), ySense.toMinimization($0.1)) }.sorted { $0 < $1 }
        var steps: [(Double, Double)] = []
        for (index, point) in minimized.enumerated() {
            if index > 0 { steps.append((point.0, minimized[index - 1].1)) }
            steps.append(point)
        }
        return steps.map { (xSense.fromMinimization($0.0), ySense.fromMinimization($0.1)) }
    }

    /// A metric's axis label: accuracies (percent) say so.
    static func axisLabel(_ metric: String, _ summary: SearchSummary) -> String {
        guard metric.lowercased().hasPrefix("accuracy") || metric.lowercased().hasPrefix("acc_") else { return metric }
        let values = summary.records.compactMap { $0.metrics[metric] }
        return values.allSatisfy({ $0 > 1 && $0 <= 100 }) ? "\(metric) (%)" : metric
    }

    /// What hovering a point shows: its number, its metrics and its configuration.
    static func tooltip(_ record: EvaluationRecord, goal: SearchGoal) -> String {
        let metrics = goal.metrics.map { "\($0) = \(record.metrics[$0].map { Canvas.label($0, precise: true) } ?? "-")" }
        return (["#\(record.sequence)"] + metrics + [record.configuration]).joined(separator: "\n")
    }
}

/// A minimal SVG chart: linear axes with ticks fitted to the data.
struct Canvas {
    let width: Double, height: Double
    let left = 78.0, right = 20.0, top = 34.0, bottom = 48.0
    let xRange: (Double, Double), yRange: (Double, Double)
    var title = ""
    var body: [String] = []
    let xLabel: String, yLabel: String

    init(width: Double, height: Double, points: [(Double, Double)], xLabel: String, yLabel: String) {
        self.width = width
        self.height = height
        self.xLabel = xLabel
        self.yLabel = yLabel
        xRange = Canvas.padded(points.map(\.0))
        yRange = Canvas.padded(points.map(\.1))
    }

    static func padded(_ values: [Double]) -> (Double, Double) {
        guard let low = values.min(), let high = values.max() else { return (0, 1) }
        let span = high - low
        let pad = span > 0 ? span * 0.05 : max(abs(high) * 0.05, 1)
        return (low - pad, high + pad)
    }

    func x(_ value: Double) -> Double { left + (value - xRange.0) / (xRange.1 - xRange.0) * (width - left - right) }
    func y(_ value: Double) -> Double { height - bottom - (value - yRange.0) / (yRange.1 - yRange.0) * (height - top - bottom) }

    mutating func circle(_ px: Double, _ py: Double, radius: Double, style: String, className: String? = nil, sequence: Int? = nil,
                         title: String? = nil) {
        var attributes = String(format: "cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" style=\"%@\"", x(px), y(py), radius, style)
        if let className { attributes += " class=\"\(className)\"" }
        if let sequence { attributes += " data-seq=\"\(sequence)\"" }
        if let title {
            body.append("<circle \(attributes)><title>\(escape(title))</title></circle>")
        } else {
            body.append("<circle \(attributes)/>")
        }
    }

    mutating func polyline(_ points: [(Double, Double)], style: String, className: String? = nil) {
        guard points.count > 1 else { return }
        let coordinates = points.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
        body.append("<polyline points=\"\(coordinates)\" style=\"\(style)\"\(className.map { " class=\"\($0)\"" } ?? "")/>")
    }

    mutating func legend(_ name: String, color: String, row: Int) {
        let ly = top + 14 + Double(row) * 16, lx = width - right - 170
        body.append(String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%@\"/>", lx, ly - 9, color))
        body.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" fill=\"#222\">%@</text>", lx + 14, ly, escape(String(name.prefix(26)))))
    }

    static func ticks(_ range: (Double, Double)) -> [Double] {
        let span = range.1 - range.0
        guard span > 0, span.isFinite else { return [range.0] }
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var index = ceil(range.0 / step)
        var result: [Double] = []
        // Ticks are whole multiples of the step, so zero is exactly zero (never "-0" from accumulated error).
        while index * step <= range.1 && result.count < 12 {
            result.append(index == 0 ? 0 : index * step)
            index += 1
        }
        return result
    }

    /// A tick or value label: short (`1.5M`), or with more digits when `precise`.
    static func label(_ value: Double, precise: Bool = false) -> String {
        let value = value == 0 ? 0 : value  // no "-0"
        let magnitude = abs(value)
        let digits = precise ? "%.6g" : "%.3g"
        if magnitude >= 1e9 { return String(format: digits + "G", value / 1e9) }
        if magnitude >= 1e6 { return String(format: digits + "M", value / 1e6) }
        if magnitude >= 1e4 { return String(format: digits + "k", value / 1e3) }
        return String(format: precise ? "%.6g" : "%.4g", value)
    }

    var svg: String {
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>"]
        let plotBottom = height - bottom, plotRight = width - right
        for tick in Canvas.ticks(xRange) {
            parts.append(String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", x(tick), top, x(tick), plotBottom))
            parts.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">%@</text>", x(tick), plotBottom + 16, Canvas.label(tick)))
        }
        for tick in Canvas.ticks(yRange) {
            parts.append(String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", left, y(tick), plotRight, y(tick)))
            parts.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444\">%@</text>", left - 6, y(tick) + 4, Canvas.label(tick)))
        }
        parts.append(String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>", left, top, plotRight - left, plotBottom - top))
        parts += body
        parts.append(String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#222\">%@</text>", (left + plotRight) / 2, height - 10, escape(xLabel)))
        parts.append(String(format: "<text transform=\"translate(16 %.1f) rotate(-90)\" text-anchor=\"middle\" fill=\"#222\">%@</text>", (top + plotBottom) / 2, escape(yLabel)))
        parts.append(String(format: "<text x=\"%.1f\" y=\"20\" fill=\"#222\" font-size=\"13\">%@</text>", left, escape(title)))
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }
}

/// Escapes text for XML and HTML (element content and quoted attributes).
public func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        .replacingOccurrences(of: "'", with: "&#39;")
}
