import Foundation
import SwiftNASPareto

/// Inputs for the Pareto benchmarks. `benchmarks/pareto.sh` writes the points its Python peer uses to
/// `$SWIFTNAS_BENCH_INPUT_DIR/NAME.txt` (one point per line, values separated by spaces) so both sides
/// time the same set; without that variable the points are generated here from a fixed seed.
enum ParetoInput {
    /// The points for benchmark `name`: read from the input directory when given, else `generate()`.
    static func points(_ name: String, generate: () -> [[Double]]) -> [[Double]] {
        guard let dir = ProcessInfo.processInfo.environment["SWIFTNAS_BENCH_INPUT_DIR"] else { return generate() }
        let path = (dir as NSString).appendingPathComponent(name + ".txt")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            FileHandle.standardError.write(Data("swiftnas-bench: cannot read \(path)\n".utf8))
            exit(2)
        }
        return text.split(separator: "\n").map { line in line.split(separator: " ").compactMap { Double($0) } }
    }

    /// SplitMix64 uniform values in [0, 1).
    struct Uniform {
        var state: UInt64
        mutating func next() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
        }
    }

    /// `n` points uniform in the unit cube.
    static func uniform(_ n: Int, _ m: Int, seed: UInt64) -> [[Double]] {
        var random = Uniform(state: seed)
        return (0..<n).map { _ in (0..<m).map { _ in random.next() } }
    }

    /// `n` points on the unit sphere's positive orthant (|Gaussian| normalised), all mutually non-dominated.
    static func sphere(_ n: Int, _ m: Int, seed: UInt64) -> [[Double]] {
        var random = Uniform(state: seed)
        return (0..<n).map { _ in
            let v = (0..<m).map { _ -> Double in
                let u1 = max(random.next(), 1e-300), u2 = random.next()
                return abs((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
    }

    /// A summary of a ranking both sides compute the same way: number of fronts and Σ rank·(index+1).
    static func rankSummary(_ ranks: [Int]) -> String {
        var checksum = 0
        for (i, r) in ranks.enumerated() { checksum &+= r &* (i + 1) }
        return "fronts=\((ranks.max() ?? -1) + 1) checksum=\(checksum)"
    }
}

/// Exact 3-D hypervolume of 10 000 points on the unit sphere's positive octant, reference (1.1, 1.1, 1.1).
struct HV3DSphere10000: Benchmark {
    static let name = "hv3d-sphere-10000"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.sphere(10_000, 3, seed: 1) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [1.1, 1.1, 1.1]))" }
}

/// Exact 3-D hypervolume of 10 000 uniform random points in the unit cube, reference (1, 1, 1).
struct HV3DUniform10000: Benchmark {
    static let name = "hv3d-uniform-10000"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.uniform(10_000, 3, seed: 2) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [1, 1, 1]))" }
}

/// Exact 4-D hypervolume (sweep along f4) of 300 points on the unit sphere, reference (1.1, …).
struct HV4DSphere300: Benchmark {
    static let name = "hv4d-sphere-300"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.sphere(300, 4, seed: 3) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [1.1, 1.1, 1.1, 1.1]))" }
}

/// Exact 4-D hypervolume of 100 points on the unit sphere, reference (1.1, …): the sweep at a small size, where
/// fixed per-call costs weigh most.
struct HV4DSphere100: Benchmark {
    static let name = "hv4d-sphere-100"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.sphere(100, 4, seed: 9) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [1.1, 1.1, 1.1, 1.1]))" }
}

/// Exact 5-D hypervolume (dimension sweep along f5 over 4-D contributions) of 200 points on the unit sphere,
/// reference (1.1, …).
struct HV5DSphere200: Benchmark {
    static let name = "hv5d-sphere-200"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.sphere(200, 5, seed: 4) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [Double](repeating: 1.1, count: 5)))" }
}

/// Exact 5-D hypervolume of 100 points on the unit sphere, reference (1.1, …): the dimension sweep at a small size.
struct HV5DSphere100: Benchmark {
    static let name = "hv5d-sphere-100"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.sphere(100, 5, seed: 10) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [Double](repeating: 1.1, count: 5)))" }
}

