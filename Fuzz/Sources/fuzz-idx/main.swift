// Dataset files: gzip (Inflate.gunzip), raw DEFLATE (Inflate.inflate) and IDX (IDXFile(parsing:)), the way
// IDXFile(contentsOf:) reads a Fashion-MNIST `.gz`.
import FuzzSupport
import SwiftNASEngine

runFuzzer { input in
        expectingInputErrors {
        let raw = input.count >= 2 && input[0] == 0x1f && input[1] == 0x8b ? try Inflate.gunzip(input, source: "fuzz.gz") : input
        let file = try IDXFile(parsing: raw, source: "fuzz.idx")
        check(file.dimensions.reduce(1, *) == file.bytes.count, "IDX dimensions do not match its bytes")
    }
    expectingInputErrors { _ = try Inflate.inflate(input, source: "fuzz.deflate") }
}
