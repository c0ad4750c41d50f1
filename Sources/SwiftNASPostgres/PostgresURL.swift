import Foundation
import SwiftNASCore

/// A `postgresql://user:password@host:port/database?sslmode=…` store location, parsed. Its `description` leaves
/// the password out, so it can name the store in logs, errors and the store itself.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted, as libpq's `sslmode` says it.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// No TLS (the default, for databases on loopback or a private network).
        case disable
        /// TLS, without checking the server's certificate (libpq's `require`).
        case require
        /// TLS, checking the certificate against the system's trust roots and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    /// Parses the part of the URL after `postgresql://`; an `InputError` naming `source` and the field at fault.
    public init(parsing rest: String, source: String) throws {
        let scheme = "postgresql://"
        guard let components = URLComponents(string: scheme + rest), let host = components.host, !host.isEmpty else {
            throw InputError(source: source, "not a PostgreSQL URL: write postgresql://user:password@host:port/database")
        }
        guard let user = components.user, !user.isEmpty else {
            throw InputError(source: source, field: "user", "name the user: postgresql://user@host/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw InputError(source: source, field: "database", "name one database: postgresql://user@host/database")
        }
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host
        port = components.port ?? 5432
        guard (1...65_535).contains(port) else { throw InputError(source: source, field: "port", "must be between 1 and 65535") }
        self.database = database.removingPercentEncoding ?? database
        tls = .disable
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw InputError(source: source, field: "sslmode", "must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            default:
                throw InputError(source: source, field: item.name, "unknown parameter (the only one is sslmode)")
            }
        }
    }

    /// The URL without its password.
    public var description: String {
        "postgresql://\(user)@\(host):\(port)/\(database)" + (tls == .disable ? "" : "?sslmode=\(tls.rawValue)")
    }
}
