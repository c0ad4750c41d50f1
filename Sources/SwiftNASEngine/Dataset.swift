import Foundation
import SwiftNASCore

/// An IDX file (the MNIST / Fashion-MNIST format) of unsigned bytes: big-endian dimension sizes, then data.
public struct IDXFile: Sendable, Equatable {
    /// The size of each dimension, outermost first (`[60000, 28, 28]` for training images).
    public var dimensions: [Int]
    /// The elements, row-major.
    public var bytes: [UInt8]

    /// Parses IDX content; `source` names the file in errors. Only the unsigned-byte element type (0x08) is read.
    public init(parsing data: [UInt8], source: String) throws {
        guard data.count >= 4 else { throw InputError(source: source, "too short for an IDX header") }
        guard data[0] == 0, data[1] == 0 else { throw InputError(source: source, "not an IDX file (bad magic bytes)") }
        guard data[2] == 0x08 else { throw InputError(source: source, "IDX element type 0x\(String(data[2], radix: 16)) is not unsigned byte") }
        let rank = Int(data[3])
        guard rank >= 1, data.count >= 4 + 4 * rank else { throw InputError(source: source, "truncated IDX header") }
        var dims: [Int] = []
        var total = 1
        for d in 0..<rank {
            let o = 4 + 4 * d
            let size = Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3])
            dims.append(size)
            // The body must hold `total` bytes, so a product beyond the data is refused before it can overflow.
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= data.count else {
                throw InputError(source: source, "IDX dimensions \(dims) need more bytes than the file's \(data.count)")
            }
            total = product
        }
        let header = 4 + 4 * rank
        guard data.count == header + total else {
            throw InputError(source: source, "IDX body has \(data.count - header) bytes, dimensions \(dims) need \(total)")
        }
        dimensions = dims
        bytes = Array(data[header...])
    }

    /// Reads an IDX file, gunzipping it first when it starts with the gzip magic bytes.
    /// An IDX file of unsigned bytes with the given dimensions (`bytes.count` must equal their product).
    public init(dimensions: [Int], bytes: [UInt8]) {
        precondition(bytes.count == dimensions.reduce(1, *), "IDX bytes do not fill the dimensions")
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// The file's bytes: magic (0, 0, 0x08 unsigned byte, rank), big-endian `UInt32` dimensions, data.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { out += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
        return out + bytes
    }

    public init(contentsOf path: String) throws {
        var raw = [UInt8](try InputFile.data(path))
        if raw.count >= 2 && raw[0] == 0x1f && raw[1] == 0x8b { raw = try Inflate.gunzip(raw, source: path) }
        try self.init(parsing: raw, source: path)
    }
}

/// Random crop (shift with zero padding) and horizontal flip, applied per image when batching.
public struct Augmentation: Sendable, Equatable {
    /// The largest shift in pixels in each direction (the crop padding).
    public var padding: Int
    /// Whether images are mirrored left–right with probability ½.
    public var horizontalFlip: Bool

    /// An augmentation; the defaults suit 28×28 Fashion-MNIST.
    public init(padding: Int = 2, horizontalFlip: Bool = true) {
        self.padding = padding
        self.horizontalFlip = horizontalFlip
    }
}

/// Grey-scale images with integer labels, pixels stored in [0, 1].
public struct ImageDataset: Sendable {
    /// Image height.
    public let height: Int
    /// Image width.
    public let width: Int
    /// `count × height × width` pixels in [0, 1].
    public var pixels: [Float]
    /// One class index per image.
    public var labels: [Int]
    /// The number of classes.
    public let classes: Int
    /// Subtracted from pixels when batching (Fashion-MNIST training mean).
    public var mean: Float = 0.2860
    /// Divides pixels when batching (Fashion-MNIST training standard deviation).
    public var standardDeviation: Float = 0.3530

    /// The number of images.
    public var count: Int { labels.count }

    /// A dataset from pixels in [0, 1] and labels in `0..<classes`.
    public init(height: Int, width: Int, pixels: [Float], labels: [Int], classes: Int) {
        precondition(pixels.count == labels.count * height * width, "pixel count does not match labels × image size")
        self.height = height
        self.width = width
        self.pixels = pixels
        self.labels = labels
        self.classes = classes
    }

