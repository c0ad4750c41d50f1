import Testing
import SwiftNASCore
import SwiftNASEngine

/// Inputs the libFuzzer harnesses in Fuzz/ (`Fuzz/run.sh 600 fuzz-checkpoint`, `fuzz-idx`) found crashing the
/// parsers, inlined as hex; each must now be an `InputError` naming the file and what is wrong.
@Suite struct EngineFuzzRegressionTests {
    /// fuzz-checkpoint crash-68f4f5bf: a tensor whose dimensions multiply past Int.max trapped in `shape.reduce(1, *)`.
    @Test func checkpointShapeWhoseProductOverflowsIsAnInputError() {
        let input = bytes(hex: "53574e4153434b31020000000c0000007b2261726368223a2278227d020054000b007354656d2e7700000010000600"
            + "0000400000000900686561642e01696201736102000000a00000000000000000000000000000000053414e434b31020000000c00003d0000000000"
            + "99903dd46a000000")
        #expect(throws: InputError.self) { try Checkpoint(parsing: input, source: "fuzz.snck") }
        do { _ = try Checkpoint(parsing: input, source: "fuzz.snck") } catch let error as InputError {
            #expect(error.source == "fuzz.snck" && error.field.hasPrefix("sTem.w") && error.message.contains("more elements than the file"), "\(error)")
        } catch { Issue.record("\(error)") }
    }

    /// A shape of three 2³²−1 dimensions in an otherwise valid checkpoint: refused without overflow.
    @Test func checkpointShapeOfHugeDimensionsIsAnInputError() throws {
        var bytes = Checkpoint(tensors: [NamedTensor("t", Tensor(shape: [1, 1, 1], storage: [1]))]).serialized()
        // The dims follow magic, version, header length, "{}", count, name length, "t", rank, element type.
        let dims = 8 + 4 + 4 + 2 + 4 + 2 + 1 + 1 + 1
        for i in dims..<(dims + 12) { bytes[i] = 0xff }
        let body = bytes.count - 8
        let crc = CRC32.checksum(Array(bytes[0..<body]))
        for s in 0..<4 { bytes[body + s] = UInt8(crc >> UInt32(8 * s) & 0xff) }
        #expect(throws: InputError(source: "c.snck", field: "t", "shape [4294967295, 4294967295, 4294967295] holds more elements than the file")) {
            try Checkpoint(parsing: bytes, source: "c.snck")
        }
    }

    /// fuzz-idx crash-bf30cd10: IDX dimensions whose product overflowed Int trapped in `total *= size`.
    @Test func idxDimensionsWhoseProductOverflowsAreAnInputError() {
        let input = bytes(hex: "00000802ff62ffffff6d070000fffffffdfaffffff0000000000ffffffffffffc8c8c8")
        #expect(throws: InputError.self) { try IDXFile(parsing: input, source: "fuzz.idx") }
        do { _ = try IDXFile(parsing: input, source: "fuzz.idx") } catch let error as InputError {
            #expect(error.source == "fuzz.idx" && error.message.contains("need more bytes than the file"), "\(error)")
        } catch { Issue.record("\(error)") }
    }
}
