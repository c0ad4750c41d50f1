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
}
