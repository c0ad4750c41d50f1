/// One value a parameter can take: an integer, a real number or a string (DyNAS-T's `vals`).
public enum ParameterValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let v): return v
        }
    }
}

/// A named group of `count` genes sharing one ordered list of allowed values (DyNAS-T's `param_dict` entry).
public struct Parameter: Sendable, Hashable, Codable {
    public var name: String
    public var count: Int
    public var values: [ParameterValue]

    public init(name: String, count: Int, values: [ParameterValue]) {
        self.name = name
        self.count = count
        self.values = values
    }
}

/// An ordered list of parameters: the set of sub-networks a super-network holds.
public struct SearchSpace: Sendable, Hashable, Codable {
    public var name: String
    public var parameters: [Parameter]

    public init(name: String, parameters: [Parameter]) {
        self.name = name
        self.parameters = parameters
    }

    /// Total number of genes (the length of an encoded configuration).
    public var geneCount: Int { parameters.reduce(0) { $0 + $1.count } }
}
