import Foundation
import SwiftNASCore

/// A named float32 tensor stored in a checkpoint.
public struct NamedTensor: Sendable, Equatable {
    /// A dotted path such as `blocks.3.expand.weight`.
    public var name: String
    /// The tensor.
    public var tensor: Tensor

    /// A named tensor.
    public init(_ name: String, _ tensor: Tensor) {
        self.name = name
        self.tensor = tensor
    }
}

/// SwiftNAS's versioned binary checkpoint: a JSON metadata header, a tensor table and float32 or float16
/// data, closed by a CRC-32 and the length, so truncated, corrupted or mismatched files are refused with
/// an `InputError` that says which.
///
/// Layout (little-endian): magic `SWNASCK1`; version `UInt32`; header length `UInt32` and UTF-8 JSON
/// (string → string); tensor count `UInt32`; per tensor: name length `UInt16`, UTF-8 name, rank `UInt8`,
/// element type `UInt8` (0 float32, 1 float16; version 2 only — version 1 files are all float32),
/// dims `UInt32 × rank`, data offset `UInt64` (from the file start), element count `UInt64`; zero
/// padding; data, each tensor 32-byte aligned; trailer: CRC-32 of all preceding bytes `UInt32` and their
/// count `UInt32` (low 32 bits).
public struct Checkpoint: Sendable, Equatable {
    /// The format version this build writes (it also reads version 1).
    public static let version: UInt32 = 2
    /// The versions this build reads.
    static let readableVersions: ClosedRange<UInt32> = 1...2

    /// How tensor elements are stored.
    public enum Precision: UInt8, Sendable {
        /// IEEE single precision, exact.
        case float32 = 0
        /// IEEE half precision (rounded to nearest): half the size, for inference-only checkpoints.
        case float16 = 1

        var bytes: Int { self == .float32 ? 4 : 2 }
    }
    static let magic = Array("SWNASCK1".utf8)

    /// Free-form metadata: architecture name, plan, training position, seeds…
    public var metadata: [String: String]
    /// The tensors, in file order (names are unique).
    public var tensors: [NamedTensor]

    /// A checkpoint of `tensors` with `metadata`.
    public init(metadata: [String: String] = [:], tensors: [NamedTensor]) {
        self.metadata = metadata
        self.tensors = tensors
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }

    // MARK: - Writing

