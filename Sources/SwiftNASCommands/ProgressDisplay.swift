import Foundation
import SwiftNASSearch

/// Shows a search's progress: a redrawn bar on a terminal, plain log lines otherwise (CI, files, pipes).
final class ProgressDisplay: @unchecked Sendable {
    let budget: Int
    let isTerminal = isatty(STDERR_FILENO) != 0
    private let lock = NSLock()

    init(budget: Int) { self.budget = budget }

    func update(_ progress: SearchProgress) {
        let seconds = Double(progress.elapsed.components.seconds) + Double(progress.elapsed.components.attoseconds) / 1e18
        let measured = max(1, progress.evaluated - progress.replayed)
        let remaining = seconds / Double(measured) * Double(budget - progress.evaluated)
        let hv = progress.hypervolume.map { String(format: "%.6g", $0) } ?? "-"
        let details = "\(progress.evaluated)/\(budget) evaluated, \(progress.failed) failed, front \(progress.frontSize), hv \(hv), ETA \(Self.clock(remaining))"
            + (progress.replayed > 0 ? ", \(progress.replayed) replayed from store" : "")
        lock.withLock {
            if isTerminal {
                let width = 30
                let filled = Int(Double(width) * Double(progress.evaluated) / Double(max(1, budget)))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                FileHandle.standardError.write(Data("\r\u{1B}[K\(bar) \(details)".utf8))
            } else {
                FileHandle.standardError.write(Data("swiftnas: \(details)\n".utf8))
            }
        }
    }

    func finish() {
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
