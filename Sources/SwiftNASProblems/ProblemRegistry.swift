import SwiftNASAlgorithms
import SwiftNASCore

/// Every built-in test problem, by the name `swiftnas optimize --problem` takes.
public enum ProblemRegistry {
    /// The problem names, in listing order.
    public static var names: [String] { all.map(\.name) }

    /// All built-in problems with their default sizes.
    public static var all: [any Problem] {
        ZDT.Variant.allCases.map { ZDT($0) }
            + DTLZ.Variant.allCases.map { DTLZ($0) }
            + SingleObjectiveFunction.Kind.allCases.map { SingleObjectiveFunction($0) }
            + [BNH()]
    }

    /// The problem called `name`, or an `InputError` naming `source` and listing the choices.
    public static func named(_ name: String, source: String = "--problem") throws -> any Problem {
        let wanted = name.lowercased()
        if let problem = all.first(where: { $0.name == wanted }) { return problem }
        throw InputError(source: source, "unknown problem '\(name)' (choose from \(names.joined(separator: ", ")))")
    }
}

extension Problem {
    /// pymoo's customary hypervolume reference point: 1.1 × the nadir of the known Pareto front (the
    /// per-objective maximum over its samples). Nil without a known front.
    public var hypervolumeReference: [Double]? {
        guard let front = paretoFront(), let first = front.first else { return nil }
        var nadir = first
        for point in front.dropFirst() {
            for i in nadir.indices { nadir[i] = max(nadir[i], point[i]) }
        }
        return nadir.map { 1.1 * $0 }
    }
}
