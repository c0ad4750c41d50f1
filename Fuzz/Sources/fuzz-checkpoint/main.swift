// Checkpoints: Checkpoint(parsing:source:). Random bytes rarely carry a right CRC-32 and length trailer, so
// inputs whose first byte is odd get theirs computed (the rest of the input is the checkpoint body); inputs
// with an even first byte are parsed as they are.
import FuzzSupport
import SwiftNASEngine

runFuzzer { input in
    var input = input
    guard let first = input.first else { return }
    input.removeFirst()
    if first & 1 == 1 {
        let crc = CRC32.checksum(input)
        let length = UInt32(truncatingIfNeeded: input.count)
        for v in [crc, length] { for s in stride(from: 0, to: 32, by: 8) { input.append(UInt8(v >> UInt32(s) & 0xff)) } }
    }
    expectingInputErrors {
        let checkpoint = try Checkpoint(parsing: input, source: "fuzz.snck")
        // What is read writes back to a checkpoint that reads the same.
        let again = try Checkpoint(parsing: checkpoint.serialized(), source: "round trip")
        check(again.tensors.map(\.name) == checkpoint.tensors.map(\.name) && again.metadata == checkpoint.metadata,
              "checkpoint does not round-trip")
    }
}
