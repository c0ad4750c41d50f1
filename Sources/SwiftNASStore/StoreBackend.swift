import SwiftNASCore

/// What a caller wants from a store it opens.
public enum StoreAccess: Sendable, Equatable {
    /// Read an existing store (reports).
    case read
    /// Start a new search: refuse a store that already exists.
    case create
    /// Continue the search the store holds, or start it when the store is new.
    case resume
    /// Replace whatever search the store holds with a new one.
    case overwrite
    /// Evaluate a study's queued work as a worker (`swiftnas worker`): no coordinator lock, and the study may not
    /// exist yet. Only stores with a `workQueue` serve it.
    case work
}

/// A kind of store, opened by URL scheme (`sqlite:///path/results.db`, `postgresql://host/db`).
///
/// Adding a backend is one conforming type plus its line in the registry's `stores` list (`StoreRegistry`).
public protocol StoreBackend: Sendable {
    /// The URL scheme that selects this backend (`sqlite`).
    static var scheme: String { get }
    /// One line for listings and help.
    static var summary: String { get }
    /// Opens the study `study` (nil: the backend's default) of the store at `location` (the URL after
    /// `scheme://`) for `access`. A store that cannot serve that access (absent for `.read`, present for
    /// `.create`, not a SwiftNAS store, searched by another process) is an `InputError` naming it, and is left as
    /// it was. Opening to search (`.create`, `.resume`, `.overwrite`) makes this process the study's only
    /// coordinator until the store is closed or the process ends.
    static func open(_ location: String, study: String?, access: StoreAccess) async throws -> any SearchStore
    /// The studies of the store at `location`, or nil when a store holds one search (a SQLite file).
    static func studies(at location: String) async throws -> [String]?
    /// Whether its stores hand evaluations to workers on other machines (their `workQueue` is not nil).
    static var distributes: Bool { get }
}

extension StoreBackend {
    /// Evaluations stay in the searching process.
    public static var distributes: Bool { false }
}

/// The store backends a search can name, keyed by URL scheme; a location without `scheme://` is a file path
/// for the default backend.
public struct StoreRegistry: Sendable {
    /// Every registered backend.
    public var backends: [any StoreBackend.Type]
    /// The scheme of a bare path.
    public var defaultScheme: String

    /// A registry of `backends`; bare paths go to `defaultScheme`.
    public init(_ backends: [any StoreBackend.Type], defaultScheme: String = SQLiteStore.scheme) {
        self.backends = backends
        self.defaultScheme = defaultScheme
    }

    /// The stores SwiftNAS ships: SQLite files.
    public static let standard = StoreRegistry([SQLiteStore.self])

    /// How a store is named, generated from the registered schemes (for help texts).
    public var syntax: String {
        "a path (\(defaultScheme)) or a URL: " + backends.map { "\($0.scheme)://…" }.joined(separator: ", ")
    }

    /// Splits `url` into its scheme and location (`sqlite:///tmp/a.db` → `sqlite`, `/tmp/a.db`; `a.db` →
    /// the default scheme, `a.db`).
    public func parse(_ url: String) -> (scheme: String, location: String) {
        if let range = url.range(of: "://") {
            let scheme = url[..<range.lowerBound]
            if let first = scheme.first, first.isLetter,
               scheme.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) {
                return (scheme.lowercased(), String(url[range.upperBound...]))
            }
        }
        return (defaultScheme, url)
    }

    /// Opens study `study` (nil: the default) of the store `url` names for `access`; an unknown scheme is an
    /// `InputError` naming `source`.
    public func open(_ url: String, study: String? = nil, access: StoreAccess, source: String = "--store") async throws -> any SearchStore {
        let (backend, location) = try resolve(url, source: source)
        return try await Self.open(backend, location: location, study: study, access: access)
    }

    /// Whether the store `url` names hands evaluations to workers (`swiftnas worker`).
    public func distributes(_ url: String, source: String = "--store") throws -> Bool {
        try resolve(url, source: source).0.distributes
    }

    /// The studies of the store `url` names, or nil when it holds one search.
    public func studies(at url: String, source: String = "--store") async throws -> [String]? {
        let (backend, location) = try resolve(url, source: source)
        return try await Self.studies(backend, location: location)
    }

    private func resolve(_ url: String, source: String) throws -> (any StoreBackend.Type, String) {
        let (scheme, location) = parse(url)
        guard let backend = backends.first(where: { $0.scheme == scheme }) else {
            throw InputError(source: source, field: scheme, "unknown store scheme (choose from \(backends.map { $0.scheme }.joined(separator: ", ")), or give a file path)")
        }
        guard !location.isEmpty else { throw InputError(source: source, "the \(scheme) URL names no store location") }
        return (backend, location)
    }

    /// `url` with any password left out (`postgresql://user:secret@host/db` → `postgresql://user@host/db`), for
    /// messages.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"), let at = url[schemeEnd.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[schemeEnd.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + String(url[at...])
    }

    // The backend's type is opened generically: calling an async requirement on an existential metatype
    // crashes Swift 6.3's SIL generation.
    private static func open<Backend: StoreBackend>(_ backend: Backend.Type, location: String, study: String?, access: StoreAccess) async throws -> any SearchStore {
        try await Backend.open(location, study: study, access: access)
    }

    private static func studies<Backend: StoreBackend>(_ backend: Backend.Type, location: String) async throws -> [String]? {
        try await Backend.studies(at: location)
    }
}
