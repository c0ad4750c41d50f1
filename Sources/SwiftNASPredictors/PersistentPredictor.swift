/// A predictor whose fitted state can be written to a model file and read back without refitting: the loaded
/// value predicts bit-for-bit what the fitted one did.
///
/// A conforming type encodes its fitted state (and the hyper-parameters it was fitted with, pinned) under its own
/// `kind` name, and is registered once in `PredictorRegistry`; nothing else needs to know it. Its decoder only reads
/// values; `checkFittedState(featureCount:)` then checks that they fit together, so a corrupted file is refused
/// with the field at fault instead of crashing on the first prediction.
public protocol PersistentPredictor: Predictor, Codable {
    /// The name model files store this kind under (`ridge`, `gbt`, ...), unique among `PredictorRegistry.persistentKinds`.
    static var kind: String { get }
    /// Throws `FittedStateError` when the decoded state is inconsistent (arrays of different lengths, a tree
    /// pointing outside itself, a non-finite weight) or does not read rows of `featureCount` features.
    func checkFittedState(featureCount: Int) throws
}

/// What is wrong with a decoded fitted state: `field` is the path inside the predictor's state
/// (`coefficients`, `ensemble[3].feature`), `message` what is wrong with it.
public struct FittedStateError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }

    /// The same error with its field inside `prefix` (`base.state`).
    func nested(in prefix: String) -> FittedStateError { FittedStateError(field: prefix + "." + field, message) }

    /// Checks that every value is finite.
    static func requireFinite(_ values: [Double], field: String) throws {
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw FittedStateError(field: "\(field)[\(bad)]", "is not a finite number")
        }
    }

    /// Checks `count` against what it should be.
    static func requireCount(_ count: Int, _ expected: Int, field: String) throws {
        guard count == expected else { throw FittedStateError(field: field, "holds \(count) values, expected \(expected)") }
    }
}

/// A fitted predictor of any registered kind as JSON: `{"kind": "ridge", "state": {...}}`.
public struct SavedPredictor: Codable, Sendable {
    /// The fitted predictor.
    public var predictor: any PersistentPredictor

    public init(_ predictor: any PersistentPredictor) { self.predictor = predictor }

    private enum CodingKeys: String, CodingKey { case kind, state }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        let kinds = (decoder.userInfo[.predictorRegistry] as? PredictorRegistry ?? .standard).persistentKinds
        guard let type = kinds.first(where: { $0.kind == kind }) else {
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown predictor kind '\(kind)' (this SwiftNAS knows \(kinds.map { $0.kind }.joined(separator: ", ")))")
        }
        predictor = try type.init(from: container.superDecoder(forKey: .state))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type(of: predictor).kind, forKey: .kind)
        try predictor.encode(to: container.superEncoder(forKey: .state))
    }

    /// The fitted predictor to save for `fitted`: itself when persistent, the chosen candidate of a
    /// `PredictorSelection`; nil when that is not a persistent kind.
    public static func persistent(_ fitted: any Predictor) -> (any PersistentPredictor)? {
        if let selection = fitted as? PredictorSelection { return selection.selected.flatMap(persistent) }
        return fitted as? any PersistentPredictor
    }

    /// The kind's consistency check, with fields named from this value (`state.coefficients`).
    public func check(featureCount: Int) throws {
        do { try predictor.checkFittedState(featureCount: featureCount) } catch let error as FittedStateError {
            throw error.nested(in: "state")
        }
    }
}

extension Matrix: Codable {
    private enum CodingKeys: String, CodingKey { case rows, columns, storage }

    /// A matrix as `{"rows": r, "columns": c, "storage": [row-major values]}`; inconsistent sizes are a decoding error.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try container.decode(Int.self, forKey: .rows)
        let columns = try container.decode(Int.self, forKey: .columns)
        let storage = try container.decode([Double].self, forKey: .storage)
        let size = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !size.overflow, storage.count == size.partialValue else {
            throw DecodingError.dataCorruptedError(forKey: .storage, in: container,
                                                   debugDescription: "holds \(storage.count) values for \(rows) × \(columns)")
        }
        self.init(rows: rows, columns: columns, storage: storage)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rows, forKey: .rows)
        try container.encode(columns, forKey: .columns)
        try container.encode(storage, forKey: .storage)
    }
}
