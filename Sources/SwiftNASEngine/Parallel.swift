import Dispatch
import Foundation

/// Splits loops over the machine's cores with `DispatchQueue.concurrentPerform`.
///
/// Work is handed out as contiguous chunks, one per thread, so each thread can keep its own scratch
/// buffers and write a disjoint part of the output; there is no shared mutable state.
public enum Parallel {
    /// The number of worker threads used when a caller does not say: the active processor count.
    public static let defaultThreads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// An upper bound on the threads any loop uses, for the current task (`Parallel.$threadLimit.withValue(1) { … }`
    /// runs a network on one core, e.g. to time it at a given thread count).
    @TaskLocal public static var threadLimit: Int = .max

    /// Calls `body(chunkIndex, range)` for `min(threads, count)` contiguous chunks covering `0..<count`,
    /// concurrently. Chunk boundaries are multiples of `granularity` (except the last).
    public static func forEachChunk(
        count: Int, threads: Int = defaultThreads, granularity: Int = 1,
        _ body: (_ chunk: Int, _ range: Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let units = (count + granularity - 1) / granularity
        let chunks = max(1, min(threads, threadLimit, units))
        if chunks == 1 {
            body(0, 0..<count)
            return
        }
        // The chunks touch disjoint memory (the caller's contract), so handing the closure to the
        // worker threads is safe although Swift cannot prove it.
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = min(count, (units * chunk / chunks) * granularity)
                let upper = min(count, (units * (chunk + 1) / chunks) * granularity)
                if lower < upper { shared.value(chunk, lower..<upper) }
            }
        }
    }
}

/// Carries a value the caller guarantees is used without data races across a concurrency boundary.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
