import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import WarmlineStore

/// Where and how the dashboard listens.
public struct DashboardSettings: Sendable, Equatable {
    /// Address to bind; loopback by default (only this machine).
    public var host = "127.0.0.1"
    /// TCP port; 0 picks a free one (tests).
    public var port = 8080
    /// Required from every client (Bearer header, cookie, or `?token=` once) when set; must be set off loopback.
    public var token: String?
    /// Shown in the header.
    public var unitName = ProcessInfo.processInfo.hostName
    /// The zone of "today" and of the times shown.
    public var timeZone = TimeZone.current
    /// How often the live stream looks for changes.
    public var livePollMs = 1_000
    /// A live stream is closed after this long (the browser reconnects at once).
    public var liveMaxMs = 600_000
    /// Serve `/metrics` alone (what `warmline run` adds to its service group for the fleet's Prometheus).
    public var metricsOnly = false

    /// The defaults: 127.0.0.1:8080, no token.
    public init() {}

    /// Refuses a bind off loopback without a token, and a token too short to stand guessing.
    public func check() throws(DashboardSetupError) {
        if let token, token.count < 16 { throw .tokenTooShort(token.count) }
        if token == nil && !Self.isLoopback(host) { throw .tokenRequired(host: host) }
    }

    /// True for 127.0.0.0/8, `localhost` and `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// Why the dashboard will not start, in words a technician can act on.
public enum DashboardSetupError: Error, Equatable, CustomStringConvertible {
    /// Bound off loopback with no token.
    case tokenRequired(host: String)
    /// The token is shorter than 16 characters.
    case tokenTooShort(Int)
    /// The token file cannot be read or is empty.
    case tokenFile(path: String, reason: String)

    /// The message printed for the technician.
    public var description: String {
        switch self {
        case .tokenRequired(let host):
            "refusing to serve on \(host) without a token: anyone on that network could read callers' numbers; "
                + "give --token-file FILE (16+ characters), or bind 127.0.0.1 and use an SSH tunnel"
        case .tokenTooShort(let count): "the token has \(count) characters; use at least 16 (e.g. `openssl rand -hex 16`)"
        case .tokenFile(let path, let reason): "--token-file \(path): \(reason)"
        }
    }

    /// Reads a token file: one line, surrounding whitespace dropped.
    public static func readToken(path: String) throws(DashboardSetupError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .tokenFile(path: path, reason: "cannot read it (missing or not readable by this user)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: { $0.isNewline || $0.isWhitespace }) else {
            throw .tokenFile(path: path, reason: "the file must hold one token on one line")
        }
        return token
    }
}

/// The read-only dashboard and `/metrics` over HTTP (Hummingbird): pages rendered on the server, live through
/// server-sent events, a token checked on every request when one is set. As a `Service` it runs until its group
/// shuts down (with `metricsOnly`, the running unit's `/metrics`).
public struct DashboardServer: Service {
    /// Where it listens.
    public let settings: DashboardSettings
    /// The pages.
    public let pages: DashboardPages
    /// `/metrics`.
    public let metrics: MetricsExporter
    /// The running unit's state (its control socket), or "service not running".
    public let unit: any LinesNowSource
    /// Where requests that fail are logged.
    public let logger: Logger

    /// Makes a server over `store`; throws when the settings are refused (`DashboardSettings.check`).
    public init(store: StoreDatabase, settings: DashboardSettings, unit: any LinesNowSource = ServiceNotRunning(),
                logger: Logger = Logger(label: "warmline.web")) throws(DashboardSetupError) {
        try settings.check()
        self.settings = settings
        self.pages = DashboardPages(data: DashboardData(store: store, timeZone: settings.timeZone), unitName: settings.unitName)
        self.metrics = MetricsExporter(store: store)
        self.unit = unit
        self.logger = logger
    }

    /// The Hummingbird application; `onRunning` gets the bound port once it listens.
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let server = self
        return Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await server.respond(to: request) },
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "warmline"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM (`warmline serve`).
    public func serve(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onRunning: onRunning).runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// Serves until the service group shuts down gracefully or the task is cancelled.
    public func run() async throws {
        try await application().run()
    }

    // MARK: - Requests

