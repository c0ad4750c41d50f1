// Latency lookup tables: BlockLatencyTable.decode (JSON, then the completeness checks), then a prediction
// for the largest configuration the table describes.
import Foundation
import FuzzSupport
import SwiftNASLatency
import SwiftNASSupernet

runFuzzer { input in
    let input = Data(input)
    expectingInputErrors {
        let (table, lookup) = try BlockLatencyTable.decode(input, source: "fuzz.lut.json")
        guard table.stages * table.maxDepth <= 10_000 else { return }
        let slots = table.stages * table.maxDepth
        let config = SubnetConfig(kernelSizes: Array(repeating: table.kernelSizes[0], count: slots),
                                  expandRatios: Array(repeating: table.expandRatios.last!, count: slots),
                                  depths: Array(repeating: table.maxDepth, count: table.stages))
        try table.check(config, source: "fuzz config")
        _ = table.predict(config, lookup: lookup)
    }
}
