// swift-tools-version: 6.0
import PackageDescription
import Foundation

// SwiftNASEngine's SIMD kernels need AVX2+FMA to lower `addingProduct` to vfmadd on x86-64; they are
// enabled when the building CPU has them (`SWIFTNAS_PORTABLE=1` builds baseline x86-64 code instead).
// The numeric modules are optimised in debug builds too: unoptimised SIMD code is ~100× slower, which
// would make the gradient and training tests take minutes.
let engineSettings: [SwiftSetting] = {
    var settings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    #if arch(x86_64)
    let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
        .first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? []
    if ProcessInfo.processInfo.environment["SWIFTNAS_PORTABLE"] == nil, flags.contains("avx2"), flags.contains("fma") {
        settings.append(.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"]))
    }
    #endif
    return settings
}()

// Modules follow the data: search space → algorithm (ask/tell) → evaluation → store → report.
// SwiftNASCore holds what every stage shares (seeded randomness, input errors, atomic files).
let package = Package(
    name: "SwiftNAS",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swiftnas", targets: ["swiftnas"]),
        .library(name: "SwiftNAS", targets: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms", "SwiftNASProblems",
            "SwiftNASEngine", "SwiftNASSupernet",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .target(name: "SwiftNASCore"),
        .target(name: "SwiftNASSpace", dependencies: ["SwiftNASCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "SwiftNASPareto"),
        .target(name: "SwiftNASEngine", dependencies: ["SwiftNASCore"], swiftSettings: engineSettings),
        .target(name: "SwiftNASSupernet", dependencies: ["SwiftNASCore", "SwiftNASEngine", "SwiftNASSpace"], swiftSettings: engineSettings),
        .target(name: "SwiftNASAlgorithms", dependencies: ["SwiftNASCore", "SwiftNASPareto"]),
        .target(name: "SwiftNASProblems", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASAlgorithms", "SwiftNASPareto"]),
        .target(name: "SwiftNASCommands", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms", "SwiftNASProblems",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "swiftnas", dependencies: ["SwiftNASCommands"]),
        // Timing harness for benchmarks/ scripts, which run the Python peers beside it and print ratios.
        .executableTarget(name: "swiftnas-bench", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms", "SwiftNASProblems",
            "SwiftNASEngine", "SwiftNASSupernet",
        ]),
        .testTarget(name: "SwiftNASCoreTests", dependencies: ["SwiftNASCore"]),
        .testTarget(name: "SwiftNASSpaceTests", dependencies: ["SwiftNASSpace"]),
        .testTarget(name: "SwiftNASParetoTests", dependencies: ["SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASAlgorithmsTests", dependencies: ["SwiftNASAlgorithms", "SwiftNASProblems", "SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASCommandsTests", dependencies: ["SwiftNASCommands"]),
        .testTarget(name: "SwiftNASEngineTests", dependencies: ["SwiftNASEngine"]),
        .testTarget(name: "SwiftNASSupernetTests", dependencies: ["SwiftNASSupernet", "SwiftNASEngine", "SwiftNASCore"]),
    ],
    swiftLanguageModes: [.v6]
)
