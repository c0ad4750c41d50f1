import Foundation

import SwiftNASEngine

EngineMemory.retainFreedBuffers()
let arguments = CommandLine.arguments.dropFirst()
let repeats = arguments.first(where: { $0.hasPrefix("--repeats=") }).flatMap { Int($0.dropFirst(10)) } ?? 5
// `--threads=N` caps every parallel loop at N threads (`Parallel.threadLimit`).
let threads = arguments.first(where: { $0.hasPrefix("--threads=") }).flatMap { Int($0.dropFirst(10)) }
let wanted = arguments.filter { !$0.hasPrefix("--") }
if wanted.isEmpty {
    print("usage: swiftnas-bench [--repeats=N] [--threads=N] NAME...\nbenchmarks: " + benchmarks.map { $0.name }.joined(separator: " "))
    exit(2)
}
for name in wanted {
    var found = false
    for type in benchmarks where type.name == name {
        if let threads, threads > 0 {
            Parallel.$threadLimit.withValue(threads) { measure(type, repeats: repeats) }
        } else {
            measure(type, repeats: repeats)
        }
        found = true
    }
    if !found {
        FileHandle.standardError.write(Data("swiftnas-bench: unknown benchmark '\(name)'\n".utf8))
        exit(2)
    }
}
