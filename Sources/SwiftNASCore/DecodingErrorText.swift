import Foundation

extension InputError {
    /// An input error for a JSON file `source` that did not decode: `field` is the JSON path of the value at fault
    /// (`predictor.state.coefficients`, `blocks[3].milliseconds`), the message `what` followed by the decoder's reason.
    public init(source: String, decoding error: Error, _ what: String) {
        self.init(source: source, field: Self.jsonPath(of: error), "\(what) (\(Self.reason(of: error)))")
    }

    /// The JSON path of the value a decoding error is about, or empty.
    public static func jsonPath(of error: Error) -> String {
        let path: [CodingKey]
        switch error {
        case DecodingError.keyNotFound(let key, let context): path = context.codingPath + [key]
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            path = context.codingPath
        default: path = []
        }
        var text = ""
        for key in path {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    /// What a decoding or encoding error says, in a few words.
    public static func reason(of error: Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing '\(key.stringValue)'"
        case DecodingError.typeMismatch(let type, _): return "expected \(type)"
        case DecodingError.valueNotFound(let type, _): return "expected \(type), found null"
        case EncodingError.invalidValue(_, let context): return context.debugDescription
        default: return "\(error)"
        }
    }
}
