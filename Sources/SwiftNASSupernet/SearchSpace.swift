import SwiftNASCore
import SwiftNASSpace

extension SubnetConfig {
    /// A configuration from a flat gene list in search-space order (`ks…`, `e…`, `d…`), validated.
    public init(genes: [Int], plan: SupernetPlan, source: String) throws {
        let slots = plan.blockSlots
        guard genes.count == 2 * slots + plan.stages else {
            throw InputError(source: source, "expected \(2 * slots + plan.stages) genes (ks, e, d), got \(genes.count)")
        }
        self.init(kernelSizes: Array(genes[0..<slots]), expandRatios: Array(genes[slots..<(2 * slots)]),
                  depths: Array(genes[(2 * slots)...]))
        _ = try validated(for: plan, source: source)
    }

    /// The flat gene list in search-space order (`ks…`, `e…`, `d…`).
    public var genes: [Int] { kernelSizes + expandRatios + depths }

    /// Compact JSON in the `fashion_mbv3` space's form, e.g. `{"ks":[3,5,…],"e":[…],"d":[…]}`.
    public var json: String {
        func list(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ",") + "]" }
        return "{\"ks\":\(list(kernelSizes)),\"e\":\(list(expandRatios)),\"d\":\(list(depths))}"
    }
}

extension SubnetConfig {
    /// The sub-network a configuration of the `fashion_mbv3` search space (or any space with numeric
    /// `ks`, `e`, `d` genes in that order) selects, validated against `plan`.
    public init(_ configuration: Configuration, in space: SearchSpace, plan: SupernetPlan, source: String) throws {
        var genes: [Int] = []
        var offset = 0
        for parameter in space.parameters {
            for gene in 0..<parameter.count {
                guard offset < configuration.indices.count else {
                    throw InputError(source: source, "configuration has fewer genes than space '\(space.name)'")
                }
                let index = configuration.indices[offset]
                guard index >= 0, index < parameter.values.count, let number = parameter.values[index].number else {
                    throw InputError(source: source, field: "\(parameter.name)[\(gene)]", "not a value of space '\(space.name)'")
                }
                genes.append(Int(number))
                offset += 1
            }
        }
        try self.init(genes: genes, plan: plan, source: source)
    }
}
