import SwiftNASCore

/// A DEFLATE (RFC 1951) decoder and gzip (RFC 1952) container reader, so the engine can read the `.gz`
/// IDX files Fashion-MNIST ships as without Foundation's `Compression` (absent on Linux).
///
/// Huffman codes are decoded through a lookup table indexed by the next `maxLength` bits (bit-reversed
/// canonical codes), which keeps a 26 MB image file to about a second in release builds.
public enum Inflate {
    /// Decompresses every member of a gzip file, verifying each member's CRC-32 and length.
    /// `source` names the file in errors.
    public static func gunzip(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        repeat {
            func need(_ n: Int) throws {
                if position + n > bytes.count { throw InputError(source: source, "truncated gzip header") }
            }
            try need(10)
            guard bytes[position] == 0x1f, bytes[position + 1] == 0x8b else {
                throw InputError(source: source, "not a gzip file (bad magic bytes)")
            }
            guard bytes[position + 2] == 8 else { throw InputError(source: source, "unsupported gzip compression method \(bytes[position + 2])") }
            let flags = bytes[position + 3]
            position += 10
            if flags & 4 != 0 {
                try need(2)
                let extra = Int(bytes[position]) | Int(bytes[position + 1]) << 8
                position += 2
                try need(extra)
                position += extra
            }
            for flag: UInt8 in [8, 16] where flags & flag != 0 {
                while true {
                    try need(1)
                    position += 1
                    if bytes[position - 1] == 0 { break }
                }
            }
            if flags & 2 != 0 { try need(2); position += 2 }
            let start = output.count
            var decoder = Decoder(bytes: bytes, position: position, source: source)
            try decoder.inflate(into: &output)
            position = decoder.bytePosition
            try need(8)
            let storedCRC = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
            let storedSize = UInt32(bytes[position + 4]) | UInt32(bytes[position + 5]) << 8 | UInt32(bytes[position + 6]) << 16 | UInt32(bytes[position + 7]) << 24
            position += 8
            let crc = output.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[start...])) }
            guard crc == storedCRC else { throw InputError(source: source, "gzip CRC-32 mismatch (corrupted file)") }
            guard UInt32(truncatingIfNeeded: output.count - start) == storedSize else {
                throw InputError(source: source, "gzip length mismatch (corrupted file)")
            }
            // Trailing zero padding after the last member is tolerated.
            while position < bytes.count && bytes[position] == 0 { position += 1 }
        } while position < bytes.count
        return output
    }

    /// Decompresses a raw DEFLATE stream.
    public static func inflate(_ bytes: [UInt8], source: String) throws -> [UInt8] {
        var output: [UInt8] = []
        var decoder = Decoder(bytes: bytes, position: 0, source: source)
        try decoder.inflate(into: &output)
        return output
    }

    static let lengthBase: [Int] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase: [Int] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra: [Int] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// A canonical Huffman code as a table over the next `maxLength` input bits: `symbol << 4 | length`.
    struct Huffman {
        var table: [UInt32]
        var maxLength: Int

        init(lengths: [Int], source: String) throws {
            maxLength = max(1, lengths.max() ?? 0)
            var counts = [Int](repeating: 0, count: 16)
            for l in lengths { counts[l] += 1 }
            counts[0] = 0
            var left = 1
            for len in 1...15 {
                left = left * 2 - counts[len]
                if left < 0 { throw InputError(source: source, "over-subscribed Huffman code (corrupted deflate data)") }
            }
            var next = [Int](repeating: 0, count: 16)
            var code = 0
            for len in 1...15 {
                code = (code + counts[len - 1]) << 1
                next[len] = code
            }
            table = [UInt32](repeating: 0, count: 1 << maxLength)
            for (symbol, len) in lengths.enumerated() where len > 0 {
                let c = next[len]
                next[len] += 1
                var reversed = 0
                for b in 0..<len where c & (1 << b) != 0 { reversed |= 1 << (len - 1 - b) }
                let entry = UInt32(symbol) << 4 | UInt32(len)
                var index = reversed
                while index < table.count {
                    table[index] = entry
                    index += 1 << len
                }
            }
        }
    }

    struct Decoder {
        let bytes: [UInt8]
        var position: Int
        let source: String
        var bitBuffer: UInt64 = 0
        var bitCount = 0

        init(bytes: [UInt8], position: Int, source: String) {
            self.bytes = bytes
            self.position = position
            self.source = source
        }

        /// The position of the first byte after the bits consumed so far (whole bytes still buffered are returned).
        var bytePosition: Int { position - bitCount / 8 }

        @inline(__always) mutating func refill() {
            while bitCount <= 56 && position < bytes.count {
                bitBuffer |= UInt64(bytes[position]) << UInt64(bitCount)
                bitCount += 8
                position += 1
            }
        }

        @inline(__always) mutating func bits(_ n: Int) throws -> Int {
            if n == 0 { return 0 }
            if bitCount < n {
                refill()
                if bitCount < n { throw InputError(source: source, "truncated deflate data") }
            }
            let value = Int(bitBuffer & ((1 << UInt64(n)) - 1))
            bitBuffer >>= UInt64(n)
            bitCount -= n
            return value
        }

        @inline(__always) mutating func decode(_ h: Huffman) throws -> Int {
            if bitCount < h.maxLength { refill() }
            let entry = h.table[Int(bitBuffer & ((1 << UInt64(h.maxLength)) - 1))]
            let len = Int(entry & 15)
            if len == 0 { throw InputError(source: source, "invalid Huffman code (corrupted deflate data)") }
            if len > bitCount { throw InputError(source: source, "truncated deflate data") }
            bitBuffer >>= UInt64(len)
            bitCount -= len
            return Int(entry >> 4)
        }

        mutating func inflate(into output: inout [UInt8]) throws {
            var last = false
            while !last {
                last = try bits(1) == 1
                switch try bits(2) {
                case 0: try stored(into: &output)
                case 1:
                    var lengths = [Int](repeating: 8, count: 288)
                    for i in 144..<256 { lengths[i] = 9 }
                    for i in 256..<280 { lengths[i] = 7 }
                    try block(literal: Huffman(lengths: lengths, source: source),
                              distance: Huffman(lengths: [Int](repeating: 5, count: 30), source: source), into: &output)
                case 2:
                    let (literal, distance) = try dynamicTables()
                    try block(literal: literal, distance: distance, into: &output)
                default:
                    throw InputError(source: source, "invalid deflate block type (corrupted data)")
                }
            }
        }

        mutating func stored(into output: inout [UInt8]) throws {
            // Drop to a byte boundary, then LEN and its complement.
            _ = try bits(bitCount % 8)
            let length = try bits(16), complement = try bits(16)
            guard length == ~complement & 0xffff else { throw InputError(source: source, "stored block length check failed (corrupted data)") }
            for _ in 0..<length { output.append(UInt8(try bits(8))) }
        }

        mutating func dynamicTables() throws -> (Huffman, Huffman) {
            let literals = try bits(5) + 257, distances = try bits(5) + 1, codeLengths = try bits(4) + 4
            guard literals <= 286, distances <= 30 else { throw InputError(source: source, "bad dynamic Huffman header (corrupted data)") }
            var lengthLengths = [Int](repeating: 0, count: 19)
            for i in 0..<codeLengths { lengthLengths[Inflate.codeLengthOrder[i]] = try bits(3) }
            let lengthCode = try Huffman(lengths: lengthLengths, source: source)
            var lengths: [Int] = []
            lengths.reserveCapacity(literals + distances)
            while lengths.count < literals + distances {
                let symbol = try decode(lengthCode)
                switch symbol {
                case 0...15: lengths.append(symbol)
                case 16:
                    guard let previous = lengths.last else { throw InputError(source: source, "repeat with no previous length (corrupted data)") }
                    lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
                case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
                default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
                }
            }
            guard lengths.count == literals + distances, lengths[256] > 0 else {
                throw InputError(source: source, "bad code lengths (corrupted data)")
            }
            return (try Huffman(lengths: Array(lengths[0..<literals]), source: source),
                    try Huffman(lengths: Array(lengths[literals...]), source: source))
        }

        mutating func block(literal: Huffman, distance: Huffman, into output: inout [UInt8]) throws {
            while true {
                let symbol = try decode(literal)
                if symbol < 256 {
                    output.append(UInt8(symbol))
                } else if symbol == 256 {
                    return
                } else {
                    let index = symbol - 257
                    guard index < 29 else { throw InputError(source: source, "invalid length symbol (corrupted data)") }
                    let length = Inflate.lengthBase[index] + (try bits(Inflate.lengthExtra[index]))
                    let d = try decode(distance)
                    guard d < 30 else { throw InputError(source: source, "invalid distance symbol (corrupted data)") }
                    let back = Inflate.distanceBase[d] + (try bits(Inflate.distanceExtra[d]))
                    guard back <= output.count else { throw InputError(source: source, "distance beyond start of output (corrupted data)") }
                    let from = output.count - back
                    for i in 0..<length { output.append(output[from + i]) }
                }
            }
        }
    }
}

/// The CRC-32 (IEEE 802.3, reflected, as gzip and zlib use).
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { checksum($0) }
    }
}
