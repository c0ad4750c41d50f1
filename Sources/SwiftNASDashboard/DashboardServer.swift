import Hummingbird
import Logging
import NIOCore

/// Serves a `DashboardSite` over HTTP (Hummingbird): read-only GET routes on one host and port, until the process
/// is interrupted (SIGINT/SIGTERM end it gracefully).
public struct DashboardServer: Sendable {
    public var site: DashboardSite
    /// The address to bind: 127.0.0.1 unless the user asks for another.
    public var host: String
    /// The port; 0 picks a free one (reported to `onListening`).
    public var port: Int

    public init(site: DashboardSite, host: String = "127.0.0.1", port: Int = 8080) {
        self.site = site
        self.host = host
        self.port = port
    }

    /// Runs the server; `onListening` hears its URL once it accepts connections.
    public func run(onListening: @escaping @Sendable (String) async -> Void = { _ in }) async throws {
        let site = self.site, host = self.host, port = self.port
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            let answer = await site.respond(path: request.uri.path, query: query)
            var headers = HTTPFields()
            headers[.contentType] = answer.contentType
            headers[.cacheControl] = "no-store"
            return Response(status: .init(code: answer.status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
        }
        router.get("/", use: handler)
        router.get("**", use: handler)
        var logger = Logger(label: "swiftnas.dashboard")
        logger.logLevel = .warning
        let application = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "SwiftNAS"),
            onServerRunning: { channel in await onListening("http://\(host):\(channel.localAddress?.port ?? port)") },
            logger: logger)
        try await application.runService()
    }
}
