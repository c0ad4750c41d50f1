import SwiftNASCosts
import SwiftNASSupernet

extension MobileNetV3Costs.Layout {
    /// SwiftNAS's native elastic MobileNetV3 (`fashion_mbv3`, docs/supernet.md) as its `plan` builds it for
    /// `resolution` × `resolution` inputs: a stride-1 stem, the plan's stage widths and strides, and its head.
    public init(plan: SupernetPlan, resolution: Int = 28) {
        self.init(resolution: resolution, inputChannels: plan.inputChannels, stemStride: 1, stemChannels: plan.stemChannels,
                  stages: (0..<plan.stages).map { stage in
                      (plan.stageWidths[stage], plan.stageStrides[stage], plan.stageSqueezeExcitation[stage],
                       plan.stageActivations[stage] == .hardSwish)
                  },
                  finalExpand: plan.finalExpandChannels, featureMix: plan.featureMixChannels, classes: plan.classes)
    }
}
