import Foundation
import SwiftNASCore

/// A predictor that can be chosen by name (`--predictor ridge`, `swiftnas predictor evaluate`,
/// `swiftnas latency fit --predictors`).
///
/// Adding a predictor is one conforming type plus its line in the registry's `predictors` list
/// (`PredictorRegistry`); LINAS can use it at once, and a `PersistentPredictor` one can be saved in model files.
public protocol RegisteredPredictor: Predictor {
    /// The name it is chosen by (`ridge`).
    static var name: String { get }
    /// One line for listings and help.
    static var summary: String { get }
    /// The predictor with its default settings; `seed` drives the stochastic ones.
    static func standard(seed: UInt64) -> Self
}

/// The predictors SwiftNAS can fit, by name: every registered single predictor, then two selections among them
/// by cross-validation — `linas` (DyNAS-T's LINAS predictor: ridge against DyNAS-T's SVR by CV MAPE, what
/// LINAS uses by default) and `select` (every registered single predictor, by CV MAPE).
public struct PredictorRegistry: Sendable {
    /// The single predictors, in listing order.
    public var predictors: [any RegisteredPredictor.Type]

    /// A registry of `predictors`.
    public init(_ predictors: [any RegisteredPredictor.Type]) { self.predictors = predictors }

    /// The predictors SwiftNAS ships.
    public static let standard = PredictorRegistry([
        RidgeRegression.self,
        QuadraticRidge.self,
        SupportVectorRegression.self,
        MultilayerPerceptron.self,
        GradientBoostedTrees.self,
        GaussianProcess.self,
    ])

    /// The name that chooses the default predictor (`linas`).
    public static let automatic = "auto"
    /// The name of DyNAS-T's LINAS predictor.
    public static let linas = "linas"
    /// The name of the selection among every registered single predictor.
    public static let selectAll = "select"

    /// Every name `make` accepts, in listing order (`auto` aside).
    public var names: [String] { predictors.map { $0.name } + [Self.linas, Self.selectAll] }

    /// One line per name with its summary (for listings).
    public var listing: [(name: String, summary: String)] {
        predictors.map { ($0.name, $0.summary) } + [
            (Self.linas, "DyNAS-T's LINAS predictor: ridge vs SVR chosen by 5-fold CV MAPE (the default, `auto`)"),
            (Self.selectAll, "every predictor above, the best by 5-fold CV MAPE"),
        ]
    }

    /// Every single predictor with its default settings.
    public func singles(seed: UInt64) -> [any Predictor] { predictors.map { $0.standard(seed: seed) } }

    /// Every predictor `names` lists, in that order (what `swiftnas predictor evaluate` reports).
    public func all(seed: UInt64) -> [any Predictor] {
        singles(seed: seed) + [PredictorSelection.dynast, PredictorSelection(candidates: singles(seed: seed))]
    }

    /// The predictor called `name` (`auto` is `linas`); an `InputError` naming `source` otherwise.
    public func make(_ name: String, seed: UInt64, source: String = "--predictor") throws -> any Predictor {
        switch name {
        case Self.automatic, Self.linas: return PredictorSelection.dynast
        case Self.selectAll: return PredictorSelection(candidates: singles(seed: seed))
        default:
            guard let type = predictors.first(where: { $0.name == name }) else {
                throw InputError(source: source, "unknown predictor '\(name)' (choose from \(([Self.automatic] + names).joined(separator: ", ")))")
            }
            return type.standard(seed: seed)
        }
    }

    /// The single predictors named in `names` (with `-log` appended, the same fitted to log targets), in the
    /// order given; `source` names the option in errors.
    public func singles(named names: [String], seed: UInt64, source: String) throws -> [any Predictor] {
        guard !names.isEmpty else { throw InputError(source: source, "names no predictor") }
        return try names.map { name in
            let logTarget = name.hasSuffix("-log")
            let baseName = logTarget ? String(name.dropLast("-log".count)) : name
            guard let type = predictors.first(where: { $0.name == baseName }) else {
                throw InputError(source: source, "unknown predictor '\(name)' (choose from \(predictors.map { $0.name }.joined(separator: ", ")), each also with -log)")
            }
            let predictor = type.standard(seed: seed)
            return logTarget ? LogTargetPredictor(predictor) : predictor
        }
    }

    /// The kinds a model file can hold: every registered predictor that can be saved, and the log-target
    /// wrapper.
    public var persistentKinds: [any PersistentPredictor.Type] {
        predictors.compactMap { $0 as? any PersistentPredictor.Type } + [LogTargetPredictor.self]
    }
}

extension CodingUserInfoKey {
    /// The `PredictorRegistry` a decoder reads saved predictors with (default: `PredictorRegistry.standard`).
    public static let predictorRegistry = CodingUserInfoKey(rawValue: "swiftnas.predictorRegistry")!
}

extension RidgeRegression: RegisteredPredictor {
    public static let name = "ridge"
    public static let summary = "ridge regression, alpha by 5-fold CV (DyNAS-T's grid)"
    public static func standard(seed: UInt64) -> RidgeRegression { RidgeRegression() }
}

extension QuadraticRidge: RegisteredPredictor {
    public static let name = "quadratic"
    public static let summary = "ridge regression on the standardised features and their pairwise products, alpha by 5-fold CV"
    public static func standard(seed: UInt64) -> QuadraticRidge { QuadraticRidge() }
}

extension SupportVectorRegression: RegisteredPredictor {
    public static let name = "svr"
    public static let summary = "RBF support vector regression, C by 5-fold CV"
    public static func standard(seed: UInt64) -> SupportVectorRegression { SupportVectorRegression() }
}

extension MultilayerPerceptron: RegisteredPredictor {
    public static let name = "mlp"
    public static let summary = "two-layer perceptron (64, 32), Adam, early stopping"
    public static func standard(seed: UInt64) -> MultilayerPerceptron { MultilayerPerceptron(seed: seed) }
}

extension GradientBoostedTrees: RegisteredPredictor {
    public static let name = "gbt"
    public static let summary = "gradient-boosted regression trees (200 of depth 3)"
    public static func standard(seed: UInt64) -> GradientBoostedTrees { GradientBoostedTrees() }
}

extension GaussianProcess: RegisteredPredictor {
    public static let name = "gp"
    public static let summary = "Gaussian process regression, kernel fitted by marginal likelihood"
    public static func standard(seed: UInt64) -> GaussianProcess { GaussianProcess() }
}