    /// Pairs an images IDX file `[N, H, W]` with a labels IDX file `[N]`, checking they agree.
    public init(images: String, labels labelsPath: String, classes: Int = 10) throws {
        let imageFile = try IDXFile(contentsOf: images), labelFile = try IDXFile(contentsOf: labelsPath)
        guard imageFile.dimensions.count == 3 else { throw InputError(source: images, "expected [N, H, W] images, got dimensions \(imageFile.dimensions)") }
        guard labelFile.dimensions.count == 1 else { throw InputError(source: labelsPath, "expected [N] labels, got dimensions \(labelFile.dimensions)") }
        guard imageFile.dimensions[0] == labelFile.dimensions[0] else {
            throw InputError(source: labelsPath, "\(labelFile.dimensions[0]) labels for \(imageFile.dimensions[0]) images")
        }
        if let bad = labelFile.bytes.first(where: { Int($0) >= classes }) {
            throw InputError(source: labelsPath, "label \(bad) outside 0..<\(classes)")
        }
        self.init(height: imageFile.dimensions[1], width: imageFile.dimensions[2],
                  pixels: imageFile.bytes.map { Float($0) / 255 }, labels: labelFile.bytes.map(Int.init), classes: classes)
    }

    /// Loads Fashion-MNIST's four files (`train-images-idx3-ubyte[.gz]`, …) from `directory`.
    public static func fashionMNIST(directory: String) throws -> (train: ImageDataset, test: ImageDataset) {
        func path(_ stem: String) throws -> String {
            for name in [stem, stem + ".gz"] {
                let p = (directory as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: p) { return p }
            }
            throw InputError(source: directory, "no \(stem) or \(stem).gz (Fashion-MNIST IDX files expected)")
        }
        let train = try ImageDataset(images: path("train-images-idx3-ubyte"), labels: path("train-labels-idx1-ubyte"))
        let test = try ImageDataset(images: path("t10k-images-idx3-ubyte"), labels: path("t10k-labels-idx1-ubyte"))
        return (train, test)
    }

    /// The images (rounded back to bytes) and labels as the two IDX files of the standard format.
    public func idxFiles() -> (images: IDXFile, labels: IDXFile) {
        let imageBytes = pixels.map { UInt8(max(0, min(255, ($0 * 255).rounded()))) }
        return (IDXFile(dimensions: [count, height, width], bytes: imageBytes), IDXFile(dimensions: [count], bytes: labels.map { UInt8($0) }))
    }

    /// The images at `indices`, in that order.

    public func subset(_ indices: [Int]) -> ImageDataset {
        let plane = height * width
        var p = [Float]()
        p.reserveCapacity(indices.count * plane)
        for i in indices { p += pixels[(i * plane)..<((i + 1) * plane)] }
        var d = ImageDataset(height: height, width: width, pixels: p, labels: indices.map { labels[$0] }, classes: classes)
        d.mean = mean
        d.standardDeviation = standardDeviation
        return d
    }

    /// Splits off `holdout` images chosen by a seeded shuffle (e.g. the 5 000-image search-validation split).
    public func split(holdout: Int, seed: UInt64) -> (remaining: ImageDataset, heldOut: ImageDataset) {
        precondition(holdout >= 0 && holdout <= count, "cannot hold out \(holdout) of \(count) images")
        var random = SeededRandom(seed: seed)
        var order = Array(0..<count)
        order.shuffle(using: &random)
        let held = Array(order[..<holdout]).sorted(), kept = Array(order[holdout...]).sorted()
        return (subset(kept), subset(held))
    }

    /// A normalised `[n, H, W, 1]` (NHWC) batch of the images at `indices` and their labels, augmented when
    /// `augmentation` is given (shift by up to ±padding with zero fill, then an optional mirror).
    public func batch(_ indices: [Int], augmentation: Augmentation? = nil, random: inout SeededRandom) -> (images: Tensor, labels: [Int]) {
        let plane = height * width
        var out = Tensor(shape: [indices.count, height, width, 1])
        let background = (0 - mean) / standardDeviation, inv = 1 / standardDeviation
        out.storage.withUnsafeMutableBufferPointer { o in
            pixels.withUnsafeBufferPointer { src in
                for (b, index) in indices.enumerated() {
                    var dy = 0, dx = 0, flip = false
                    if let a = augmentation {
                        dy = random.nextIndex(2 * a.padding + 1) - a.padding
                        dx = random.nextIndex(2 * a.padding + 1) - a.padding
                        flip = a.horizontalFlip && random.nextIndex(2) == 1
                    }
                    let image = src.baseAddress! + index * plane
                    let target = o.baseAddress! + b * plane
                    for y in 0..<height {
                        let sy = y + dy
                        for x in 0..<width {
                            let sx = (flip ? width - 1 - x : x) + dx
                            target[y * width + x] = sy >= 0 && sy < height && sx >= 0 && sx < width
                                ? (image[sy * width + sx] - mean) * inv : background
                        }
                    }
                }
            }
        }
        return (out, indices.map { labels[$0] })
    }
}
