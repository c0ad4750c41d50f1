// swift-tools-version: 6.0
import PackageDescription

// Modules follow the data: search space → algorithm (ask/tell) → evaluation → store → report.
// SwiftNASCore holds what every stage shares (seeded randomness, input errors, atomic files).
// One entry per line, so branches that add modules merge without conflicts.
let libraries: [String] = [
    "SwiftNASCore",
    "SwiftNASSpace",
    "SwiftNASPareto",
    "SwiftNASAlgorithms",
    "SwiftNASProblems",
    "SwiftNASEvaluation",
    "SwiftNASCosts",
    "SwiftNASPredictors",
    "SwiftNASStore",
    "SwiftNASSearch",
    "SwiftNASReport",
    "SwiftNASLatency",
]

let package = Package(
    name: "SwiftNAS",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swiftnas", targets: ["swiftnas"]),
        .library(name: "SwiftNAS", targets: libraries),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        .target(name: "SwiftNASCore"),
        .target(name: "SwiftNASSpace", dependencies: ["SwiftNASCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "SwiftNASPareto"),
        .target(name: "SwiftNASAlgorithms", dependencies: ["SwiftNASCore", "SwiftNASPareto"]),
        .target(name: "SwiftNASProblems", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASAlgorithms", "SwiftNASPareto"]),
        .target(name: "SwiftNASEvaluation", dependencies: ["SwiftNASCore", "SwiftNASSpace"]),
        .target(name: "SwiftNASPredictors", dependencies: ["SwiftNASCore", "SwiftNASSpace"]),
        .target(name: "SwiftNASCosts", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASEvaluation"]),
        .target(name: "SwiftNASStore", dependencies: ["SwiftNASCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "SwiftNASSearch", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms", "SwiftNASProblems",
            "SwiftNASEvaluation", "SwiftNASStore", "SwiftNASPredictors",
        ]),
        .target(name: "SwiftNASLatency", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASEvaluation", "SwiftNASPredictors"]),
        .target(name: "SwiftNASReport", dependencies: ["SwiftNASPareto", "SwiftNASStore", "SwiftNASSearch"]),
        .target(name: "SwiftNASCommands", dependencies: libraries.map { .byName(name: $0) } + [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "swiftnas", dependencies: ["SwiftNASCommands"]),
        // Timing harness for benchmarks/ scripts, which run the Python peers beside it and print ratios.
        .executableTarget(name: "swiftnas-bench", dependencies: libraries.map { .byName(name: $0) }),
        .testTarget(name: "SwiftNASCoreTests", dependencies: ["SwiftNASCore"]),
        .testTarget(name: "SwiftNASSpaceTests", dependencies: ["SwiftNASSpace"]),
        .testTarget(name: "SwiftNASParetoTests", dependencies: ["SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASAlgorithmsTests", dependencies: ["SwiftNASAlgorithms", "SwiftNASProblems", "SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASEvaluationTests", dependencies: ["SwiftNASEvaluation"]),
        .testTarget(name: "SwiftNASCostsTests", dependencies: ["SwiftNASCosts", "SwiftNASCommands"]),
        .testTarget(name: "SwiftNASPredictorsTests", dependencies: ["SwiftNASPredictors", "SwiftNASSpace"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASStoreTests", dependencies: ["SwiftNASStore"]),
        .testTarget(name: "SwiftNASSearchTests", dependencies: ["SwiftNASSearch", "SwiftNASPareto"]),
        .testTarget(name: "SwiftNASReportTests", dependencies: ["SwiftNASReport"]),
        .testTarget(name: "SwiftNASLatencyTests", dependencies: ["SwiftNASLatency", "SwiftNASPredictors", "SwiftNASSpace", "SwiftNASCore"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASCommandsTests", dependencies: ["SwiftNASCommands"]),
    ],
    swiftLanguageModes: [.v6]
)
