import ArgumentParser
import Dispatch
import Foundation
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASStore

/// `swiftnas worker`: evaluates a study's queued sub-networks on this machine, beside any number of other workers,
/// until the study's search finishes.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Evaluate a distributed search's sub-networks on this machine (a postgresql:// store's study).",
        discussion: """
            Claims queued evaluations (each under a lease its heartbeat renews), evaluates them, and writes each result \
            in the transaction that completes its claim. Start as many workers as you like, on any machine that reaches \
            the database, before or after `swiftnas search`; a worker killed at any moment loses nothing (its lease \
            expires and the work goes to another). It exits when the study's search finishes (--wait: stays for more), \
            and on SIGINT/SIGTERM gives back what it holds. See docs/distributed.md.
            """)

    @Option(help: "The shared store: postgresql://user:password@host:port/database[?sslmode=require].") var store: String
    @Option(help: "The study to work on (default 'default').") var study: String?
    @Option(help: "\(Registry.standard.evaluators.syntax) (default: the super-network's own, as for search).") var evaluator: String?
    @Option(help: "Evaluations at a time in this worker (evaluator processes).") var slots: Int = 1
    @Option(help: "Seconds a claim stays valid without a heartbeat (heartbeats come every third of it); after that the work returns to the queue.")
    var lease: Double = 30
    @Option(help: "Seconds to wait for one evaluation of a process evaluator; a timed-out or crashed evaluation is retried once on a fresh process.")
    var timeout: Double = SearchSettings.defaultTimeout
    @Flag(help: "Stay when the study finishes, for a resumed or larger search.") var wait = false

    func run() async throws {
        guard slots >= 1 else { throw InputError(source: "--slots", "must be at least 1, got \(slots)") }
        guard lease >= 1, lease.isFinite else { throw InputError(source: "--lease", "must be at least 1 second, got \(lease)") }
        guard timeout > 0, timeout.isFinite else { throw InputError(source: "--timeout", "must be a positive number of seconds, got \(timeout)") }
        let registry = Registry.standard
        let store = try await registry.stores.open(self.store, study: study, access: .work)
        guard let queue = store.workQueue else {
            await store.close()
            throw InputError(source: "--store", "\(StoreRegistry.redacted(self.store)) does not hand out work")
        }
        do {
            try await work(queue, store: store, registry: registry)
            await store.close()
        } catch {
            await store.close()
            throw error
        }
    }

    private func work(_ queue: any WorkQueue, store: any SearchStore, registry: Registry) async throws {
        let name = SearchStatus.thisProcess
        var announced = false
        var published = try await queue.work()
        while published == nil {
            if !announced { log("swiftnas worker \(name): waiting for \(store.location) to start") }
            announced = true
            try await Task.sleep(for: .milliseconds(250))
            published = try await queue.work()
        }
        let space: SearchSpace
        do {
            space = try JSONDecoder().decode(SearchSpace.self, from: Data(published!.space.utf8))
        } catch {
            throw InputError(source: store.location, field: "work.space", "not a search space this version reads: \(error)")
        }
        let evaluator = try await registry.evaluator(self.evaluator, for: space, process: .init(workers: slots, timeout: .seconds(timeout)))
        log("swiftnas worker \(name): evaluating \(space.name) for \(store.location) with \(evaluator.identity), \(slots) at a time")
        let wait = self.wait
        var worker = QueueWorker(
            queue: queue, evaluator: evaluator, space: space, name: name, slots: slots, lease: lease,
            finished: {
                if wait { return false }
                return try await store.status()?.state == .finished
            },
            log: { log("swiftnas worker: \($0)") })
        worker.logsEvaluations = true
        let task = Task { try await worker.run() }
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                log("swiftnas worker \(name): stopping, giving back what it holds")
                task.cancel()
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        do {
            let tally = try await task.value
            await evaluator.shutdown()
            log("swiftnas worker \(name): \(tally.completed) evaluations (\(tally.failed) failed), \(tally.discarded) late results discarded; "
                + (task.isCancelled ? "stopped" : "the study is finished"))
        } catch {
            await evaluator.shutdown()
            throw error
        }
    }
}
