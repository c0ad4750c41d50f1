// swift-tools-version: 6.0
import PackageDescription

// Build settings of the numeric modules (tensor kernels, Pareto tools, algorithms, predictors, the search loop).
//
// When this package is the one being built (`swift run swiftnas search`, `swift test` in a clone), they get
//   - `-O` in debug builds too: unoptimised, the search and the tests run 10-100× slower;
//   - on x86-64, `-Xcc -mavx2 -Xcc -mfma`: SwiftNASEngine's SIMD kernels need FMA to lower `addingProduct` to
//     vfmadd (without it every lane is a libm `fmaf` call). This fixes the target at x86-64-v3 (Haswell, Zen and
//     later); it does not look at the building CPU. `SWIFTNAS_PORTABLE=1 swift build` builds baseline x86-64.
// Both need `unsafeFlags`, and SwiftPM refuses a package with unsafe flags when another package names it by
// version (`.package(url:from:)`): "the target '…' in product '…' contains unsafe build flags". Guarding them
// with a package trait does not help: SwiftPM 6.3 refuses unsafe flags under `.when(traits:)` even when the
// dependent disables the trait. So the manifest leaves them out when it is evaluated as someone else's
// dependency, which it recognises by where SwiftPM put it:
//   - "/": the manifest read from the git repository while resolving versions;
//   - ".../checkouts/<name>": `.build/checkouts` (or `--scratch-path`'s), Xcode's `SourcePackages/checkouts`;
//   - ".../registry/downloads/...": a package-registry download.
// A dependent then builds plain, portable code and opts in to the fast kernels on its own command line
// (docs/engine.md § Using SwiftNAS as a dependency):
//   swift build -c release -Xswiftc -Xcc -Xswiftc -mavx2 -Xswiftc -Xcc -Xswiftc -mfma
let packageDirectory = Context.packageDirectory
let isDependency = packageDirectory == "/"
    || packageDirectory.split(separator: "/").dropLast().last == "checkouts"
    || packageDirectory.contains("/registry/downloads/")
let numericSettings: [SwiftSetting] = {
    guard !isDependency else { return [] }
    var settings: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
    #if arch(x86_64)
    if Context.environment["SWIFTNAS_PORTABLE"] == nil {
        settings.append(.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"]))
    }
    #endif
    return settings
}()

// The int8 kernels (C) are optimised in debug builds too, for the same reason (at -O0 an int8 network ran 3-4×
// slower than fp32 in `swift run swiftnas search`); their CPU features are chosen per function, so no -m flags.
let cKernelSettings: [CSetting] = isDependency ? [] : [.unsafeFlags(["-O2"], .when(configuration: .debug))]

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
    "SwiftNASEngine",
    "SwiftNASSupernet",
    "SwiftNASLatency",
    "SwiftNASFashion",
    "SwiftNASBuiltins",
    "SwiftNASDashboard",
    "SwiftNASPostgres",
]

