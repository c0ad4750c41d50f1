import Foundation
import SwiftNASPareto
import SwiftNASStore

/// Draws reports as standalone SVG: the Pareto plot (every evaluation, the front highlighted) and the
/// hypervolume curve.
public enum ReportPlots {
    /// A scatter of every successful evaluation on the first two objectives, the front drawn as a step line.
    /// With one objective the x axis is the evaluation number.
    public static func paretoSVG(_ summary: SearchSummary, width: Double = 640, height: Double = 440) -> String {
        let goal = summary.goal
        let xMetric = goal.objectives.count > 1 ? goal.objectives[1].metric : "evaluation"
        let yMetric = goal.objectives[0].metric
        func point(_ record: EvaluationRecord) -> (Double, Double)? {
            let x = goal.objectives.count > 1 ? record.metrics[xMetric] : Double(record.sequence + 1)
            guard record.status == .ok, let x, let y = record.metrics[yMetric], x.isFinite, y.isFinite else { return nil }
            return (x, y)
        }
        let all = summary.records.compactMap(point)
        let frontPoints = summary.front.compactMap(point).sorted { $0.0 < $1.0 }
        var canvas = Canvas(width: width, height: height, points: all, xLabel: xMetric, yLabel: yMetric)
        canvas.title = "\(summary.front.count) Pareto-optimal of \(summary.records.count) evaluated"
        for (x, y) in all { canvas.circle(x, y, radius: 2.5, style: "fill:#9aa5b1;fill-opacity:0.55") }
        canvas.polyline(frontPoints.map { ($0.0, $0.1) }, style: "fill:none;stroke:#d9480f;stroke-width:1.5")
        for (x, y) in frontPoints { canvas.circle(x, y, radius: 4, style: "fill:#d9480f;stroke:white;stroke-width:1") }
        return canvas.svg
    }

    /// The hypervolume against the number of evaluations.
    public static func hypervolumeSVG(_ summary: SearchSummary, width: Double = 640, height: Double = 300) -> String {
        let points = summary.hypervolumeCurve.map { (Double($0.evaluations), $0.hypervolume) }
        var canvas = Canvas(width: width, height: height, points: points + [(0, 0)], xLabel: "evaluations", yLabel: "hypervolume")
        canvas.title = "hypervolume by evaluation count"
        canvas.polyline(points, style: "fill:none;stroke:#1c7ed6;stroke-width:2")
        for (x, y) in points { canvas.circle(x, y, radius: 3, style: "fill:#1c7ed6") }
        return canvas.svg
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

    mutating func circle(_ px: Double, _ py: Double, radius: Double, style: String) {
        body.append(String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" style=\"%@\"/>", x(px), y(py), radius, style))
    }

    mutating func polyline(_ points: [(Double, Double)], style: String) {
        guard points.count > 1 else { return }
        let coordinates = points.map { String(format: "%.1f,%.1f", x($0.0), y($0.1)) }.joined(separator: " ")
        body.append("<polyline points=\"\(coordinates)\" style=\"\(style)\"/>")
    }

    static func ticks(_ range: (Double, Double)) -> [Double] {
        let span = range.1 - range.0
        guard span > 0, span.isFinite else { return [range.0] }
        let raw = span / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var value = ceil(range.0 / step) * step
        var result: [Double] = []
        while value <= range.1 && result.count < 12 { result.append(value); value += step }
        return result
    }

    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e9 { return String(format: "%.3gG", value / 1e9) }
        if magnitude >= 1e6 { return String(format: "%.3gM", value / 1e6) }
        if magnitude >= 1e4 { return String(format: "%.3gk", value / 1e3) }
        return String(format: "%.4g", value)
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

/// Escapes text for XML/HTML.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