/// Exact 5-D hypervolume of 50 points on the unit sphere, reference (1.1, …): the dimension sweep at a small size.
struct HV5DSphere50: Benchmark {
    static let name = "hv5d-sphere-50"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.sphere(50, 5, seed: 11) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [Double](repeating: 1.1, count: 5)))" }
}

/// Exact 6-D hypervolume (WFG down to the 5-D sweep) of 100 points on the unit sphere, reference (1.1, …).
struct HV6DSphere100: Benchmark {
    static let name = "hv6d-sphere-100"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.sphere(100, 6, seed: 8) }) }
    func run() -> String { "\(Hypervolume.compute(matrix, reference: [Double](repeating: 1.1, count: 6)))" }
}

/// Non-dominated sorting (all ranks) of 10 000 uniform random points in 2 objectives.
struct NDS2D10000: Benchmark {
    static let name = "nds-2d-10000"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.uniform(10_000, 2, seed: 5) }) }
    func run() -> String { ParetoInput.rankSummary(NonDominatedSorting.ranks(matrix)) }
}

/// Non-dominated sorting (all ranks) of 10 000 uniform random points in 3 objectives.
struct NDS3D10000: Benchmark {
    static let name = "nds-3d-10000"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.uniform(10_000, 3, seed: 6) }) }
    func run() -> String { ParetoInput.rankSummary(NonDominatedSorting.ranks(matrix)) }
}

/// Non-dominated sorting (all ranks) of 10 000 uniform random points in 5 objectives (ENS-BS path).
struct NDS5D10000: Benchmark {
    static let name = "nds-5d-10000"
    let matrix: ObjectiveMatrix
    init() { matrix = ObjectiveMatrix(rows: ParetoInput.points(Self.name) { ParetoInput.uniform(10_000, 5, seed: 7) }) }
    func run() -> String { ParetoInput.rankSummary(NonDominatedSorting.ranks(matrix)) }
}

/// The pairwise O(M N²) sort the module used before, on the `nds-3d-10000` input (our own baseline).
struct NDS3D10000Naive: Benchmark {
    static let name = "nds-3d-10000-naive"
    let points: [[Double]]
    init() { points = ParetoInput.points(NDS3D10000.name) { ParetoInput.uniform(10_000, 3, seed: 6) } }
    func run() -> String { ParetoInput.rankSummary(NaiveNDS.ranks(points)) }
}

/// The pairwise O(M N²) sort the module used before, on the `nds-5d-10000` input (our own baseline).
struct NDS5D10000Naive: Benchmark {
    static let name = "nds-5d-10000-naive"
    let points: [[Double]]
    init() { points = ParetoInput.points(NDS5D10000.name) { ParetoInput.uniform(10_000, 5, seed: 7) } }
    func run() -> String { ParetoInput.rankSummary(NaiveNDS.ranks(points)) }
}

/// The module's original pairwise non-dominated sort (Deb's fast non-dominated sort on `[[Double]]`).
enum NaiveNDS {
    static func ranks(_ points: [[Double]]) -> [Int] {
        let n = points.count
        var dominatedBy = [[Int]](repeating: [], count: n)
        var dominationCount = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for j in (i + 1)..<n {
                if NonDominatedSorting.dominates(points[i], points[j]) {
                    dominatedBy[i].append(j); dominationCount[j] += 1
                } else if NonDominatedSorting.dominates(points[j], points[i]) {
                    dominatedBy[j].append(i); dominationCount[i] += 1
                }
            }
        }
        var rank = [Int](repeating: 0, count: n)
        var current = (0..<n).filter { dominationCount[$0] == 0 }
        var r = 0
        while !current.isEmpty {
            var next: [Int] = []
            for i in current {
                rank[i] = r
                for j in dominatedBy[i] {
                    dominationCount[j] -= 1
                    if dominationCount[j] == 0 { next.append(j) }
                }
            }
            current = next
            r += 1
        }
        return rank
    }
}
