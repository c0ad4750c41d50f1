import Foundation
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASPareto
import SwiftNASSpace
import SwiftNASStore

/// What a running search tells whoever watches it: the command line's progress display, the report, a
/// dashboard.
public enum SearchEvent: Sendable {
    /// The search is set up and about to evaluate.
    case started(SearchStart)
    /// Something worth telling the user that is not an error.
    case note(String)
    /// One evaluation is durably recorded: measured now (as each completes, so in completion order when several
    /// run at once), or replayed from the store on resume.
    case evaluated(EvaluationRecord, replayed: Bool)
    /// What a predictor-guided iteration predicted for its batch against what was measured (LINAS).
    case iteration(IterationRecord)
    /// Where the search stands after a batch.
    case progress(SearchProgress)
    /// The search spent its budget (or its tactic had nothing left to ask).
    case finished(SearchOutcome)
}

/// What a search is about to do, once its evaluator runs and its store is open.
public struct SearchStart: Sendable {
    public var space: String
    /// The number of sub-networks, for messages.
    public var spaceSize: String
    public var goal: SearchGoal
    public var tactic: String
    public var algorithm: String
    public var budget: Int
    /// The evaluator's identity (`builtin:counts`, the command line).
    public var evaluator: String
    /// Where the store is (its path, for SQLite).
    public var store: String

    /// One line for the log.
    public var description: String {
        "searching \(space) (\(spaceSize) sub-networks) for \(goal.objectives.map(\.description).joined(separator: ", ")) with \(tactic)/\(algorithm), \(budget) evaluations by \(evaluator); store \(store)"
    }
}

/// A finished search.
public struct SearchOutcome: Sendable {
    /// Every evaluation, in sequence order.
    public var records: [EvaluationRecord]
    /// The feasible non-dominated records.
    public var front: [EvaluationRecord]

    /// The failed evaluations' reasons with how often each occurred, most frequent first (ties by first
    /// occurrence).
    public var failureReasons: [(reason: String, count: Int)] {
        var counts: [String: Int] = [:], order: [String] = []
        for record in records where record.status == .failed {
            let reason = record.error ?? "no reason given"
            if counts[reason] == nil { order.append(reason) }
            counts[reason, default: 0] += 1
        }
        return order.enumerated().sorted { (counts[$0.element]!, -$0.offset) > (counts[$1.element]!, -$1.offset) }
            .map { ($0.element, counts[$0.element]!) }
    }

    /// One paragraph on the failures (nil when none failed): how many, and the most frequent reasons.
    public var failureSummary: String? {
        let failed = records.filter { $0.status == .failed }.count
        guard failed > 0 else { return nil }
        let reasons = failureReasons
        let shown = reasons.prefix(3).map { "\($0.count)× \($0.reason.prefix(300))" }.joined(separator: "; ")
        let more = reasons.count > 3 ? "; and \(reasons.count - 3) other reasons" : ""
        let verdict = failed == records.count ? "Every evaluation failed, so there is no front" : "\(records.count - failed) succeeded"
        return "\(failed) of \(records.count) evaluations failed. \(verdict). Most frequent reasons: \(shown)\(more)."
    }
}

/// Runs one search end to end, without the command line: resolves the super-network, the tactic, the
/// predictor and the evaluator from a `Registry`, opens the store by URL, replays what it holds, spends the
/// budget and shuts the evaluator down — reporting each step as a `SearchEvent`.
///
/// Everything that can be wrong with the settings is checked before the store is created or touched.
public struct SearchSession: Sendable {
    public var settings: SearchSettings
    public var registry: Registry

    public init(settings: SearchSettings, registry: Registry) {
        self.settings = settings
        self.registry = registry
    }

