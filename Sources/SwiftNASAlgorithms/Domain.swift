/// One decision variable as an algorithm sees it: a closed range, real or integer.
///
/// Integer variables hold whole numbers stored as `Double`; operators work on the relaxed real value and
/// repair by rounding. A categorical gene of a search space is an integer variable over its value indices.
public struct Variable: Sendable, Hashable, Codable {
    public var lower: Double
    public var upper: Double
    public var isInteger: Bool

    public init(lower: Double, upper: Double, isInteger: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.isInteger = isInteger
    }

    /// An integer variable over `0..<count` (the value indices of a categorical gene).
    public static func categorical(_ count: Int) -> Variable {
        Variable(lower: 0, upper: Double(count - 1), isInteger: true)
    }
}

/// What an algorithm must know about the problem it searches, and nothing about how it is evaluated.
public struct SearchDomain: Sendable {
    public var variables: [Variable]
    /// Number of objectives; all are minimised (callers negate maximised ones).
    public var objectiveCount: Int
    /// Number of inequality constraints `g(x) <= 0`.
    public var constraintCount: Int
    /// Maps a gene vector to its canonical form, so that vectors describing the same solution (e.g. differing
    /// only in genes a configuration does not use) compare equal. Identity by default.
    public var canonicalize: @Sendable ([Double]) -> [Double]

    public init(
        variables: [Variable], objectiveCount: Int, constraintCount: Int = 0,
        canonicalize: @escaping @Sendable ([Double]) -> [Double] = { $0 }
    ) {
        self.variables = variables
        self.objectiveCount = objectiveCount
        self.constraintCount = constraintCount
        self.canonicalize = canonicalize
    }

    /// True when every variable is an integer (a discrete search space).
    public var isDiscrete: Bool { variables.allSatisfy(\.isInteger) }
}

/// The outcome of evaluating one candidate: objective values to minimise and constraint values (`<= 0` holds).
public struct Evaluation: Sendable, Hashable, Codable {
    public var objectives: [Double]
    public var constraints: [Double]

    public init(objectives: [Double], constraints: [Double] = []) {
        self.objectives = objectives
        self.constraints = constraints
    }

    /// Total constraint violation: the sum of positive parts of the constraint values (pymoo's CV).
    public var violation: Double {
        constraints.reduce(0) { $0 + max(0, $1) }
    }
}

/// A candidate with its evaluation.
public struct Individual: Sendable, Hashable, Codable {
    public var genes: [Double]
    public var evaluation: Evaluation

    public init(genes: [Double], evaluation: Evaluation) {
        self.genes = genes
        self.evaluation = evaluation
    }

    public var objectives: [Double] { evaluation.objectives }
    public var violation: Double { evaluation.violation }
    public var isFeasible: Bool { evaluation.violation <= 0 }
}

/// A problem that can evaluate its own candidates in-process (test problems, surrogates).
public protocol Problem: Sendable {
    /// A short name (`zdt1`).
    var name: String { get }
    var domain: SearchDomain { get }
    func evaluate(_ genes: [Double]) -> Evaluation
    /// Points on the true Pareto front (for IGD and reference points), when known.
    func paretoFront() -> [[Double]]?
}

extension Problem {
    public func paretoFront() -> [[Double]]? { nil }
}
