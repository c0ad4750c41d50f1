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
    /// The sub-network a configuration of the `fashion_mbv3` search space (or any space with numeric `ks`, `e`
    /// and `d` parameters, such as `fashion_mbv3_quant`, whose other genes say how to run it) selects, validated
    /// against `plan`.
    public init(_ configuration: Configuration, in space: SearchSpace, plan: SupernetPlan, source: String) throws {
        guard configuration.indices.count == space.geneCount else {
            throw InputError(source: source, "configuration has \(configuration.indices.count) genes, space '\(space.name)' has \(space.geneCount)")
        }
        var genes: [Int] = []
        for name in ["ks", "e", "d"] {
            guard let p = space.parameterIndex(name) else {
                throw InputError(source: source, field: name, "space '\(space.name)' has no such parameter")
            }
            let parameter = space.parameters[p], offset = space.geneOffsets[p]
            for gene in 0..<parameter.count {
                let index = configuration.indices[offset + gene]
                guard index >= 0, index < parameter.values.count, let number = parameter.values[index].number else {
                    throw InputError(source: source, field: "\(name)[\(gene)]", "not a value of space '\(space.name)'")
                }
                genes.append(Int(number))
            }
        }
        try self.init(genes: genes, plan: plan, source: source)
    }
}
