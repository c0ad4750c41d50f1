import Foundation

/// What a reader thread sees on a child process's stdout.
enum OutputEvent: Sendable, Equatable {
    /// One complete line, without its newline.
    case line(String)
    /// A line longer than the limit; its content was discarded.
    case overlong
    /// The stream ended (the process closed stdout or exited).
    case closed
}

/// A thread-safe queue of output events with an async, time-limited `next`.
///
/// A blocking reader thread pushes events; one consumer at a time awaits them. A lock-protected class is the
/// right tool here: the producer is a plain thread doing blocking `read(2)` calls, not a task.
final class LineChannel: @unchecked Sendable {
    private let lock = NSLock()
    private var buffered: [OutputEvent] = []
    private var waiter: CheckedContinuation<OutputEvent?, Never>?
    private var waiterGeneration = 0

    func push(_ event: OutputEvent) {
        lock.lock()
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: event)
        } else {
            buffered.append(event)
            lock.unlock()
        }
    }

    /// Drops buffered lines (stale output between requests); keeps a buffered `.closed`.
    func drain() {
        lock.lock()
        buffered.removeAll { $0 != .closed }
        lock.unlock()
    }

    /// The next event, or nil when `timeout` passes first.
    func next(timeout: Duration) async -> OutputEvent? {
        let generation: Int
        switch takeBufferedOrRegister() {
        case .event(let event): return event
        case .wait(let g): generation = g
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expire(generation)
        }
        let event = await withCheckedContinuation { (continuation: CheckedContinuation<OutputEvent?, Never>) in
            install(continuation, generation: generation)
        }
        timer.cancel()
        return event
    }

    private enum Take { case event(OutputEvent), wait(Int) }

    private func takeBufferedOrRegister() -> Take {
        lock.withLock {
            if let event = popBuffered() { return .event(event) }
            waiterGeneration += 1
            return .wait(waiterGeneration)
        }
    }

    /// Removes the first buffered event; `.closed` stays buffered for later callers. Call with the lock held.
    private func popBuffered() -> OutputEvent? {
        guard !buffered.isEmpty else { return nil }
        let event = buffered.removeFirst()
        if event == .closed { buffered.insert(.closed, at: 0) }
        return event
    }

    private func install(_ continuation: CheckedContinuation<OutputEvent?, Never>, generation: Int) {
        lock.lock()
        if let event = popBuffered() {
            lock.unlock()
            continuation.resume(returning: event)
        } else if generation != waiterGeneration {
            lock.unlock()
            continuation.resume(returning: nil)
        } else {
            waiter = continuation
            lock.unlock()
        }
    }

    private func expire(_ generation: Int) {
        lock.lock()
        guard generation == waiterGeneration, let waiter else {
            if generation == waiterGeneration { waiterGeneration += 1 }
            lock.unlock()
            return
        }
        self.waiter = nil
        waiterGeneration += 1
        lock.unlock()
        waiter.resume(returning: nil)
    }

    /// Starts a thread that reads `fd` until end of file, splitting lines and enforcing `maxLineBytes`.
    func startReading(_ fd: Int32, maxLineBytes: Int) {
        let thread = Thread { [self] in
            var pending: [UInt8] = []
            var discarding = false
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                var start = 0
                for i in 0..<n where buffer[i] == 0x0A {
                    if discarding {
                        discarding = false
                    } else {
                        pending.append(contentsOf: buffer[start..<i])
                        if pending.last == 0x0D { pending.removeLast() }
                        push(pending.count > maxLineBytes ? .overlong : .line(String(decoding: pending, as: UTF8.self)))
                    }
                    pending.removeAll(keepingCapacity: true)
                    start = i + 1
                }
                if !discarding { pending.append(contentsOf: buffer[start..<n]) }
                if pending.count > maxLineBytes {
                    pending.removeAll()
                    if !discarding { push(.overlong) }
                    discarding = true
                }
            }
            close(fd)
            push(.closed)
        }
        thread.start()
    }
}
