import Foundation
import Testing
@testable import SwiftNASCommands

/// A distributed search on the throwaway PostgreSQL server (`scripts/throwaway-postgres.sh`): a coordinator with
/// `--workers 0` and `swiftnas worker` processes, killed with SIGKILL at random moments, the coordinator killed and
/// resumed, the server restarted mid-search. Every run must end with the store an undisturbed local search writes:
/// the same 200 sub-networks in the same order with the same metrics, none lost, none twice.
@Suite(.serialized) struct DistributedSearchTests {
    static let url = ProcessInfo.processInfo.environment["SWIFTNAS_TEST_POSTGRES_URL"]
    /// A second throwaway server and a script that restarts it (exported by `scripts/throwaway-postgres.sh`): the
    /// other tests, running meanwhile, keep theirs.
    static let restartURL = ProcessInfo.processInfo.environment["SWIFTNAS_TEST_POSTGRES_RESTART_URL"]
    static let restart = ProcessInfo.processInfo.environment["SWIFTNAS_TEST_POSTGRES_RESTART"]
    static let ready = url != nil && CrashResumeTests.binary != nil && CrashResumeTests.python != nil
    static let budget = 200

    let base = CrashResumeTests()
    let study = "distributed-\(UUID().uuidString.prefix(8))"

    func search(store: String, results: String, evaluator: String, log: String, extra: [String]) -> [String] {
        ["search", "--supernet", "ofa_mbv3_d234_e346_k357_w1.0", "--optimization-metrics", "accuracy_top1", "macs",
         "--search-tactic", "evolutionary", "--search-algo", "nsga2", "--num-evals", "\(Self.budget)", "--population", "20",
         "--seed", "11", "--store", store, "--results-path", results, "--evaluator", "\(CrashResumeTests.python!) \(evaluator) \(log)"] + extra
    }

    /// Runs `executable` and waits for it with posix_spawn and waitpid (Foundation's `Process` sometimes misses the
    /// exit of a program that starts a daemon, as `pg_ctl start` does).
    static func spawnAndWait(_ executable: String, _ arguments: [String]) throws -> Int32 {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (status >> 8) & 0xff
    }