    /// The file's bytes, every tensor stored at `precision`.
    public func serialized(precision: Precision = .float32) -> [UInt8] {
        var out = Self.magic
        func u16(_ v: Int) { out += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff)] }
        func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(v >> UInt32(s) & 0xff)) } }
        func u64(_ v: UInt64) { for s in stride(from: 0, to: 64, by: 8) { out.append(UInt8(v >> UInt64(s) & 0xff)) } }
        u32(Self.version)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = [UInt8]((try? encoder.encode(metadata)) ?? Data("{}".utf8))
        u32(UInt32(header.count))
        out += header
        u32(UInt32(tensors.count))
        // Table size is known before the offsets: compute it, then lay the data out after it.
        var tableSize = 0
        for t in tensors { tableSize += 2 + t.name.utf8.count + 2 + 4 * t.tensor.rank + 16 }
        var offset = (out.count + tableSize + 31) / 32 * 32
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset = (offset + precision.bytes * t.tensor.count + 31) / 32 * 32
        }
        for (t, o) in zip(tensors, offsets) {
            let name = Array(t.name.utf8)
            u16(name.count)
            out += name
            out.append(UInt8(t.tensor.rank))
            out.append(precision.rawValue)
            for d in t.tensor.shape { u32(UInt32(d)) }
            u64(UInt64(o))
            u64(UInt64(t.tensor.count))
        }
        for (t, o) in zip(tensors, offsets) {
            out += [UInt8](repeating: 0, count: o - out.count)
            t.tensor.storage.withUnsafeBufferPointer { buffer in
                switch precision {
                case .float32: for v in buffer { u32(v.bitPattern) }
                case .float16: for v in buffer { u16(Int(Float16(v).bitPattern)) }
                }
            }
        }
        let crc = CRC32.checksum(out)
        let length = UInt32(truncatingIfNeeded: out.count)
        u32(crc)
        u32(length)
        return out
    }

    /// Writes the checkpoint atomically (readers see the old file or the new one, never half).
    public func write(to path: String, precision: Precision = .float32) throws {
        try AtomicFile.write(Data(serialized(precision: precision)), to: path)
    }

    // MARK: - Reading

    /// Reads and verifies a checkpoint file.
    public init(contentsOf path: String) throws {
        try self.init(parsing: [UInt8](InputFile.data(path)), source: path)
    }

    /// Parses and verifies checkpoint bytes; `source` names the file in errors.
    public init(parsing bytes: [UInt8], source: String) throws {
        let minimum = Self.magic.count + 4 + 4 + 4 + 8
        guard bytes.count >= minimum else { throw InputError(source: source, "truncated checkpoint (\(bytes.count) bytes)") }
        guard Array(bytes[0..<8]) == Self.magic else { throw InputError(source: source, "not a SwiftNAS checkpoint (bad magic bytes)") }
        func u32(at o: Int) -> UInt32 { UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24 }
        let version = u32(at: 8)
        guard Self.readableVersions.contains(version) else {
            throw InputError(source: source, field: "version",
                             "checkpoint format version \(version) is not supported (this build reads \(Self.readableVersions.lowerBound)–\(Self.readableVersions.upperBound))")
        }
        let body = bytes.count - 8
        guard u32(at: body + 4) == UInt32(truncatingIfNeeded: body) else {
            throw InputError(source: source, "truncated or extended checkpoint (length trailer does not match)")
        }
        let crc = bytes.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[0..<body])) }
        guard crc == u32(at: body) else { throw InputError(source: source, "corrupted checkpoint (CRC-32 mismatch)") }

        var position = 12
        func need(_ n: Int, _ what: String) throws {
            guard n >= 0, position + n <= body else { throw InputError(source: source, field: what, "runs past the end of the checkpoint") }
        }
        try need(4, "header")
        let headerLength = Int(u32(at: position))
        position += 4
        try need(headerLength, "header")
        guard let metadata = try? JSONDecoder().decode([String: String].self, from: Data(bytes[position..<(position + headerLength)])) else {
            throw InputError(source: source, field: "header", "is not a JSON object of strings")
        }
        position += headerLength
        try need(4, "tensor table")
        let count = Int(u32(at: position))
        position += 4
        var tensors: [NamedTensor] = []
        var names = Set<String>()
        for index in 0..<count {
            try need(2, "tensor table[\(index)]")
            let nameLength = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            position += 2
            try need(nameLength + (version >= 2 ? 2 : 1), "tensor table[\(index)]")
            guard let name = String(bytes: bytes[position..<(position + nameLength)], encoding: .utf8) else {
                throw InputError(source: source, field: "tensor table[\(index)]", "name is not UTF-8")
            }
            position += nameLength
            let rank = Int(bytes[position])
            position += 1
            var precision = Precision.float32
            if version >= 2 {
                guard let stored = Precision(rawValue: bytes[position]) else {
                    throw InputError(source: source, field: name, "unknown element type \(bytes[position])")
                }
                precision = stored
                position += 1
            }
            try need(4 * rank + 16, name)
            var shape: [Int] = []
            for d in 0..<rank { shape.append(Int(u32(at: position + 4 * d))) }
            position += 4 * rank
            let offset = Int(u32(at: position)) | Int(u32(at: position + 4)) << 32
            let elements = Int(u32(at: position + 8)) | Int(u32(at: position + 12)) << 32
            position += 16
            let width = precision.bytes
            // The product of the dimensions, refused once it passes what the file could hold (no overflow).
            var product = 1
            for d in shape {
                let (next, overflow) = product.multipliedReportingOverflow(by: d)
                guard !overflow, next <= body else {
                    throw InputError(source: source, field: name, "shape \(shape) holds more elements than the file")
                }
                product = next
            }
            guard product == elements else {
                throw InputError(source: source, field: name, "shape \(shape) holds \(product) elements, the table says \(elements)")
            }
            guard elements >= 0, offset >= 0, elements <= body / width, offset <= body - width * elements else {
                throw InputError(source: source, field: name, "tensor extent or offset is out of the file")
            }
            guard names.insert(name).inserted else { throw InputError(source: source, field: name, "tensor appears twice") }
            var storage = [Float](repeating: 0, count: elements)
            switch precision {
            case .float32:
                for i in 0..<elements { storage[i] = Float(bitPattern: u32(at: offset + 4 * i)) }
            case .float16:
                for i in 0..<elements {
                    storage[i] = Float(Float16(bitPattern: UInt16(bytes[offset + 2 * i]) | UInt16(bytes[offset + 2 * i + 1]) << 8))
                }
            }
            tensors.append(NamedTensor(name, Tensor(shape: shape, storage: storage)))
        }
        self.metadata = metadata
        self.tensors = tensors
    }

    /// Replaces each tensor `state` names with the checkpoint's, requiring every expected tensor to be
    /// present with the same shape and no unexpected tensor to be present (besides names starting with
    /// one of `ignoringPrefixes`).
    public func restore(into state: inout [NamedTensor], ignoringPrefixes: [String] = [], source: String) throws {
        var byName: [String: Tensor] = [:]
        for t in tensors { byName[t.name] = t.tensor }
        for i in state.indices {
            let name = state[i].name
            guard let stored = byName.removeValue(forKey: name) else {
                throw InputError(source: source, field: name, "tensor is missing from the checkpoint")
            }
            guard stored.shape == state[i].tensor.shape else {
                throw InputError(source: source, field: name, "has shape \(stored.shape), expected \(state[i].tensor.shape)")
            }
            state[i].tensor = stored
        }
        if let unknown = byName.keys.sorted().first(where: { name in !ignoringPrefixes.contains { name.hasPrefix($0) } }) {
            throw InputError(source: source, field: unknown, "tensor is not part of this network")
        }
    }
}
