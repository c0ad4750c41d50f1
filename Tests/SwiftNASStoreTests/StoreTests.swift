import Foundation
import Testing
import SwiftNASCore
@testable import SwiftNASStore

@Suite struct StoreTests {
    func temporaryPath(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftnas-store-\(getpid())-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    func record(_ sequence: Int, status: EvaluationRecord.Status = .ok) -> EvaluationRecord {
        EvaluationRecord(sequence: sequence, configurationHash: "h\(sequence)", configuration: #"{"a":[\#(sequence)]}"#,
                         metrics: status == .ok ? ["accuracy": 70 + Double(sequence), "macs": 1e8] : [:],
                         status: status, error: status == .ok ? nil : "boom", started: 1, finished: 2, evaluator: "test")
    }

    @Test func sqliteStorePersistsAcrossReopen() async throws {
        let path = temporaryPath("s.db")
        do {
            let store = try SQLiteStore(path: path)
            #expect(try await store.manifest() == nil)
            try await store.begin(SearchManifest(fingerprint: "{\"seed\":1}", summary: "test"))
            try await store.append(record(1))
            try await store.append(record(0, status: .failed))
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.manifest() == SearchManifest(fingerprint: "{\"seed\":1}", summary: "test"))
        #expect(try await reopened.records() == [record(0, status: .failed), record(1)])
        await #expect(throws: InputError.self) { try await reopened.begin(SearchManifest(fingerprint: "x", summary: "")) }
    }

    @Test func appendReplacesSameSequence() async throws {
        let store = try SQLiteStore(path: temporaryPath("r.db"))
        try await store.append(record(3, status: .failed))
        try await store.append(record(3))
        #expect(try await store.records() == [record(3)])
    }

    @Test func foreignFileIsRefusedAndUntouched() throws {
        let path = temporaryPath("not-a-store.db")
        let text = "hello, not sqlite"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: InputError.self) { try SQLiteStore(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test func memoryStoreKeepsOrder() async throws {
        let store = MemoryStore()
        await store.append(record(2))
        await store.append(record(1))
        #expect(await store.records().map(\.sequence) == [1, 2])
    }

    @Test func registryOpensStoresByURL() async throws {
        let registry = StoreRegistry.standard
        #expect(registry.parse("/tmp/a.db") == ("sqlite", "/tmp/a.db"))
        #expect(registry.parse("sqlite:///tmp/a.db") == ("sqlite", "/tmp/a.db"))
        #expect(registry.parse("sqlite://rel.db") == ("sqlite", "rel.db"))
        #expect(registry.parse("PostgreSQL://h/db") == ("postgresql", "h/db"))
        let path = temporaryPath("u.db")
        await #expect(throws: InputError.self) { _ = try await registry.open("sqlite://" + path, access: .read) }
        let created = try await registry.open("sqlite://" + path, access: .create)
        try await created.begin(SearchManifest(fingerprint: "{}", summary: "s"))
        try await created.append(record(0))
        #expect(created.location == path)
        await created.close()
        // An existing store is refused for a new search, kept on resume and emptied by overwrite.
        await #expect(throws: InputError.self) { _ = try await registry.open(path, access: .create) }
        let resumed = try await registry.open(path, access: .resume)
        #expect(try await resumed.records().count == 1)
        await resumed.close()
        #expect(try await registry.open(path, access: .read).manifest() != nil)
        let overwritten = try await registry.open(path, access: .overwrite)
        #expect(try await overwritten.records().isEmpty)
        await overwritten.close()
        await #expect(throws: InputError.self) { _ = try await registry.open("nosuch://x", access: .create) }
    }

    /// One process searches a SQLite store at a time: a second resume or overwrite is refused, naming the
    /// holder, and the store stays as it was; readers are not blocked; closing releases the store.
    @Test func aSecondSearchOfTheSameFileIsRefused() async throws {
        let path = temporaryPath("locked.db")
        let registry = StoreRegistry.standard
        let first = try await registry.open(path, access: .create)
        try await first.begin(SearchManifest(fingerprint: "{}", summary: "first"))
        try await first.append(record(0))
        for access in [StoreAccess.resume, .overwrite] {
            do {
                _ = try await registry.open(path, access: access)
                Issue.record("a second coordinator was let in (\(access))")
            } catch let error as InputError {
                #expect("\(error)".contains("is being searched by \(SearchStatus.thisProcess)"), "\(error)")
            }
        }
        let reader = try await registry.open(path, access: .read)
        #expect(try await reader.records() == [record(0)])
        await first.close()
        let second = try await registry.open(path, access: .resume)
        #expect(try await second.records() == [record(0)])
        await second.close()
        await #expect(throws: InputError.self) { _ = try await registry.open(path, study: "x", access: .read) }
    }
}
