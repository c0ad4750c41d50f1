import Foundation
import SwiftNASCore
import SwiftNASSpace

/// Settings for evaluators that run as child processes.
public struct ProcessEvaluatorSettings: Sendable {
    /// How many evaluator processes run in parallel.
    public var workers: Int
    /// Longest wait for one reply before the evaluation fails and the process is restarted.
    public var timeout: Duration
    /// How many times an evaluation is retried after a crash or a timeout (not after an error reply).
    public var retries: Int
    /// Replies longer than this are failures.
    public var maxLineBytes: Int

    public init(workers: Int = 1, timeout: Duration = .seconds(3600), retries: Int = 1, maxLineBytes: Int = 1 << 20) {
        self.workers = workers
        self.timeout = timeout
        self.retries = retries
        self.maxLineBytes = maxLineBytes
    }
}

/// Evaluates configurations with an external program in any language, over evaluator protocol v1.
///
/// Protocol v1 is JSON Lines over the program's stdin/stdout; its stderr is passed through to ours (the log).
/// - request: `{"id": "<string>", "config": {<configuration>}, "metrics": ["accuracy_top1", "macs"]}`
/// - reply: `{"id": "<same id>", "metrics": {"accuracy_top1": 76.2, "macs": 251000000}}` or
///   `{"id": "<same id>", "error": "<message>"}`. Other lines (no `id`, another id, not JSON) are logged and
///   ignored.
/// - the program exits when its stdin closes.
///
/// `workers` processes run in parallel. Lines on stdout that are not the pending request's reply (not JSON,
/// no id, another id: a model printing "Loading weights...") are logged, rate-limited, and skipped. A reply
/// with NaN, a missing metric or an error, or a line over 1 MiB, fails that evaluation with a recorded reason;
/// a crash or a timeout restarts the process and retries up to `retries` times.
public actor ProcessEvaluator: Evaluator {
    public nonisolated let identity: String
    public nonisolated var supportedMetrics: Set<String>? { nil }

    let arguments: [String]
    let executable: String
    let space: SearchSpace
    let settings: ProcessEvaluatorSettings
    private var idle: [EvaluatorProcess] = []
    private var waiting: [CheckedContinuation<EvaluatorProcess, Never>] = []
    private var requestCounter = 0

    /// Prepares an evaluator for `command` (split shell-style, never run through a shell). Throws
    /// `InputError` when the program cannot be found.
    public init(command: String, space: SearchSpace, settings: ProcessEvaluatorSettings = .init(), source: String = "--evaluator") throws {
        let words = try CommandLineWords.split(command, source: source)
        guard let executable = ProcessEvaluator.resolve(words[0]) else {
            throw InputError(source: source, "cannot start the evaluator: '\(words[0])' is not an executable file or on PATH")
        }
        self.identity = command
        self.arguments = Array(words.dropFirst())
        self.executable = executable
        self.space = space
        self.settings = settings
        var processes: [EvaluatorProcess] = []
        for index in 0..<max(1, settings.workers) {
            processes.append(EvaluatorProcess(index: index, executable: executable, arguments: arguments, maxLineBytes: settings.maxLineBytes))
        }
        self.idle = processes
    }

    /// Starts every worker now, so that a program that dies at once is reported before a search begins.
    /// Throws `InputError` naming `source` when a worker exits within `grace`.
    public func start(grace: Duration = .milliseconds(300), source: String = "--evaluator") async throws {
        for process in idle {
            do { try await process.launch() } catch {
                throw InputError(source: source, "cannot start the evaluator '\(identity)': \(error)")
            }
        }
        try await Task.sleep(for: grace)
        for process in idle {
            if let status = await process.exitStatus() {
                throw InputError(source: source, "the evaluator '\(identity)' exited at start with status \(status)")
            }
        }
    }

    /// Closes every worker's stdin and waits for them to exit.
    public func shutdown() async {
        for process in idle { await process.terminate(gracefully: true) }
    }

    public func evaluate(_ configuration: Configuration, metrics: [String]) async throws -> [String: Double] {
        requestCounter += 1
        let id = "r\(requestCounter)"
        let request = Literal.object([
            ("id", .string(id)), ("config", space.literal(of: configuration)), ("metrics", .array(metrics.map { .string($0) })),
        ]).json
        let process = await acquire()
        defer { release(process) }
        var attempt = 0
        while true {
            do {
                return try await process.exchange(request, id: id, metrics: metrics, timeout: settings.timeout)
            } catch let failure as TransientFailure {
                attempt += 1
                await process.terminate(gracefully: false)
                if attempt > settings.retries {
                    throw EvaluationFailure("\(failure.reason) (after \(attempt) attempt\(attempt == 1 ? "" : "s"))")
                }
            }
        }
    }

    private func acquire() async -> EvaluatorProcess {
        if let process = idle.popLast() { return process }
        return await withCheckedContinuation { waiting.append($0) }
    }

    private func release(_ process: EvaluatorProcess) {
        if waiting.isEmpty { idle.append(process) } else { waiting.removeFirst().resume(returning: process) }
    }

    /// The absolute path of `program`: as given when it contains a slash, else searched on PATH.
    static func resolve(_ program: String) -> String? {
        let manager = FileManager.default
        if program.contains("/") { return manager.isExecutableFile(atPath: program) ? program : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if manager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A failure that a restart may cure (crash, timeout).
struct TransientFailure: Error {
    var reason: String
}

/// One evaluator child process: started on first use, restarted after a crash or timeout.
actor EvaluatorProcess {
    let index: Int
    let executable: String
    let arguments: [String]
    let maxLineBytes: Int
    private var process: Process?
    private var input: FileHandle?
    private var output: LineChannel?
    /// Request ids sent earlier on this process, whose late replies are skipped rather than failed.
    private var staleIDs: Set<String> = []
    /// Lines on stdout that were not replies (model loading messages, prints of native code), ignored.
    private var ignoredLines = 0
    /// Ignored lines logged in full before only every `ignoredLogEvery`-th is.
    static let ignoredLogFirst = 10, ignoredLogEvery = 100

    init(index: Int, executable: String, arguments: [String], maxLineBytes: Int) {
        self.index = index
        self.executable = executable
        self.arguments = arguments
        self.maxLineBytes = maxLineBytes
    }

    func launch() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdinPipe = Pipe(), stdoutPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = FileHandle.standardError
        try process.run()
        let channel = LineChannel()
        channel.startReading(dup(stdoutPipe.fileHandleForReading.fileDescriptor), maxLineBytes: maxLineBytes)
        try? stdoutPipe.fileHandleForReading.close()
        self.process = process
        self.input = stdinPipe.fileHandleForWriting
        self.output = channel
        self.staleIDs = []
    }

    func exitStatus() -> Int32? {
        guard let process, !process.isRunning else { return nil }
        return process.terminationStatus
    }

    func terminate(gracefully: Bool) async {
        guard let process else { return }
        try? input?.close()
        if !gracefully, process.isRunning { kill(process.processIdentifier, SIGKILL) }
        var waited = 0
        while process.isRunning && waited < 50 {
            try? await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        self.process = nil
        self.input = nil
        self.output = nil
    }

    /// Sends one request and waits for its reply. Throws `EvaluationFailure` for a bad reply (no retry) and
    /// `TransientFailure` for a crash or timeout (the caller restarts and retries).
    func exchange(_ request: String, id: String, metrics: [String], timeout: Duration) async throws -> [String: Double] {
        if process == nil || process?.isRunning == false {
            do { try launch() } catch { throw TransientFailure(reason: "cannot start the evaluator: \(error)") }
        }
        guard let input, let output else { throw TransientFailure(reason: "the evaluator is not running") }
        output.drain()
        do {
            try input.write(contentsOf: Data((request + "\n").utf8))
        } catch {
            throw TransientFailure(reason: "the evaluator closed its input (\(exitDescription()))")
        }
        defer { staleIDs.insert(id) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero, let event = await output.next(timeout: remaining) else {
                throw TransientFailure(reason: "no reply within \(timeout)")
            }
            switch event {
            case .closed:
                throw TransientFailure(reason: "the evaluator exited (\(exitDescription()))")
            case .overlong:
                throw EvaluationFailure("reply line longer than \(maxLineBytes) bytes")
            case .line(let text):
                if text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                // Only this request's reply decides the evaluation; anything else on stdout is logged and skipped.
                guard let reply = try? Literal.parse(text), case .object = reply else {
                    ignore(text, because: "not JSON")
                    continue
                }
                guard let replyID = reply["id"] else {
                    if reply["protocol"] == nil { ignore(text, because: "no id") }  // the protocol greeting is expected
                    continue
                }
                guard case .string(let replyText) = replyID, replyText == id else {
                    if case .string(let old) = replyID, staleIDs.contains(old) { continue }
                    ignore(text, because: "id \(replyID.json) is not the pending request's \"\(id)\"")
                    continue
                }
                return try Self.metrics(from: reply, wanted: metrics)
            }
        }
    }

    /// Logs a line that is not a reply to the pending request: the first few, then every hundredth.
    private func ignore(_ text: String, because reason: String) {
        ignoredLines += 1
        guard ignoredLines <= Self.ignoredLogFirst || ignoredLines.isMultiple(of: Self.ignoredLogEvery) else { return }
        let more = ignoredLines == Self.ignoredLogFirst ? " (further ones: every \(Self.ignoredLogEvery)th)" : ""
        let line = "swiftnas: evaluator process \(index): ignored stdout line \(ignoredLines), \(reason)\(more): \(text.prefix(200))\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    private func exitDescription() -> String {
        guard let process else { return "not running" }
        if process.isRunning { return "still running" }
        return process.terminationReason == .uncaughtSignal ? "killed by signal \(process.terminationStatus)" : "status \(process.terminationStatus)"
    }

    /// Checks a reply object and extracts the wanted metrics.
    static func metrics(from reply: Literal, wanted: [String]) throws -> [String: Double] {
        if let error = reply["error"] {
            if case .string(let message) = error { throw EvaluationFailure("evaluator error: \(message)") }
            throw EvaluationFailure("evaluator error: \(error.json)")
        }
        guard case .object(let pairs)? = reply["metrics"] else {
            throw EvaluationFailure("reply has neither \"metrics\" (an object) nor \"error\"")
        }
        var result: [String: Double] = [:]
        for (name, value) in pairs {
            switch value {
            case .int(let v): result[name] = Double(v)
            case .double(let v): result[name] = v
            default: continue
            }
        }
        for name in wanted {
            guard let value = result[name] else { throw EvaluationFailure("reply lacks metric '\(name)'") }
            guard value.isFinite else { throw EvaluationFailure("metric '\(name)' is not a finite number") }
        }
        return result.filter { wanted.contains($0.key) }
    }
}
