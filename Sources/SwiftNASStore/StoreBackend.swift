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
}

/// A kind of store, opened by URL scheme (`sqlite:///path/results.db`, `postgresql://host/db`).
///
/// Adding a backend is one conforming type plus its line in the registry's `stores` list (`StoreRegistry`).
public protocol StoreBackend: Sendable {
    /// The URL scheme that selects this backend (`sqlite`).
    static var scheme: String { get }
    /// One line for listings and help.
    static var summary: String { get }
    /// Opens the store at `location` (the URL after `scheme://`) for `access`. A store that cannot serve that
    /// access (absent for `.read`, present for `.create`, not a SwiftNAS store) is an `InputError` naming it,
    /// and is left as it was.
    static func open(_ location: String, access: StoreAccess) async throws -> any SearchStore
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

    /// Opens the store `url` names for `access`; an unknown scheme is an `InputError` naming `source`.
    public func open(_ url: String, access: StoreAccess, source: String = "--store") async throws -> any SearchStore {
        let (scheme, location) = parse(url)
        guard let backend = backends.first(where: { $0.scheme == scheme }) else {
            throw InputError(source: source, field: scheme, "unknown store scheme (choose from \(backends.map { $0.scheme }.joined(separator: ", ")), or give a file path)")
        }
        guard !location.isEmpty else { throw InputError(source: source, "'\(url)' names no store location") }
        return try await Self.open(backend, location: location, access: access)
    }

    /// `backend.open` with the backend's type opened (calling an async requirement on an existential metatype
    /// crashes Swift 6.3's SIL generation).
    private static func open<Backend: StoreBackend>(_ backend: Backend.Type, location: String, access: StoreAccess) async throws -> any SearchStore {
        try await Backend.open(location, access: access)
    }
}