    /// The search's events as an async sequence, ending after `.finished` (or with the error that stopped
    /// it). Cancelling the consuming task cancels the search.
    public func events() -> AsyncThrowingStream<SearchEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    _ = try await run { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Runs the search, telling `events` as it goes, and returns the outcome (also sent as `.finished`).
    @discardableResult
    public func run(events: @escaping @Sendable (SearchEvent) -> Void = { _ in }) async throws -> SearchOutcome {
        try settings.validate()
        let distributed = try registry.stores.distributes(settings.store)
        if settings.workers == 0, !distributed {
            throw InputError(source: "--workers", "0 leaves nobody to evaluate: only a store that workers share (postgresql://) can do without local evaluation")
        }
        let space = settings.space, goal = settings.goal
        let prototype = try registry.predictors.make(settings.predictor, seed: settings.seed)
        var context = TacticContext(
            space: space, goal: goal, algorithm: settings.algorithm, populationSize: settings.population, seed: settings.seed,
            innerEvaluations: settings.innerEvaluations, measuredPerIteration: settings.measuredPerIteration,
            algorithms: registry.algorithms, makePredictor: { prototype })
        context.algorithmOptions = settings.algorithmOptions
        context.initialConfigurations = settings.initialConfigurations
        var tactic = try SearchTactics.make(settings.tactic, context: context, among: registry.tactics)
        var evaluator: (any Evaluator)?
        if settings.workers > 0 {
            evaluator = try await registry.evaluator(settings.evaluator, for: space,
                                                     process: .init(workers: settings.workers, timeout: .seconds(settings.timeout)))
        }
        do {
            let records = try await run(&tactic, evaluator: evaluator, events: events)
            await evaluator?.shutdown()
            let outcome = SearchOutcome(records: records, front: goal.front(of: records))
            events(.finished(outcome))
            return outcome
        } catch {
            await evaluator?.shutdown()
            throw error
        }
    }

    /// The evaluator of a space that is no registered super-network's: exact costs, which refuses spaces it
    /// has no model for with a clear message.
    public static let fallbackEvaluator = "builtin:counts"

    private func run(_ tactic: inout some SearchTactic, evaluator: (any Evaluator)?, events: @escaping @Sendable (SearchEvent) -> Void) async throws -> [EvaluationRecord] {
        if let evaluator { try checkMetrics(settings.goal.metrics, supportedBy: evaluator, source: "--optimization-metrics") }
        let manifest = SearchManifest(fingerprint: settings.fingerprint, summary: settings.summary)
        let store = try await registry.stores.open(settings.store, study: settings.study, access: settings.access)
        do {
            let records = try await run(&tactic, evaluator: evaluator, store: store, manifest: manifest, events: events)
            await store.close()
            return records
        } catch {
            await store.close()
            throw error
        }
    }

    private func run(_ tactic: inout some SearchTactic, evaluator: (any Evaluator)?, store: any SearchStore, manifest: SearchManifest,
                     events: @escaping @Sendable (SearchEvent) -> Void) async throws -> [EvaluationRecord] {
        if let existing = try await store.manifest() {
            guard existing.fingerprint == manifest.fingerprint else {
                throw InputError(source: store.location, "holds a different search (\(existing.summary)); its settings differ from these")
            }
        } else {
            // A new store, or one killed before its search was recorded: (re)start the search in it.
            if settings.access == .resume { events(.note("\(store.location) holds no search yet: starting the search")) }
            try await store.begin(manifest)
        }
        let dispatch: any EvaluationDispatch
        var evaluatorDescription: String
        var localWorker: QueueWorker?
        if let queue = store.workQueue {
            try await queue.publish(StudyWork(space: String(decoding: try JSONEncoder().encode(settings.space), as: UTF8.self)))
            dispatch = QueueDispatch(queue: queue, store: store)
            evaluatorDescription = dispatch.identity
            if let evaluator {
                localWorker = QueueWorker(queue: queue, evaluator: evaluator, space: settings.space, name: SearchStatus.thisProcess + " (coordinator)",
                                          slots: settings.workers, log: { events(.note($0)) })
                evaluatorDescription = "\(evaluator.identity) (\(settings.workers) here) and \(dispatch.identity)"
            }
        } else {
            guard let evaluator else { throw InputError(source: "--workers", "0 leaves nobody to evaluate") }
            dispatch = LocalDispatch(evaluator: evaluator, store: store, workers: settings.workers)
            evaluatorDescription = dispatch.identity
        }
        events(.started(SearchStart(
            space: settings.space.name, spaceSize: settings.space.sizeDescription, goal: settings.goal, tactic: settings.tactic,
            algorithm: settings.algorithm, budget: settings.evaluations, evaluator: evaluatorDescription, store: store.location)))
        let runner = SearchRunner(space: settings.space, goal: settings.goal, dispatch: dispatch, store: store,
                                  budget: settings.evaluations, reference: settings.reference)
        try await store.record(status(.running))
        do {
            let records: [EvaluationRecord]
            if let localWorker {
                // The local worker evaluates beside the remote ones until the budget is spent.
                records = try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do { try await localWorker.run() } catch { events(.note("the local worker stopped: \(error)")) }
                    }
                    let records = try await runner.run(&tactic, events: events)
                    group.cancelAll()
                    return records
                }
            } else {
                records = try await runner.run(&tactic, events: events)
            }
            try await store.record(status(.finished))
            return records
        } catch {
            try? await store.record(status(.failed))
            throw error
        }
    }

    /// This process's status for the store.
    private func status(_ state: SearchStatus.State) -> SearchStatus {
        SearchStatus(state: state, budget: settings.evaluations, process: SearchStatus.thisProcess, updated: Date().timeIntervalSince1970)
    }
}
