import Foundation
import Testing
import SwiftNASCore
@testable import SwiftNASEngine

@Suite struct CheckpointTests {
    func sample() -> Checkpoint {
        var random = SeededRandom(seed: 1)
        return Checkpoint(metadata: ["architecture": "test", "epoch": "3"], tensors: [
            NamedTensor("a.weight", Tensor.randomNormal(shape: [3, 2, 1, 1], using: &random)),
            NamedTensor("b", Tensor(shape: [5], storage: [1, -2, .infinity, 0, 1e-30])),
            NamedTensor("scalar", Tensor(shape: [], storage: [7])),
        ])
    }

    @Test func roundTripsThroughBytesAndFiles() throws {
        let c = sample()
        let bytes = c.serialized()
        #expect(try Checkpoint(parsing: bytes, source: "x") == c)
        let path = NSTemporaryDirectory() + "swiftnas-checkpoint-\(UUID().uuidString).snck"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try c.write(to: path)
        #expect(try Checkpoint(contentsOf: path) == c)
        #expect(c["b"]?.storage[1] == -2 && c["missing"] == nil)
    }

    @Test func halfPrecisionHalvesTheDataAndRoundsToNearest() throws {
        let c = sample()
        let half = c.serialized(precision: .float16)
        #expect(half.count < c.serialized().count)
        let read = try Checkpoint(parsing: half, source: "h")
        #expect(read.metadata == c.metadata && read.tensors.map(\.name) == c.tensors.map(\.name))
        for (a, b) in zip(read.tensors, c.tensors) {
            #expect(a.tensor.shape == b.tensor.shape)
            for (x, y) in zip(a.tensor.storage, b.tensor.storage) { #expect(x == Float(Float16(y))) }
        }
    }

    /// Version 1 files (no element-type byte, float32 only) still load.
    @Test func readsFormatVersionOne() throws {
        let c = sample()
        var out = Array("SWNASCK1".utf8)
        func u16(_ v: Int) { out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff)] }
        func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(v >> UInt32(s) & 0xff)) } }
        func u64(_ v: Int) { u32(UInt32(v & 0xffff_ffff)); u32(UInt32(v >> 32)) }
        u32(1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = [UInt8](try encoder.encode(c.metadata))
        u32(UInt32(header.count))
        out += header
        u32(UInt32(c.tensors.count))
        let tableSize = c.tensors.reduce(0) { $0 + 2 + $1.name.utf8.count + 1 + 4 * $1.tensor.rank + 16 }
        var offset = out.count + tableSize
        for t in c.tensors {
            u16(t.name.utf8.count)
            out += Array(t.name.utf8)
            out.append(UInt8(t.tensor.rank))
            for d in t.tensor.shape { u32(UInt32(d)) }
            u64(offset)
            u64(t.tensor.count)
            offset += 4 * t.tensor.count
        }
        for t in c.tensors { for v in t.tensor.storage { u32(v.bitPattern) } }
        let length = UInt32(out.count)
        u32(CRC32.checksum(out))
        u32(length)
        #expect(try Checkpoint(parsing: out, source: "v1") == c)
    }

    @Test func truncatedCorruptedAndForeignFilesAreInputErrors() {
        let bytes = sample().serialized()
        func message(_ b: [UInt8]) -> String {
            do { _ = try Checkpoint(parsing: b, source: "f"); return "accepted" } catch let e as InputError { return e.description } catch { return "\(error)" }
        }
        #expect(message(Array(bytes.prefix(10))).contains("truncated"))
        #expect(message(Array(bytes.dropLast(3))).contains("truncated"))
        var flipped = bytes
        flipped[bytes.count / 2] ^= 1
        #expect(message(flipped).contains("CRC-32"))
        var foreign = bytes
        foreign[0] = UInt8(ascii: "X")
        #expect(message(foreign).contains("not a SwiftNAS checkpoint"))
        var future = bytes
        future[8] = 3
        #expect(message(future).contains("version 3 is not supported"))
        #expect(message([UInt8](repeating: 0, count: 100)).contains("not a SwiftNAS checkpoint"))
        #expect(throws: InputError.self) { try Checkpoint(contentsOf: "/nonexistent/swiftnas.snck") }
    }

    @Test func restoreChecksNamesAndShapes() throws {
        let c = sample()
        var state = [NamedTensor("a.weight", Tensor(shape: [3, 2, 1, 1])), NamedTensor("b", Tensor(shape: [5])), NamedTensor("scalar", Tensor(shape: []))]
        try c.restore(into: &state, source: "f")
        #expect(state[1].tensor.storage[0] == 1)
        var wrongShape = [NamedTensor("a.weight", Tensor(shape: [2, 3, 1, 1])), NamedTensor("b", Tensor(shape: [5])), NamedTensor("scalar", Tensor(shape: []))]
        #expect(throws: InputError(source: "f", field: "a.weight", "has shape [3, 2, 1, 1], expected [2, 3, 1, 1]")) {
            try c.restore(into: &wrongShape, source: "f")
        }
        var missing = state + [NamedTensor("c", Tensor(shape: [1]))]
        #expect(throws: InputError(source: "f", field: "c", "tensor is missing from the checkpoint")) { try c.restore(into: &missing, source: "f") }
        var fewer = Array(state.prefix(2))
        #expect(throws: InputError(source: "f", field: "scalar", "tensor is not part of this network")) { try c.restore(into: &fewer, source: "f") }
        try c.restore(into: &fewer, ignoringPrefixes: ["scal"], source: "f")
    }
}
