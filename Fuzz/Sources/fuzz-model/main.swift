// Fitted latency/accuracy model files: FittedModel.decode (version 1, refitted and checked, and version 2,
// fitted state checked), then a prediction for one row of the width the model declares.
import Foundation
import FuzzSupport
import SwiftNASPredictors

runFuzzer { input in
    let input = Data(input)
    expectingInputErrors {
        let (model, predictor) = try FittedModel.decode(input, source: "fuzz.model.json")
        let width = FittedModel.featureCount(of: model.features)
        guard width <= 100_000 else { return }
        let rows = Matrix(rowArrays: [[Double](repeating: 0.5, count: width)], columns: width)
        _ = predictor.predict(rows)
    }
}
