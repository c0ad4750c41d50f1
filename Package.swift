// swift-tools-version: 6.0
import PackageDescription

// Modules follow the data: search space → algorithm (ask/tell) → evaluation → store → report.
// SwiftNASCore holds what every stage shares (seeded randomness, input errors, atomic files).
let package = Package(
    name: "SwiftNAS",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swiftnas", targets: ["swiftnas"]),
        .library(name: "SwiftNAS", targets: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms", "SwiftNASProblems",
            "SwiftNASEvaluation", "SwiftNASPredictors",
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
        .target(name: "SwiftNASAlgorithms", dependencies: ["SwiftNASCore", "SwiftNASPareto"]),
        .target(name: "SwiftNASEvaluation", dependencies: ["SwiftNASCore", "SwiftNASSpace"]),
        .target(name: "SwiftNASPredictors", dependencies: ["SwiftNASCore", "SwiftNASSpace"]),
        .target(name: "SwiftNASProblems", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASAlgorithms", "SwiftNASPareto"]),
        .target(name: "SwiftNASCommands", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms", "SwiftNASProblems",
            "SwiftNASEvaluation", "SwiftNASPredictors",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "swiftnas", dependencies: ["SwiftNASCommands"]),
        // Timing harness for benchmarks/ scripts, which run the Python peers beside it and print ratios.
        .executableTarget(name: "swiftnas-bench", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms", "SwiftNASProblems", "SwiftNASPredictors",
        ]),
        .testTarget(name: "SwiftNASCoreTests", dependencies: ["SwiftNASCore"]),
        .testTarget(name: "SwiftNASSpaceTests", dependencies: ["SwiftNASSpace"]),
        .testTarget(name: "SwiftNASParetoTests", dependencies: ["SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASAlgorithmsTests", dependencies: ["SwiftNASAlgorithms", "SwiftNASProblems", "SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASEvaluationTests", dependencies: ["SwiftNASEvaluation"]),
        .testTarget(name: "SwiftNASPredictorsTests", dependencies: ["SwiftNASPredictors", "SwiftNASSpace"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASCommandsTests", dependencies: ["SwiftNASCommands"]),
    ],
    swiftLanguageModes: [.v6]
)
