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
        future[8] = 2
        #expect(message(future).contains("version 2 is not supported"))
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