    /// Starts the binary with its output appended to `output`.
    func launch(_ arguments: [String], output: String, executable: String? = nil) throws -> Process {
        if !FileManager.default.fileExists(atPath: output) { _ = FileManager.default.createFile(atPath: output, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? CrashResumeTests.binary!)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// The undisturbed local search's rows.
    func reference(_ evaluator: String) throws -> [String] {
        let results = base.directory.appendingPathComponent("reference.csv").path
        let process = try launch(search(store: base.directory.appendingPathComponent("reference.db").path, results: results, evaluator: evaluator,
                                        log: base.directory.appendingPathComponent("reference.log").path, extra: ["--workers", "2"]),
                                 output: base.directory.appendingPathComponent("reference.out").path)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try base.rows(results)
    }

    /// Runs the distributed search (coordinator with `--workers 0`, four workers) while `disturb` acts on it,
    /// resuming the coordinator whenever it is killed, until it finishes; returns its rows and the workers' logs.
    /// Where worker `index` runs: a program and arguments before the binary's (`ip netns exec NS`), and the store URL it uses.
    typealias WorkerPlace = (executable: String?, prefix: [String], url: String)

    func distributed(_ evaluator: String, store: String = DistributedSearchTests.url!,
                     workerPlace: ((Int) -> WorkerPlace)? = nil,
                     disturb: (_ calls: () -> Int, _ coordinator: inout Process, _ workers: inout [Process]) throws -> Void) throws -> ([String], String) {
        let results = base.directory.appendingPathComponent("\(study).csv").path
        let log = base.directory.appendingPathComponent("\(study).log").path
        // One output file per worker slot (processes appending to one file would overwrite each other's lines).
        func workerLog(_ index: Int) -> String { base.directory.appendingPathComponent("\(study)-worker\(index).out").path }
        let coordinatorLog = base.directory.appendingPathComponent("\(study)-coordinator.out").path
        func calls() -> Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        func worker(_ index: Int) throws -> Process {
            let place: WorkerPlace = workerPlace?(index) ?? (nil, [], store)
            return try launch(place.prefix + ["worker", "--store", place.url, "--study", study, "--evaluator",
                                              "\(CrashResumeTests.python!) \(evaluator) \(log)", "--lease", "2"],
                              output: workerLog(index), executable: place.executable)
        }
        var workers = try (0..<4).map(worker)
        let arguments = search(store: store, results: results, evaluator: evaluator, log: log, extra: ["--study", study, "--workers", "0"])
        var coordinator = try launch(arguments, output: coordinatorLog)
        try disturb(calls, &coordinator, &workers)
        var resumes = 0
        while true {
            coordinator.waitUntilExit()
            if coordinator.terminationReason == .exit { break }
            resumes += 1
            #expect(resumes < 10)
            coordinator = try launch(arguments + ["--resume"], output: coordinatorLog)
        }
        #expect(coordinator.terminationStatus == 0, "\((try? String(contentsOfFile: coordinatorLog, encoding: .utf8)) ?? "")")
        // The workers see the study finish and leave by themselves.
        for process in workers {
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            #expect(!process.isRunning, "a worker did not leave after the study finished")
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        _ = workers.map { $0.waitUntilExit() }
        return (try base.rows(results), (0..<4).map { (try? String(contentsOfFile: workerLog($0), encoding: .utf8)) ?? "" }.joined())
    }

    @Test(.enabled(if: ready, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh), the swiftnas binary and python3"))
    func killedWorkersAndCoordinatorLoseNothingAndRepeatNothing() throws {
        let evaluator = try base.evaluatorScript()
        let expected = try reference(evaluator)
        var generator = SystemRandomNumberGenerator()
        var workerKills = 0, coordinatorKills = 0
        let (actual, workerLog) = try distributed(evaluator) { calls, coordinator, workers in
            // Kill a random worker every few evaluations (and start another); kill the coordinator twice.
            while calls() < Self.budget * 3 / 4 {
                let target = calls() + Int.random(in: 3...12, using: &generator)
                let deadline = Date().addingTimeInterval(60)
                while calls() < target && Date() < deadline { usleep(2_000) }
                let victim = Int.random(in: workers.indices, using: &generator)
                kill(workers[victim].processIdentifier, SIGKILL)
                workers[victim].waitUntilExit()
                workerKills += 1
                workers[victim] = try launch(workers[victim].arguments!, output: base.directory.appendingPathComponent("\(study)-worker\(victim).out").path,
                                             executable: workers[victim].executableURL?.path)
                if coordinatorKills < 2, calls() > Self.budget * (coordinatorKills + 1) / 3, coordinator.isRunning {
                    kill(coordinator.processIdentifier, SIGKILL)
                    coordinator.waitUntilExit()
                    coordinatorKills += 1
                    coordinator = try launch(coordinator.arguments! + ["--resume"],
                                             output: base.directory.appendingPathComponent("\(study)-coordinator.out").path)
                }
            }
            #expect(coordinatorKills == 2)
        }
        #expect(workerKills >= 10)
        #expect(actual.count == Self.budget)
        #expect(actual == expected)
        // Late results of killed workers are never written; a worker whose lease lapsed says so.
        #expect(!workerLog.contains("error"), "\(workerLog.suffix(2000))")
    }

    @Test(.enabled(if: ready && restart != nil && restartURL != nil,
                   "needs SWIFTNAS_TEST_POSTGRES_RESTART_URL and SWIFTNAS_TEST_POSTGRES_RESTART (source scripts/throwaway-postgres.sh)"))
    func aSearchRidesOutARestartOfTheServer() throws {
        let evaluator = try base.evaluatorScript()
        let expected = try reference(evaluator)
        let (actual, _) = try distributed(evaluator, store: Self.restartURL!) { calls, _, _ in
            for target in [Self.budget / 4, Self.budget / 2] {
                let deadline = Date().addingTimeInterval(60)
                while calls() < target && Date() < deadline { usleep(5_000) }
                let status = try Self.spawnAndWait("/bin/sh", [Self.restart!])
                #expect(status == 0)
            }
        }
        #expect(actual == expected)
    }

    /// Whether this machine lets the tests make network namespaces (root and iproute2).
    static let namespaces: Bool = {
        guard ready, getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") else { return false }
        let probe = "swnas-probe-\(getpid())"
        guard (try? spawnAndWait("/usr/sbin/ip", ["netns", "add", probe])) == 0 else { return false }
        _ = try? spawnAndWait("/usr/sbin/ip", ["netns", "del", probe])
        return true
    }()

    @Test(.enabled(if: namespaces, "needs root and `ip netns` (network namespaces), SWIFTNAS_TEST_POSTGRES_URL and the swiftnas binary"))
    func workersInOtherNetworkNamespacesRideOutACutLink() throws {
        let ip = "/usr/sbin/ip", tag = getpid() % 10_000
        let server = try #require(URLComponents(string: Self.url!))
        // Two namespaces, each joined to this one by a veth pair (10.213.N.1 here, 10.213.N.2 there). The server listens on
        // 127.0.0.1 only, so a relay here forwards 10.213.N.1:PORT to it: the workers' traffic crosses the veth link.
        let namespaces = (1...2).map { "swnas-\(tag)-\($0)" }
        func run(_ arguments: [String]) throws {
            let status = try Self.spawnAndWait(ip, arguments)
            #expect(status == 0, "ip \(arguments.joined(separator: " ")) exited with \(status)")
        }
        defer { for name in namespaces { _ = try? Self.spawnAndWait(ip, ["netns", "del", name]) } }
        for (index, name) in namespaces.enumerated() {
            let host = "vh\(tag)x\(index + 1)", inside = "vn\(tag)x\(index + 1)"
            try run(["netns", "add", name])
            try run(["link", "add", host, "type", "veth", "peer", "name", inside])
            try run(["link", "set", inside, "netns", name])
            try run(["addr", "add", "10.213.\(index + 1).1/24", "dev", host])
            try run(["link", "set", host, "up"])
            try run(["netns", "exec", name, "ip", "addr", "add", "10.213.\(index + 1).2/24", "dev", inside])
            try run(["netns", "exec", name, "ip", "link", "set", inside, "up"])
            try run(["netns", "exec", name, "ip", "link", "set", "lo", "up"])
        }
        let relayScript = base.directory.appendingPathComponent("relay.py").path
        try """
        import asyncio, sys
        target_port = int(sys.argv[1])
        async def pipe(reader, writer):
            try:
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            except Exception:
                pass
            finally:
                writer.close()
        async def serve(reader, writer):
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", target_port)
            except Exception:
                writer.close()
                return
            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        async def main():
            servers = [await asyncio.start_server(serve, host, int(sys.argv[2])) for host in sys.argv[3:]]
            print("ready", flush=True)
            await asyncio.gather(*(s.serve_forever() for s in servers))
        asyncio.run(main())
        """.write(toFile: relayScript, atomically: true, encoding: .utf8)
        let relayPort = 20_000 + Int(tag)
        let relay = try launch([relayScript, "\(server.port!)", "\(relayPort)", "10.213.1.1", "10.213.2.1"],
                               output: base.directory.appendingPathComponent("relay.out").path, executable: CrashResumeTests.python!)
        // SIGKILL: the relay inherits the test thread's blocked signals (SIGTERM among them), so `terminate()` left it
        // running after the test.
        defer {
            kill(relay.processIdentifier, SIGKILL)
            relay.waitUntilExit()
        }
        usleep(500_000)
        func url(through index: Int) -> String {
            var components = server
            components.host = "10.213.\(index).1"
            components.port = relayPort
            return components.string!
        }
        let evaluator = try base.evaluatorScript()
        let expected = try reference(evaluator)
        let (actual, workerLog) = try distributed(evaluator, workerPlace: { index in
            (ip, ["netns", "exec", namespaces[index % 2], CrashResumeTests.binary!], url(through: index % 2 + 1))
        }) { calls, _, _ in
            // Cut each namespace's link in turn for four seconds, mid-search.
            for (index, name) in namespaces.enumerated() {
                let deadline = Date().addingTimeInterval(60)
                while calls() < Self.budget * (index + 1) / 3 && Date() < deadline { usleep(5_000) }
                try run(["netns", "exec", name, "ip", "link", "set", "vn\(tag)x\(index + 1)", "down"])
                usleep(4_000_000)
                try run(["netns", "exec", name, "ip", "link", "set", "vn\(tag)x\(index + 1)", "up"])
            }
        }
        #expect(actual == expected)
        #expect(workerLog.contains("10.213.1.1") && workerLog.contains("10.213.2.1"), "the workers did not use the namespaces' links")
    }

    @Test(.enabled(if: ready, "needs SWIFTNAS_TEST_POSTGRES_URL (source scripts/throwaway-postgres.sh) and the swiftnas binary"))
    func aSecondCoordinatorIsRefusedAndAWorkerNeedsASharedStore() throws {
        let evaluator = try base.evaluatorScript()
        let results = base.directory.appendingPathComponent("\(study).csv").path
        let log = base.directory.appendingPathComponent("\(study).log").path
        let arguments = search(store: Self.url!, results: results, evaluator: evaluator, log: log, extra: ["--study", study, "--workers", "0"])
        let first = try launch(arguments, output: base.directory.appendingPathComponent("first.out").path)
        defer { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() }
        // Wait until the first holds the study (it has started the search and waits for workers).
        for _ in 0..<200 {
            let listing = try SwiftNASBinary.run(["studies", "--store", Self.url!], in: base.directory)
            if listing.stdout.split(separator: "\n").contains(where: { $0.hasPrefix(study + " ") && $0.contains("running") }) { break }
            usleep(50_000)
        }
        let second = try SwiftNASBinary.run(arguments + ["--resume"], in: base.directory)
        #expect(second.status == 2)
        #expect(second.stderr.contains("is being searched by") && second.stderr.contains("one process searches a study at a time"), "\(second.stderr)")
        let password = URLComponents(string: Self.url!)?.password ?? "-"
        #expect(!second.stderr.contains(password))
        // The same exclusivity on SQLite, across processes: a resume or an overwrite while a search runs is refused
        // and the running search finishes intact.
        let file = base.directory.appendingPathComponent("shared.db").path, fileLog = base.directory.appendingPathComponent("shared.log").path
        let fileResults = base.directory.appendingPathComponent("shared.csv").path
        let running = try launch(search(store: file, results: fileResults, evaluator: evaluator, log: fileLog, extra: ["--workers", "1"]),
                                 output: base.directory.appendingPathComponent("shared.out").path)
        while running.isRunning && ((try? String(contentsOfFile: fileLog, encoding: .utf8)) ?? "").split(separator: "\n").count < 5 { usleep(5_000) }
        for flag in ["--resume", "--overwrite"] {
            let intruder = try SwiftNASBinary.run(search(store: file, results: fileResults + flag, evaluator: evaluator, log: fileLog, extra: [flag]),
                                                  in: base.directory)
            #expect(intruder.status == 2 && intruder.stderr.contains("is being searched by"), "\(flag): \(intruder.stderr)")
        }
        running.waitUntilExit()
        #expect(running.terminationStatus == 0)
        #expect(try base.rows(fileResults).count == Self.budget)
        let sqlite = try SwiftNASBinary.run(["worker", "--store", base.directory.appendingPathComponent("x.db").path, "--evaluator", "builtin:counts"],
                                            in: base.directory)
        #expect(sqlite.status == 2 && sqlite.stderr.contains("need a postgresql:// store"), "\(sqlite.stderr)")
        let local = try SwiftNASBinary.run(["search", "--supernet", "ofa_resnet50", "--workers", "0", "--store", base.directory.appendingPathComponent("y.db").path],
                                           in: base.directory)
        #expect(local.status == 2 && local.stderr.contains("--workers"), "\(local.stderr)")
        #expect(!FileManager.default.fileExists(atPath: base.directory.appendingPathComponent("y.db").path))
    }
}