let package = Package(
    name: "SwiftNAS",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "swiftnas", targets: ["swiftnas"]),
        .library(name: "SwiftNAS", targets: libraries),
        // The command-line module as a library, for the parser fuzzers in Fuzz/ (they reach ConfigFile and the report's CSV reading).
        .library(name: "SwiftNASCommands", targets: ["SwiftNASCommands"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.20.0"),
    ],
    targets: [
        .target(name: "SwiftNASCore"),
        .target(name: "SwiftNASSpace", dependencies: ["SwiftNASCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "SwiftNASPareto", dependencies: ["SwiftNASCore"], swiftSettings: numericSettings),
        // The int8 kernels: C with intrinsics (VNNI / AVX2 per function, chosen at run time), no package-wide flags.
        .target(name: "CSwiftNASInt8", cSettings: cKernelSettings),
        .target(name: "SwiftNASEngine", dependencies: ["SwiftNASCore", "CSwiftNASInt8"], swiftSettings: numericSettings),
        .target(name: "SwiftNASSupernet", dependencies: ["SwiftNASCore", "SwiftNASEngine", "SwiftNASSpace", "SwiftNASEvaluation"], swiftSettings: numericSettings),
        .target(name: "SwiftNASAlgorithms", dependencies: ["SwiftNASCore", "SwiftNASPareto"], swiftSettings: numericSettings),
        .target(name: "SwiftNASProblems", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASAlgorithms", "SwiftNASPareto"], swiftSettings: numericSettings),
        .target(name: "SwiftNASEvaluation", dependencies: ["SwiftNASCore", "SwiftNASSpace"]),
        .target(name: "SwiftNASPredictors", dependencies: ["SwiftNASCore", "SwiftNASSpace"], swiftSettings: numericSettings),
        .target(name: "SwiftNASCosts", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASEvaluation"]),
        .target(name: "SwiftNASStore", dependencies: ["SwiftNASCore", "SwiftNASPareto", .product(name: "GRDB", package: "GRDB.swift")]),
        // The library entry point: `SearchSession` runs a search from a `Registry` of extensions.
        .target(name: "SwiftNASSearch", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASAlgorithms",
            "SwiftNASEvaluation", "SwiftNASStore", "SwiftNASPredictors",
        ], swiftSettings: numericSettings),
        .target(name: "SwiftNASLatency", dependencies: ["SwiftNASCore", "SwiftNASSpace", "SwiftNASEvaluation", "SwiftNASPredictors", "SwiftNASEngine", "SwiftNASSupernet"]),
        // The native fashion_mbv3 super-network as a built-in evaluator, with its embedded checkpoint and data.
        .target(name: "SwiftNASFashion", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASEvaluation", "SwiftNASEngine", "SwiftNASSupernet", "SwiftNASCosts",
        ], resources: [.copy("Resources")], swiftSettings: numericSettings),
        // Stores on a PostgreSQL server: many studies per database, one coordinator per study.
        .target(name: "SwiftNASPostgres", dependencies: [
            "SwiftNASCore", "SwiftNASStore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // `Registry.standard`: every super-network, evaluator, algorithm, tactic, predictor and store SwiftNAS ships.
        .target(name: "SwiftNASBuiltins", dependencies: [
            "SwiftNASSearch", "SwiftNASEvaluation", "SwiftNASCosts", "SwiftNASLatency", "SwiftNASFashion", "SwiftNASStore", "SwiftNASPostgres",
        ]),
        .target(name: "SwiftNASReport", dependencies: ["SwiftNASPareto", "SwiftNASStore"]),
        // The live dashboard: pages, JSON API and server-rendered SVG over any registered store (Hummingbird).
        .target(name: "SwiftNASDashboard", dependencies: [
            "SwiftNASCore", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASStore", "SwiftNASReport", "SwiftNASSearch",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "SwiftNASCommands", dependencies: libraries.map { .byName(name: $0) } + [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "swiftnas", dependencies: ["SwiftNASCommands"]),
        // Timing harness for benchmarks/ scripts, which run the Python peers beside it and print ratios.
        .executableTarget(name: "swiftnas-bench", dependencies: libraries.map { .byName(name: $0) }),
        .testTarget(name: "SwiftNASCoreTests", dependencies: ["SwiftNASCore"]),
        .testTarget(name: "SwiftNASSpaceTests", dependencies: ["SwiftNASSpace"]),
        .testTarget(name: "SwiftNASParetoTests", dependencies: ["SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASAlgorithmsTests", dependencies: ["SwiftNASAlgorithms", "SwiftNASProblems", "SwiftNASPareto"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASEvaluationTests", dependencies: ["SwiftNASEvaluation"]),
        .testTarget(name: "SwiftNASCostsTests", dependencies: ["SwiftNASCosts", "SwiftNASBuiltins", "SwiftNASSearch", "SwiftNASSupernet", "SwiftNASFashion"]),
        .testTarget(name: "SwiftNASPredictorsTests", dependencies: ["SwiftNASPredictors", "SwiftNASSpace"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASStoreTests", dependencies: ["SwiftNASStore"]),
        .testTarget(name: "SwiftNASSearchTests", dependencies: ["SwiftNASSearch", "SwiftNASPareto"]),
        // Living documentation of docs/extending.md: a toy super-network, predictor and store, each one type
        // and one registration line, searched through the library API.
        .testTarget(name: "SwiftNASExtensionTests", dependencies: ["SwiftNASSearch", "SwiftNASBuiltins"]),
        .testTarget(name: "SwiftNASPostgresTests", dependencies: [
            "SwiftNASPostgres", "SwiftNASStore", "SwiftNASSearch", "SwiftNASSpace", "SwiftNASPareto", "SwiftNASDashboard", "SwiftNASCore", "SwiftNASEvaluation",
        ]),
        .testTarget(name: "SwiftNASDashboardTests", dependencies: ["SwiftNASDashboard", "SwiftNASSearch", "SwiftNASStore", "SwiftNASSpace", "SwiftNASPareto"]),
        .testTarget(name: "SwiftNASReportTests", dependencies: ["SwiftNASReport"]),
        .testTarget(name: "SwiftNASEngineTests", dependencies: ["SwiftNASEngine", "CSwiftNASInt8"]),
        .testTarget(name: "SwiftNASSupernetTests", dependencies: ["SwiftNASSupernet", "SwiftNASEngine", "SwiftNASCore", "SwiftNASSpace"]),
        .testTarget(name: "SwiftNASLatencyTests", dependencies: ["SwiftNASLatency", "SwiftNASPredictors", "SwiftNASSpace", "SwiftNASCore", "SwiftNASSupernet", "SwiftNASFashion"], resources: [.copy("Reference")]),
        .testTarget(name: "SwiftNASCommandsTests", dependencies: ["SwiftNASCommands", "SwiftNASCore", "SwiftNASPredictors", "SwiftNASStore", "SwiftNASSearch", "SwiftNASPareto"]),
        .testTarget(name: "SwiftNASFashionTests", dependencies: ["SwiftNASFashion", "SwiftNASSupernet", "SwiftNASEngine", "SwiftNASSpace", "SwiftNASEvaluation", "SwiftNASCore"]),
    ],
    swiftLanguageModes: [.v6]
)
