import Foundation
import FuzzDriver
import SwiftNASCore
import SwiftNASSpace
import SwiftNASEvaluation

/// What a harness does with one input: run `body`, which may throw only the documented input errors.
/// Any other error, and any trap inside `body`, is a finding (libFuzzer saves the input).
public func expectingInputErrors(_ body: () throws -> Void) {
    do {
        try body()
    } catch is InputError {
    } catch is LiteralSyntaxError {
    } catch is EvaluationFailure {
    } catch {
        fatalError("undocumented error \(type(of: error)): \(error)")
    }
}

/// Fails the run (a finding) when `condition` is false.
public func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("invariant broken: \(message())") }
}

nonisolated(unsafe) private var harness: ([UInt8]) -> Void = { _ in }

/// Runs libFuzzer (with this process's command-line arguments) on `body`, called once per input.
public func runFuzzer(_ body: @escaping ([UInt8]) -> Void) -> Never {
    harness = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        harness(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
    exit(status)
}

/// The input as text, as `InputFile.text` would hand it over: only valid UTF-8 reaches the parsers.
public func text(_ bytes: [UInt8]) -> String? {
    String(validating: bytes, as: UTF8.self)
}
