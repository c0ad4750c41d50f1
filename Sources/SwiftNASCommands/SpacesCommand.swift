import ArgumentParser
import Foundation
import SwiftNASBuiltins
import SwiftNASCore
import SwiftNASEvaluation
import SwiftNASSearch
import SwiftNASSpace
import SwiftNASSupernet

/// `swiftnas spaces`: lists the registered super-networks with their spaces and what each offers, validates a
/// space file, or lists everything the registry holds.
struct SpacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spaces",
        abstract: "List the registered super-networks and what each offers, validate a space file (--check FILE), or list every registered extension (--all).")

    @Option(name: .customLong("check"), help: "A space file (JSON or YAML) to validate; prints its size.")
    var checkPath: String?
    @Flag(help: "List every registered super-network, tactic, algorithm, predictor, evaluator and store with its summary.")
    var all = false

    func run() async throws {
        if let checkPath {
            let space = try SpaceFile.load(checkPath)
            print("\(checkPath): ok — space '\(space.name)', \(space.parameters.count) parameters, \(space.geneCount) genes, \(space.sizeDescription) sub-networks")
            return
        }
        let registry = Registry.standard
        if all {
            print(registry.listingText)
            return
        }
        let rows = try registry.supernetworks.all.map { supernetwork -> [String] in
            let space = supernetwork.space
            return [space.name, String(space.geneCount), space.sizeDescription, try Self.offers(supernetwork).joined(separator: ","),
                    space.parameters.map { "\($0.name)×\($0.count)" }.joined(separator: " ")]
        }
        let headers = ["name", "genes", "sub-networks", "offers", "parameters"]
        let widths = headers.indices.dropLast().map { column in max(headers[column].count, rows.map { $0[column].count }.max() ?? 0) }
        for row in [headers] + rows {
            print(row.enumerated().map { column, cell in
                column == 0 || column == 3 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : column < widths.count ? cell.leftPadded(widths[column]) : cell
            }.joined(separator: "  "))
        }
        print("offers: counts = exact macs/params/model_size (builtin:counts); eval:NAME = default evaluator; train = `swiftnas supernet`; lut = `swiftnas latency lut`")
    }

    /// What `supernetwork` offers beyond its space.
    static func offers(_ supernetwork: any Supernetwork) throws -> [String] {
        var offers: [String] = []
        if try supernetwork.costModel() != nil { offers.append("counts") }
        if supernetwork.defaultEvaluator != SearchSession.fallbackEvaluator { offers.append("eval:" + supernetwork.defaultEvaluator.replacingOccurrences(of: "builtin:", with: "")) }
        if supernetwork is any TrainableSupernetwork { offers.append("train") }
        if supernetwork is any ElasticSupernetwork { offers.append("lut") }
        return offers
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
