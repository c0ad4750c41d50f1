import Foundation
import SwiftNASSearch
import SwiftNASStore

/// Shows a search's progress from its events: on a terminal one redrawn line, never wider than the terminal,
/// after every evaluation and every second (with how long the current evaluations have been running); plain log
/// lines otherwise (CI, files, pipes) — one per evaluation, one per batch with the front, and one a minute
/// while nothing finishes. The ETA counts only evaluations measured in this run, not those replayed.
final class ProgressDisplay: @unchecked Sendable {
    let budget: Int
    /// Seconds one evaluation may take before it fails, for the waiting message.
    let timeout: Double
    let isTerminal = isatty(STDERR_FILENO) != 0
    /// Seconds without a finished evaluation before a plain log says it is waiting, and between such lines.
    static let waitingLogInterval: Double = 60

    private let lock = NSLock()
    private let start = ContinuousClock.now
    private var lastFinished = ContinuousClock.now
    private var lastWaitingLog = ContinuousClock.now
    private var evaluated = 0, replayed = 0, failed = 0
    private var frontSize = 0
    private var hypervolume: Double?

    init(budget: Int, timeout: Double) {
        self.budget = budget
        self.timeout = timeout
    }

    /// One evaluation is recorded.
    func record(_ record: EvaluationRecord, replayed wasReplayed: Bool) {
        lock.withLock {
            evaluated += 1
            if wasReplayed { replayed += 1 }
            if record.status == .failed { failed += 1 }
            lastFinished = .now
            if isTerminal {
                draw()
            } else if !wasReplayed {
                let outcome = record.status == .ok ? "ok" : "failed: \(record.error ?? "")"
                log("swiftnas: evaluation #\(record.sequence) \(outcome) (\(evaluated)/\(budget))")
            }
        }
    }

    /// A batch is done: the front and hypervolume are current.
    func update(_ progress: SearchProgress) {
        lock.withLock {
            (evaluated, replayed, failed, frontSize, hypervolume) =
                (progress.evaluated, progress.replayed, progress.failed, progress.frontSize, progress.hypervolume)
            if isTerminal { draw() } else { log("swiftnas: " + details(now: .now)) }
        }
    }

    /// Called every second: redraws the terminal line (its waiting time grows), or logs that the search waits.
    func tick() {
        lock.withLock {
            let now = ContinuousClock.now
            if isTerminal {
                draw()
            } else if Self.seconds(lastFinished.duration(to: now)) >= Self.waitingLogInterval,
                      Self.seconds(lastWaitingLog.duration(to: now)) >= Self.waitingLogInterval {
                lastWaitingLog = now
                log("swiftnas: waiting: no evaluation finished for \(Self.clock(Self.seconds(lastFinished.duration(to: now)))) (each may take up to \(Self.clock(timeout)) before it fails)")
            }
        }
    }

    func finish() {
        lock.withLock { if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) } }
    }

    /// The state in words (`12/250 evaluated, 0 failed, front 3, hv 8.1e+06, ETA 28m10s`).
    private func details(now: ContinuousClock.Instant) -> String {
        let measured = evaluated - replayed
        let elapsed = Self.seconds(start.duration(to: now))
        let remaining = measured > 0 ? elapsed / Double(measured) * Double(budget - evaluated) : .nan
        let hv = hypervolume.map { String(format: "%.6g", $0) } ?? "-"
        var text = "\(evaluated)/\(budget) evaluated, \(failed) failed, front \(frontSize), hv \(hv), ETA \(Self.clock(remaining))"
        if replayed > 0 { text += ", \(replayed) replayed from store" }
        let waiting = Self.seconds(lastFinished.duration(to: now))
        if evaluated < budget, waiting >= 5 { text += ", waiting \(Self.clock(waiting))" }
        return text
    }

    /// Redraws the terminal line, cut to the terminal's width so it never wraps.
    private func draw() {
        let width = 20
        let filled = Int(Double(width) * Double(evaluated) / Double(max(1, budget)))
        let bar = String(repeating: "█", count: min(width, filled)) + String(repeating: "░", count: max(0, width - filled))
        let line = String("\(bar) \(details(now: .now))".prefix(max(10, Self.terminalColumns() - 1)))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// The width of the terminal on standard error (80 when it cannot be read).
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
