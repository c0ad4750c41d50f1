// swift-tools-version: 6.0
// libFuzzer harnesses for every SwiftNAS parser: one executable per parser, built by `run.sh` with
// `-sanitize=fuzzer,address` and `-enable-testing` (harnesses reach a few internal entry points through
// `@testable import`). Each harness's main.swift hands libFuzzer's driver (`LLVMFuzzerRunDriver`, declared by
// FuzzDriver) its per-input closure. Not part of the main package: `swift build` / `swift test` at the top
// never see it.
import PackageDescription

// Each harness and the SwiftNAS modules it reaches (all come through the `SwiftNAS` library product;
// `SwiftNASCommands` through its own product).
let targets: [(name: String, dependencies: [String])] = [
    ("fuzz-space", ["SwiftNASSpace"]),
    ("fuzz-configfile", ["SwiftNASCommands", "SwiftNASSpace"]),
    ("fuzz-configuration", ["SwiftNASSpace"]),
    ("fuzz-csv", ["SwiftNASPredictors", "SwiftNASSpace", "SwiftNASLatency", "SwiftNASCommands"]),
    ("fuzz-reply", ["SwiftNASEvaluation", "SwiftNASSpace"]),
    ("fuzz-checkpoint", ["SwiftNASEngine"]),
    ("fuzz-idx", ["SwiftNASEngine"]),
    ("fuzz-latency-table", ["SwiftNASLatency", "SwiftNASSupernet"]),
    ("fuzz-model", ["SwiftNASPredictors"]),
]

let package = Package(
    name: "SwiftNASFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "SwiftNAS", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .target(name: "FuzzSupport", dependencies: [
            "FuzzDriver", .product(name: "SwiftNAS", package: "SwiftNAS"),
        ]),
    ] + targets.map { target in
        .executableTarget(name: target.name, dependencies: ["FuzzSupport"] + (target.dependencies.contains("SwiftNASCommands")
            ? [.product(name: "SwiftNASCommands", package: "SwiftNAS")] : []))
    },
    swiftLanguageModes: [.v6]
)
