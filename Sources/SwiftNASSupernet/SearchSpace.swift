import SwiftNASCore
import SwiftNASSpace

extension SupernetPlan {
    /// The search space of this plan in SwiftNAS's format: `ks` and `e` (one gene per block slot) and `d`
    /// (one per stage), the names and value lists of OFA's `ofa_mbv3_d234_e346_k357_w1.0`. For
    /// `fashionMBV3` it is the space registered as `fashion_mbv3`.
    public func searchSpace(name: String = "fashion_mbv3") -> SearchSpace {
        SearchSpace(name: name, parameters: [
            SwiftNASSpace.Parameter(name: "ks", count: blockSlots, values: kernelSizes.map { .int($0) }),
            SwiftNASSpace.Parameter(name: "e", count: blockSlots, values: expandRatios.map { .int($0) }),
            SwiftNASSpace.Parameter(name: "d", count: stages, values: depths.map { .int($0) }),
        ])
    }
}

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
}