    /// Answers one request (no throw: every failure is a page).
    func respond(to request: Request) async -> Response {
        let path = request.uri.path.removingPercentEncoding ?? request.uri.path
        let query = Self.query(request.uri.query)
        guard request.method == .get || request.method == .head else {
            var response = page(.methodNotAllowed, pages.message("Read-only", "This dashboard only shows; it changes nothing.", nowMs: Self.nowMs()))
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        if let token = settings.token {
            if let given = query["token"] {
                guard Self.sameToken(given, token) else { return unauthorized() }
                // the token leaves the address bar: a cookie carries it from here on
                var response = Response(status: .seeOther, headers: Self.securityHeaders)
                let rest = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("token=") }.joined(separator: "&")
                response.headers[.location] = rest.isEmpty ? path : path + "?" + rest
                response.headers[.setCookie] = "warmline_token=\(token); Path=/; HttpOnly; SameSite=Strict"
                return response
            }
            guard authorized(request, token: token) else { return unauthorized() }
        }
        let nowMs = Self.nowMs()
        if settings.metricsOnly && path != "/metrics" {
            return page(.notFound, pages.message("Not found", "This port serves /metrics only; the dashboard is `warmline serve`.", nowMs: nowMs))
        }
        do {
            switch path {
            case "/", "/index.html":
                return page(.ok, try pages.overview(nowMs: nowMs, unit: await unit.snapshot()))
            case "/calls", "/calls/":
                var filter = DashboardData.CallsQuery()
                filter.day = query["day"].flatMap { $0.isEmpty ? nil : $0 }
                filter.outcome = query["outcome"].flatMap { $0.isEmpty ? nil : $0 }
                filter.distressOnly = query["distress"].map { $0 == "1" || $0 == "on" || $0 == "true" } ?? false
                filter.caller = query["caller"].flatMap { $0.isEmpty ? nil : $0 }
                return page(.ok, try pages.calls(filter, nowMs: nowMs))
            case "/callbacks":
                return page(.ok, try pages.callbacks(nowMs: nowMs))
            case "/passes", "/outbox":
                return page(.ok, try pages.passes(nowMs: nowMs))
            case "/metrics":
                var response = Response(status: .ok, headers: Self.securityHeaders,
                                        body: .init(byteBuffer: ByteBuffer(string: try metrics.render(unit: await unit.snapshot()))))
                response.headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
                return response
            case "/live":
                return liveStream()
            case "/assets/dashboard.css":
                return asset(DashboardAssets.css, type: "text/css; charset=utf-8")
            case "/assets/dashboard.js":
                return asset(DashboardAssets.script, type: "text/javascript; charset=utf-8")
            case "/healthz":
                return asset("ok\n", type: "text/plain; charset=utf-8")
            default:
                if path.hasPrefix("/calls/") {
                    let id = String(path.dropFirst("/calls/".count))
                    if let html = try pages.call(id: id, nowMs: nowMs) { return page(.ok, html) }
                    return page(.notFound, pages.message("No such call", "No call or event has the id \(id).", nowMs: nowMs))
                }
                return page(.notFound, pages.message("Not found", "Nothing lives at \(path).", nowMs: nowMs))
            }
        } catch {
            logger.error("dashboard \(path): \(error)")
            return page(.internalServerError, pages.message("The database could not be read", "\(error)", nowMs: nowMs))
        }
    }

    private func authorized(_ request: Request, token: String) -> Bool {
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "),
           Self.sameToken(String(header.dropFirst("Bearer ".count)), token) {
            return true
        }
        let cookies = request.headers[values: .cookie].flatMap { $0.split(separator: ";") }
        return cookies.contains { cookie in
            let parts = cookie.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            return parts.count == 2 && parts[0] == "warmline_token" && Self.sameToken(String(parts[1]), token)
        }
    }

    private func unauthorized() -> Response {
        var response = page(.unauthorized, pages.message("Token required", "This dashboard needs its token: open it as /?token=… "
            + "(the token file given to `warmline serve`), or send Authorization: Bearer.", nowMs: Self.nowMs()))
        response.headers[.wwwAuthenticate] = "Bearer realm=\"warmline\""
        return response
    }

    /// Compares in time independent of where the first difference is.
    static func sameToken(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8), b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<b.count { difference |= (index < a.count ? a[index] : 0) ^ b[index] }
        return difference == 0
    }

    private func page(_ status: HTTPResponse.Status, _ html: String) -> Response {
        var response = Response(status: status, headers: Self.securityHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[.contentType] = "text/html; charset=utf-8"
        return response
    }

    private func asset(_ text: String, type: String) -> Response {
        var response = Response(status: .ok, headers: Self.securityHeaders, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = type
        return response
    }

    /// Every response: nothing from elsewhere, no inline script or style, no framing, no caching of callers' numbers.
    static let securityHeaders: HTTPFields = {
        var fields: HTTPFields = [
            .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
            .cacheControl: "no-store",
        ]
        for (name, value) in [("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")] {
            if let field = HTTPField.Name(name) { fields[field] = value }
        }
        return fields
    }()

    // MARK: - Live updates

    /// `/live`: server-sent events; `change` whenever the database or the unit's state moves.
    private func liveStream() -> Response {
        let pages = pages, unit = unit, settings = settings, logger = logger
        var response = Response(status: .ok, headers: Self.securityHeaders, body: .init { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\nevent: hello\ndata: live\n\n"))
            var lastStamp = try? pages.data.changeStamp()
            var lastUnit = await unit.snapshot()
            var waitedMs = 0, sinceKeepAliveMs = 0
            while !Task.isCancelled && !Task.isShuttingDownGracefully && waitedMs < settings.liveMaxMs {
                try await Task.sleep(for: .milliseconds(settings.livePollMs))
                waitedMs += settings.livePollMs
                sinceKeepAliveMs += settings.livePollMs
                let stamp: String?
                do { stamp = try pages.data.changeStamp() } catch {
                    logger.warning("live: the database could not be read: \(error)")
                    stamp = lastStamp
                }
                let now = await unit.snapshot()
                if stamp != lastStamp || now != lastUnit {
                    lastStamp = stamp
                    lastUnit = now
                    sinceKeepAliveMs = 0
                    try await writer.write(ByteBuffer(string: "event: change\ndata: \(stamp ?? "-")\n\n"))
                } else if sinceKeepAliveMs >= 15_000 {
                    sinceKeepAliveMs = 0
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
            }
            try await writer.finish(nil)
        })
        response.headers[.contentType] = "text/event-stream; charset=utf-8"
        return response
    }

    // MARK: - Helpers

    /// A query string as a dictionary (`+` as space, then percent-decoding; the first value of a repeated key).
    static func query(_ text: String?) -> [String: String] {
        var values: [String: String] = [:]
        for pair in (text ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            let key = decode(parts[0])
            if values[key] == nil { values[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return values
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
