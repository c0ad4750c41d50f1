import Foundation

/// Writes a search's evaluations as CSV, in SwiftNAS's layout or DyNAS-T's.
public enum ResultsCSV {
    /// The column layouts `--format` offers.
    public enum Format: String, Sendable, CaseIterable {
        /// `config,<metric>...,status,error,evaluator,started,finished`: one row per real evaluation in
        /// evaluation order, `config` holding the configuration JSON, each metric column named as the metric.
        case swiftnas
        /// DyNAS-T's `Sub-network,Date,Model Parameters,Latency (ms),MACs,<accuracy column>` with the
        /// configuration as a Python dict literal and 0 for what was not measured.
        case dynast
    }

    /// The CSV text of `records` with `metrics` columns.
    public static func text(_ records: [EvaluationRecord], metrics: [String], format: Format) -> String {
        switch format {
        case .swiftnas: return swiftnasText(records, metrics: metrics)
        case .dynast: return dynastText(records, metrics: metrics)
        }
    }

    static func swiftnasText(_ records: [EvaluationRecord], metrics: [String]) -> String {
        var lines = [(["config"] + metrics + ["status", "error", "evaluator", "started", "finished"]).map(field).joined(separator: ",")]
        for record in records {
            let values = metrics.map { record.metrics[$0].map(number) ?? "" }
            let row = [field(record.configuration)] + values + [record.status.rawValue, field(record.error ?? ""), field(record.evaluator),
                                                                 String(format: "%.3f", record.started), String(format: "%.3f", record.finished)]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// DyNAS-T's metric columns (its `get_csv_header`), by our metric names.
    static let dynastColumns: [(metric: String, column: String)] = [
        ("params", "Model Parameters"), ("latency", "Latency (ms)"), ("macs", "MACs"), ("model_size", "Model Size"),
    ]
    static let dynastQuality: [(metric: String, column: String)] = [
        ("accuracy_top1", "Top-1 Acc (%)"), ("bleu", "BLEU Score"), ("accuracy_sst2", "SST-2 Acc"),
    ]

    /// Our metric name for a DyNAS-T results column (`Top-1 Acc (%)` → `accuracy_top1`), or nil for a column
    /// DyNAS-T does not write.
    public static func metric(forDyNASTColumn column: String) -> String? {
        (dynastColumns + dynastQuality).first { $0.column == column }?.metric
    }

    static func dynastText(_ records: [EvaluationRecord], metrics: [String]) -> String {
        let quality = dynastQuality.first { metrics.contains($0.metric) } ?? dynastQuality[0]
        let costs = metrics.contains("model_size")
            ? dynastColumns.filter { $0.metric != "macs" }
            : dynastColumns.filter { $0.metric != "model_size" }
        let columns = costs + [quality]
        var lines = [(["Sub-network", "Date"] + columns.map(\.column)).map(field).joined(separator: ",")]
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSS"
        formatter.timeZone = TimeZone(identifier: "UTC")
        for record in records where record.status == .ok {
            let date = formatter.string(from: Date(timeIntervalSince1970: record.finished))
            let values = columns.map { record.metrics[$0.metric].map(number) ?? "0" }
            lines.append(([field(pythonLiteral(record.configuration)), date] + values).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A configuration JSON object rewritten as a Python dict literal (`{'ks': [3, 5], ...}`).
    static func pythonLiteral(_ json: String) -> String {
        var out = ""
        var inString = false
        for character in json {
            switch character {
            case "\"": inString.toggle(); out.append("'")
            case ":" where !inString: out += ": "
            case "," where !inString: out += ", "
            default: out.append(character)
            }
        }
        return out
    }

    /// A number as CSV text: integers without a fraction, others with full precision.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Quotes a CSV field when it holds a comma, quote or newline.
    public static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
