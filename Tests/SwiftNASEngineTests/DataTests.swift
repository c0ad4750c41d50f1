import Foundation
import Testing
import SwiftNASCore
@testable import SwiftNASEngine

func bytes(hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        out.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return out
}

/// A gzip file made of stored (uncompressed) deflate blocks, for building fixtures in tests.
func storedGzip(_ payload: [UInt8], blockSize: Int = 1000) -> [UInt8] {
    var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]
    var offset = 0
    repeat {
        let n = min(blockSize, payload.count - offset)
        let last: UInt8 = offset + n == payload.count ? 1 : 0
        out += [last, UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
        out += payload[offset..<(offset + n)]
        offset += n
    } while offset < payload.count
    let crc = CRC32.checksum(payload)
    for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((crc >> UInt32(shift)) & 0xff)) }
    for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8((payload.count >> shift) & 0xff)) }
    return out
}

/// A synthetic IDX file of unsigned bytes.
func idx(dimensions: [Int], body: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
    for d in dimensions { out += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
    return out + body
}

@Suite struct InflateTests {
    // zlib level 9 raw deflate of 60 generated lines (one dynamic-Huffman block).
    static let dynamicHex = "7dd44b4e43310c05d039abc8125efcc987e5805a5151b56a0582e52394eb59aec75771e263bf77bddc4ee5782d5f1fa7f2f8bebc7f96b7e7fde756cef7df72bc5cffd3ba4feb4a659fda4a759fce951aa9dc56ecfb587cc56d1f2b4e77f230dc3df671c3c3e73e1ee8ba1232454ccc04d52b53ebc8895b17e4442e6222a7f17a42d7e23cb19b90af044fa37da2d7b15142f42aee17c2e7a82f846f62f442f80cfc42f866ec34f1b3b89ff8cda84ffc3cfa277e0331e16be057c227d81e257c03f595f0797cb4844f301e257c039f9612be065e655f6ef447f86a9c677c18bf323fe446fc0c3e46fc14fd1bf1ab719ef8c5f56cfbb05d46f806788cf0f5f8ab12be1ee7095f8ffb679efb91d7f79abfcf25efcf35f7714b79ddf3e978cba7eb3ddf0e1ff976f9a4dbf907"

    @Test func dynamicHuffmanBlock() throws {
        let expected = (0..<60).map { "line \($0): the quick brown fox \($0 * $0 % 97)\n" }.joined()
        let out = try Inflate.inflate(bytes(hex: Self.dynamicHex), source: "fixture")
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test func fixedHuffmanBlockAndGzipMember() throws {
        #expect(String(decoding: try Inflate.inflate(bytes(hex: "cb48cdc9c957c840908a00"), source: "f"), as: UTF8.self) == "hello hello hello!")
        let gz = bytes(hex: "1f8b08000000000002034b4c4a4ec48d0081fcb1481e000000")
        #expect(String(decoding: try Inflate.gunzip(gz, source: "f"), as: UTF8.self) == String(repeating: "abc", count: 10))
    }

    @Test func storedBlocksAndConcatenatedMembers() throws {
        let payload = (0..<2500).map { UInt8($0 % 251) }
        let one = storedGzip(payload)
        #expect(try Inflate.gunzip(one, source: "f") == payload)
        #expect(try Inflate.gunzip(one + storedGzip([1, 2, 3]), source: "f") == payload + [1, 2, 3])
    }

    @Test func corruptionAndTruncationAreInputErrors() {
        let gz = storedGzip((0..<300).map { UInt8($0 % 7) })
        var flipped = gz
        flipped[50] ^= 0x40
        #expect(throws: InputError.self) { try Inflate.gunzip(flipped, source: "f") }
        #expect(throws: InputError.self) { try Inflate.gunzip(Array(gz.prefix(gz.count - 5)), source: "f") }
        #expect(throws: InputError.self) { try Inflate.gunzip([0x1f, 0x8b, 8], source: "f") }
        #expect(throws: InputError.self) { try Inflate.gunzip([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], source: "f") }
        let dynamic = bytes(hex: Self.dynamicHex)
        #expect(throws: InputError.self) { try Inflate.inflate(Array(dynamic.prefix(100)), source: "f") }
        #expect(throws: InputError.self) { try Inflate.inflate([0x07], source: "f") }  // block type 3
    }
}

@Suite struct DatasetTests {
    func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "swiftnas-engine-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func readsTinySyntheticIDXFilesRawAndGzipped() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pixels = (0..<(3 * 4 * 5)).map { UInt8($0 * 4) }
        let images = idx(dimensions: [3, 4, 5], body: pixels), labels = idx(dimensions: [3], body: [7, 0, 9])
        try Data(images).write(to: URL(fileURLWithPath: dir + "/train-images-idx3-ubyte"))
        try Data(storedGzip(labels)).write(to: URL(fileURLWithPath: dir + "/train-labels-idx1-ubyte.gz"))
        try Data(storedGzip(images)).write(to: URL(fileURLWithPath: dir + "/t10k-images-idx3-ubyte.gz"))
        try Data(labels).write(to: URL(fileURLWithPath: dir + "/t10k-labels-idx1-ubyte"))
        let (train, test) = try ImageDataset.fashionMNIST(directory: dir)
        #expect(train.count == 3 && test.count == 3)
        #expect(train.height == 4 && train.width == 5)
        #expect(train.labels == [7, 0, 9])
        #expect(train.pixels == test.pixels)
        #expect(abs(train.pixels[21] - Float(84) / 255) < 1e-7)

        var random = SeededRandom(seed: 1)
        let (batch, batchLabels) = train.batch([2, 0], random: &random)
        #expect(batch.shape == [2, 4, 5, 1] && batchLabels == [9, 7])
        #expect(abs(batch[1, 1, 1, 0] - (Float(24) / 255 - train.mean) / train.standardDeviation) < 1e-6)
    }

    @Test func badIDXFilesAreInputErrors() {
        #expect(throws: InputError.self) { try IDXFile(parsing: [0, 0, 8], source: "f") }
        #expect(throws: InputError.self) { try IDXFile(parsing: [1, 0, 8, 1, 0, 0, 0, 1, 5], source: "f") }
        #expect(throws: InputError.self) { try IDXFile(parsing: [0, 0, 0x0d, 1, 0, 0, 0, 1, 5], source: "f") }
        #expect(throws: InputError.self) { try IDXFile(parsing: idx(dimensions: [2, 2], body: [1, 2, 3]), source: "f") }
        #expect(throws: InputError.self) { try IDXFile(parsing: idx(dimensions: [2], body: [1, 2, 3]), source: "f") }
        #expect(throws: InputError.self) { try IDXFile(contentsOf: "/nonexistent/swiftnas/file") }
        #expect(throws: InputError.self) { try ImageDataset.fashionMNIST(directory: "/nonexistent/swiftnas") }
    }

    @Test func mismatchedImageAndLabelCountsAreInputErrors() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(idx(dimensions: [2, 2, 2], body: [UInt8](repeating: 0, count: 8))).write(to: URL(fileURLWithPath: dir + "/i"))
        try Data(idx(dimensions: [3], body: [1, 2, 3])).write(to: URL(fileURLWithPath: dir + "/l"))
        try Data(idx(dimensions: [2], body: [1, 12])).write(to: URL(fileURLWithPath: dir + "/bad"))
        #expect(throws: InputError.self) { try ImageDataset(images: dir + "/i", labels: dir + "/l") }
        #expect(throws: InputError.self) { try ImageDataset(images: dir + "/i", labels: dir + "/bad") }
    }

    @Test func holdoutSplitIsSeededAndDisjoint() {
        let n = 50
        let data = ImageDataset(height: 1, width: 1, pixels: (0..<n).map { Float($0) }, labels: (0..<n).map { $0 % 10 }, classes: 10)
        let (kept, held) = data.split(holdout: 12, seed: 3)
        #expect(kept.count == 38 && held.count == 12)
        #expect(Set(kept.pixels + held.pixels).count == n)
        #expect(data.split(holdout: 12, seed: 3).heldOut.pixels == held.pixels)
        #expect(data.split(holdout: 12, seed: 4).heldOut.pixels != held.pixels)
    }

    @Test func augmentationShiftsAndFlipsDeterministically() {
        // A 3×3 image with one bright pixel at (row 1, col 0).
        var pixels = [Float](repeating: 0, count: 9)
        pixels[3] = 1
        var data = ImageDataset(height: 3, width: 3, pixels: pixels, labels: [0], classes: 1)
        data.mean = 0
        data.standardDeviation = 1
        var random = SeededRandom(seed: 5)
        var seen = Set<[Float]>()
        for _ in 0..<200 {
            let (b, _) = data.batch([0], augmentation: Augmentation(padding: 1, horizontalFlip: true), random: &random)
            #expect(b.storage.reduce(0, +) <= 1)
            seen.insert(b.storage)
        }
        // Shifts of ±1 and the mirror reach several distinct placements, including the mirrored one.
        var mirrored = [Float](repeating: 0, count: 9)
        mirrored[5] = 1
        #expect(seen.contains(mirrored))
        #expect(seen.contains(pixels))
        #expect(seen.count >= 6)
        var a = SeededRandom(seed: 9), b = SeededRandom(seed: 9)
        let augmentation = Augmentation(padding: 1)
        #expect(data.batch([0, 0], augmentation: augmentation, random: &a).images == data.batch([0, 0], augmentation: augmentation, random: &b).images)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")))
    func readsInstalledFashionMNISTLabels() throws {
        let labels = try IDXFile(contentsOf: "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")
        #expect(labels.dimensions == [10000])
        var counts = [Int](repeating: 0, count: 10)
        for l in labels.bytes { counts[Int(l)] += 1 }
        #expect(counts == [Int](repeating: 1000, count: 10))
    }
}

@Suite struct OptimizerTests {
    @Test func sgdStepMatchesHandComputation() {
        var layer = BrokenScale()  // one parameter, value 2
        layer.factor.gradient = Tensor(shape: [1], storage: [0.5])
        layer.factor.decays = true
        var sgd = SGD(momentum: 0.9, nesterov: false, weightDecay: 0.1)
        sgd.step(&layer, learningRate: 0.1)
        // d = 0.5 + 0.1·2 = 0.7; v = 0.7; p = 2 − 0.07
        #expect(abs(layer.factor.value[0] - 1.93) < 1e-6)
        sgd.step(&layer, learningRate: 0.1)
        // d = 0.5 + 0.193 = 0.693; v = 0.63 + 0.693 = 1.323; p = 1.93 − 0.1323
        #expect(abs(layer.factor.value[0] - 1.7977) < 1e-5)

        var nesterovLayer = BrokenScale()
        nesterovLayer.factor.gradient = Tensor(shape: [1], storage: [0.5])
        var nesterov = SGD(momentum: 0.9, nesterov: true, weightDecay: 0.1)  // no decay: BN-like parameter
        nesterov.step(&nesterovLayer, learningRate: 0.1)
        // d = 0.5; v = 0.5; step = d + 0.9·v = 0.95
        #expect(abs(nesterovLayer.factor.value[0] - 1.905) < 1e-6)
    }

    @Test func cosineScheduleWithWarmup() {
        let s = CosineSchedule(baseLearningRate: 0.4, warmupSteps: 4, totalSteps: 14)
        #expect(abs(s.learningRate(at: 0) - 0.1) < 1e-7)
        #expect(abs(s.learningRate(at: 3) - 0.4) < 1e-7)
        #expect(abs(s.learningRate(at: 4) - 0.4) < 1e-7)
        #expect(abs(s.learningRate(at: 9) - 0.2) < 1e-6)
        #expect(abs(s.learningRate(at: 14)) < 1e-7)
        #expect(abs(s.learningRate(at: 100)) < 1e-7)
        for t in 5..<14 { #expect(s.learningRate(at: t) < s.learningRate(at: t - 1)) }
    }
}
