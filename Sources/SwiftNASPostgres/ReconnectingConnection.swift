import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SwiftNASCore

/// One connection to a PostgreSQL server that survives the server or the network going away: every query has a
/// deadline, and a query that fails because the connection is gone (closed, reset, or silent past its deadline)
/// is run again on a new connection, reconnecting with exponential backoff for up to `patience`.
///
/// Every statement SwiftNAS sends is idempotent or fenced (a retried `complete` finds its claim already done), so
/// running one again after a lost reply is safe. `onConnect` runs on each new connection before any query (the
/// coordinator re-takes its study's lock there; if another process took it meanwhile, that error ends the search).
actor ReconnectingConnection {
    let url: PostgresURL
    /// The longest one statement may take before the connection is presumed dead.
    let queryTimeout: Duration
    /// How long to keep reconnecting before giving up with an error.
    let patience: Duration
    private let onConnect: @Sendable (PostgresConnection) async throws -> Void
    private var connection: PostgresConnection?
    /// The connection being made, and the generation it will be.
    private var connecting: (task: Task<PostgresConnection, any Error>, generation: Int)?
    private var generation = 0
    private var closed = false
    /// Where notes on lost and regained connections go (the search log).
    private let note: @Sendable (String) -> Void

    init(url: PostgresURL, queryTimeout: Duration = .seconds(20), patience: Duration = .seconds(600),
         note: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data("swiftnas: \($0)\n".utf8)) },
         onConnect: @escaping @Sendable (PostgresConnection) async throws -> Void = { _ in }) {
        self.url = url
        self.queryTimeout = queryTimeout
        self.patience = patience
        self.note = note
        self.onConnect = onConnect
    }

    /// postgres-nio's logger, quiet: what matters reaches the user as errors and notes.
    static let silent: Logger = {
        var logger = Logger(label: "swiftnas.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// Connects once, failing at once with a clear error (a wrong password or database is not worth retrying
    /// at start).
    func start() async throws {
        // Only a deadline is worth another try here: a busy machine can starve the connection's tasks past it.
        _ = try await current(retrying: { $0 is DeadlineExceeded }, until: .now + min(patience, .seconds(60)))
    }

    /// Runs `body` on the connection, again on a new one if the connection is lost, until it succeeds, fails for
    /// another reason, or `patience` runs out.
    @discardableResult
    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        var backoff = Backoff()
        while true {
            let (connection, generation) = try await current(retrying: Self.isConnectionLost, until: deadline)
            do {
                let value = try await Self.within(queryTimeout) { try await body(connection) }
                if backoff.attempts > 0 { note("the connection to \(url) is back") }
                return value
            } catch where Self.isTransient(error) && clock.now < deadline && !closed {
                // A deadlock or serialisation failure rolled the statement back: run it again.
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...50)))
            } catch where Self.isConnectionLost(error) {
                drop(generation)
                guard clock.now < deadline, !closed else { throw PostgresStore.failure(error, url: url) }
                if backoff.attempts == 0 {
                    note("lost the connection to \(url) (\(PostgresStore.failure(error, url: url).message)): reconnecting with backoff for up to \(patience)")
                }
                try await backoff.wait()
            }
        }
    }

    /// Closes the connection; later calls fail.
    func close() async {
        closed = true
        connecting?.task.cancel()
        if let connection { await Self.shut(connection) }
        connection = nil
    }

    private func current(retrying: @escaping @Sendable (any Error) -> Bool, until deadline: ContinuousClock.Instant) async throws -> (PostgresConnection, Int) {
        if closed { throw InputError(source: "\(url)", "the store is closed") }
        if let connection {
            // A connection the server closed (a restart) is replaced before a statement waits on it in vain.
            if !connection.isClosed { return (connection, generation) }
            drop(generation)
        }
        if let connecting {
            do { return (try await connecting.task.value, connecting.generation) } catch { throw PostgresStore.failure(error, url: url) }
        }
        let url = self.url, logger = Self.silent, onConnect = self.onConnect, note = self.note, queryTimeout = self.queryTimeout
        let task = Task { () throws -> PostgresConnection in
            var backoff = Backoff()
            while true {
                do {
                    // Connecting and preparing the connection share one deadline: a server that goes away again
                    // in between must not leave every caller waiting on this task.
                    return try await Self.within(queryTimeout) {
                        let connection = try await Self.connect(url, logger: logger)
                        do {
                            try await onConnect(connection)
                            try Task.checkCancellation()
                        } catch {
                            await Self.shut(connection)
                            throw error
                        }
                        return connection
                    }
                } catch where retrying(error) && ContinuousClock.now < deadline {
                    if backoff.attempts == 0 {
                        note("cannot reach \(url) (\(PostgresStore.failure(error, url: url).message)): retrying with backoff")
                    }
                    try await backoff.wait()
                }
            }
        }
        // Numbered now, so every caller waiting on this task gets the generation it becomes; a `drop` of an older one
        // meanwhile finds nothing to drop.
        generation += 1
        let mine = generation
        connecting = (task, mine)
        defer { connecting = nil }
        do {
            let connection = try await task.value
            if closed {
                await Self.shut(connection)
                throw InputError(source: "\(url)", "the store is closed")
            }
            self.connection = connection
            return (connection, mine)
        } catch {
            throw PostgresStore.failure(error, url: url)
        }
    }

    /// Forgets the connection of `generation` (if it is still the current one), closing it in the background: a
    /// dead connection's close may itself never finish.
    private func drop(_ generation: Int) {
        guard generation == self.generation, let connection else { return }
        self.connection = nil
        Task { await Self.shut(connection) }
    }

    /// Closes `connection`, ignoring errors (it may be dead already).
    static func shut(_ connection: PostgresConnection) async {
        do { try await connection.close() } catch {}
    }

    static func connect(_ url: PostgresURL, logger: Logger) async throws -> PostgresConnection {
        var tls = PostgresConnection.Configuration.TLS.disable
        if url.tls != .disable {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if url.tls == .require { configuration.certificateVerification = .none }
            tls = .require(try NIOSSLContext(configuration: configuration))
        }
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    /// Whether `error` means the connection (or the server behind it) is gone, rather than that the statement
    /// was wrong: worth reconnecting and running it again.
    static func isConnectionLost(_ error: any Error) -> Bool {
        if error is DeadlineExceeded || error is ConnectionClosed { return true }
        if let error = error as? PSQLError {
            switch error.code {
            case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection: return true
            case .server:
                // Class 08: connection exception; 57P01–57P03: administrator shutdown, crash shutdown, cannot
                // connect now (the server is starting or stopping).
                let state = error.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
            default: return false
            }
        }
        if error is NIOConnectionError || error is ChannelError || error is IOError { return true }
        return false
    }

    /// Whether `error` is the server rolling a statement back to break a deadlock or a serialisation conflict
    /// (SQLSTATE 40P01, 40001): worth running again as it is.
    static func isTransient(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return ["40P01", "40001"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    /// A statement or connection attempt that did not finish in time.
    struct DeadlineExceeded: Error, CustomStringConvertible {
        var limit: Duration
        var description: String { "no answer within \(limit)" }
    }

    /// Runs `body`, throwing `DeadlineExceeded` if it has not finished after `limit` of this process's responsive
    /// time. The body is cancelled and left behind rather than awaited: a query on a dead connection may never return.
    static func within<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(continuation)
                let work = Task {
                    do { race.finish(.success(try await body())) } catch { race.finish(.failure(error)) }
                }
                let timer = Task {
                    // The deadline counts only time in which this process was itself responsive: a tick that comes
                    // late means every thread was busy (a starved process, not a silent server), and does not count.
                    let tick = min(Duration.seconds(1), limit / 4)
                    var waited = Duration.zero
                    while waited < limit, !Task.isCancelled {
                        let start = ContinuousClock.now
                        try? await Task.sleep(for: tick)
                        if ContinuousClock.now - start < tick + tick / 2 { waited += tick }
                    }
                    if !Task.isCancelled { race.finish(.failure(DeadlineExceeded(limit: limit))) }
                }
                race.onFinish { timer.cancel(); work.cancel() }
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// A statement not sent because its connection had closed.
struct ConnectionClosed: Error, CustomStringConvertible {
    var description: String { "the connection is closed" }
}

extension PostgresConnection {
    /// Runs `query` and collects its rows.
    ///
    /// postgres-nio's `query` writes the statement to the connection's channel from any thread; if the channel closes
    /// (a server restart) before the write arrives, the statement is silently dropped and its caller waits forever
    /// (postgres-nio 1.33). Here the check that the connection is open and the write happen together on the
    /// connection's event loop, where its closing also happens: a statement is either handed to an open connection,
    /// which answers or fails it, or fails at once with `ConnectionClosed`.
    @discardableResult
    func send(_ query: PostgresQuery) async throws -> PostgresQueryResult {
        let logger = ReconnectingConnection.silent
        return try await eventLoop.flatSubmit {
            self.isClosed ? self.eventLoop.makeFailedFuture(ConnectionClosed()) : self.query(query, logger: logger)
        }.get()
    }
}

/// Exponential backoff between attempts: 0.1 s, doubling, at most 5 s.
private struct Backoff {
    private(set) var attempts = 0
    private var delay = Duration.milliseconds(100)

    mutating func wait() async throws {
        attempts += 1
        try await Task.sleep(for: delay)
        delay = min(delay * 2, .seconds(5))
    }
}

/// The first of a body and its deadline to finish resumes the waiting caller; the other is ignored.
private final class Race<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var result: Result<T, any Error>?
    private var cleanup: (@Sendable () -> Void)?
    private var done = false

    func start(_ continuation: CheckedContinuation<T, any Error>) {
        lock.lock()
        if let result {
            lock.unlock()
            continuation.resume(with: result)
            return
        }
        self.continuation = continuation
        lock.unlock()
    }

    /// Registers what to cancel once decided (run at once if already decided).
    func onFinish(_ cleanup: @escaping @Sendable () -> Void) {
        lock.lock()
        if done {
            lock.unlock()
            cleanup()
            return
        }
        self.cleanup = cleanup
        lock.unlock()
    }

    /// Decides the race with `result` if undecided; returns whether this call decided it.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        lock.lock()
        guard !done else {
            lock.unlock()
            return false
        }
        done = true
        let continuation = self.continuation
        self.continuation = nil
        if continuation == nil { self.result = result }
        let cleanup = self.cleanup
        self.cleanup = nil
        lock.unlock()
        continuation?.resume(with: result)
        cleanup?()
        return true
    }
}
