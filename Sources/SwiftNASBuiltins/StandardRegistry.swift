import SwiftNASCosts
import SwiftNASEvaluation
import SwiftNASFashion
import SwiftNASLatency
import SwiftNASPostgres
import SwiftNASSearch
import SwiftNASStore

extension Registry {
    /// Everything SwiftNAS ships, in listing order: DyNAS-T's super-networks and SwiftNAS's native one, every
    /// built-in evaluator, and the algorithms, tactics, predictors and stores of the modules below. One line
    /// per extension.
    public static let standard = Registry(
        supernetworks: [
            OFAMobileNetV3(widthMultiplier: 1.0),
            OFAMobileNetV3(widthMultiplier: 1.2),
            OFAProxylessNAS(),
            OFAResNet50(quantized: false),
            HATTransformerLT(),
            BertSST2(quantized: false),
            ViTBase(),
            OFAResNet50(quantized: true),
            BertSST2(quantized: true),
            FashionMBV3Supernetwork(),
            FashionMBV3QuantSupernetwork(),
            NASBench201(),
        ],
        evaluators: [
            CountsEvaluator.self,
            FittedModelEvaluator.self,
            LatencyTableEvaluator.self,
            FashionMBV3Evaluator.self,
            TableEvaluator.self,
        ],
        stores: StoreRegistry([
            SQLiteStore.self,
            PostgresStore.self,
        ]))
}
