import Foundation
import SwiftNASCore
import SwiftNASEngine
import SwiftNASSupernet

/// Per-layer forward times (ms, wall clock) of the largest `fashion_mbv3` sub-network on a batch of 64,
/// one line per block, to see where an inference pass spends its time.
struct SupernetProfileBench: Benchmark {
    static let name = "engine-supernet-profile"
    init() {}
    func run() -> String {
        var random = SeededRandom(seed: 4)
        let input = Tensor.randomNormal(shape: [64, 28, 28, 1], using: &random)
        let net = ElasticMobileNetV3(plan: .fashionMBV3, seed: 1)
        var sub = net.extract(.largest(.fashionMBV3))
        var x = sub.stem.forward(input, mode: .training)
        var out: [String] = []
        for i in sub.blocks.indices {
            var b = sub.blocks[i]
            var parts: [String] = []
            func t(_ name: String, _ f: () -> Tensor) { let s = DispatchTime.now().uptimeNanoseconds; x = f(); parts.append(String(format: "%@ %.0f", name, Double(DispatchTime.now().uptimeNanoseconds - s) / 1e6)) }
            if b.expand != nil {
                t("exp") { b.expand!.forward(x, mode: .training) }
                t("bn") { b.expandNorm!.forward(x, mode: .training) }
                t("act") { Activation(b.activation).kind.apply(x) }
            }
            t("dw\(b.depthwise.geometry.kernel)") { b.depthwise.forward(x, mode: .training) }
            t("bn") { b.depthwiseNorm.forward(x, mode: .training) }
            if b.squeezeExcitation != nil { t("se") { b.squeezeExcitation!.forward(x, mode: .training) } }
            t("proj") { b.project.forward(x, mode: .training) }
            out.append("b\(i) \(x.shape): " + parts.joined(separator: " "))
        }
        return out.joined(separator: "\n")
    }
}
