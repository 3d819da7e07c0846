import Foundation

/// Where and how the outbox is delivered: a checked URL, the bearer token, the request timeout and the back-off.
public struct BillingEndpoint: Sendable, Equatable {
    /// The billing system's URL the entries are POSTed to.
    public var url: URL
    /// Sent as `Authorization: Bearer <token>`; nil sends none.
    public var token: String?
    /// A request with no answer after this long counts as failed (and is retried).
    public var timeoutMs: Int
    /// The first retry waits this long; each later one twice the one before.
    public var retryBaseMs: Int
    /// No retry waits longer than this.
    public var retryMaxMs: Int

    /// Checks `url` (https, or plain http to a loopback address only) and reads the token from `tokenFile`.
    public init(url text: String, tokenFile: String?, timeoutMs: Int = 10_000, retryBaseMs: Int = 2_000,
                retryMaxMs: Int = 600_000) throws(BillingSetupError) {
        self.url = try Self.checkedURL(text)
        self.timeoutMs = timeoutMs
        self.retryBaseMs = max(1, retryBaseMs)
        self.retryMaxMs = max(self.retryBaseMs, retryMaxMs)
        guard let tokenFile else {
            token = nil
            return
        }
        guard let data = FileManager.default.contents(atPath: tokenFile), let read = String(data: data, encoding: .utf8) else {
            throw .tokenUnreadable(path: tokenFile)
        }
        let trimmed = read.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, !trimmed.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } ?? false }) else {
            throw .tokenEmpty(path: tokenFile)
        }
        token = trimmed
    }

    /// The wait before retrying an entry that has failed `attempts` times: base, 2×base, 4×base, ..., at most the maximum.
    public func retryDelayMs(afterAttempts attempts: Int) -> Int64 {
        guard attempts > 0 else { return 0 }
        let doublings = min(attempts - 1, 30)
        return min(Int64(retryBaseMs) << Int64(doublings), Int64(retryMaxMs))
    }

    /// `https://...`, or `http://` to 127.0.0.0/8, `localhost` or `[::1]` (tests, a local relay); anything else is refused.
    public static func checkedURL(_ text: String) throws(BillingSetupError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw .badURL(text, reason: "not an absolute URL like https://billing.example/daypass")
        }
        switch scheme {
        case "https": return url
        case "http":
            guard isLoopback(host) else {
                throw .badURL(text, reason: "plain http is allowed only to a loopback address (127.0.0.1, localhost, [::1]); use https")
            }
            return url
        default:
            throw .badURL(text, reason: "scheme '\(scheme)' is not https")
        }
    }

    /// True for 127.0.0.0/8, `localhost` and `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}

/// Why the billing sync cannot start, in words a technician can act on.
public enum BillingSetupError: Error, Equatable, CustomStringConvertible {
    /// The `billing.url` is missing or not allowed.
    case badURL(String, reason: String)
    /// No `billing.url` is configured.
    case notConfigured
    /// The token file cannot be read.
    case tokenUnreadable(path: String)
    /// The token file holds no usable token.
    case tokenEmpty(path: String)

    /// The message printed for the technician.
    public var description: String {
        switch self {
        case .badURL(let url, let reason): "billing.url '\(url)': \(reason)"
        case .notConfigured: "no billing.url in the config: set billing.url (and billing.token_file) to sync the outbox"
        case .tokenUnreadable(let path): "billing.token_file \(path): cannot read it (missing or not readable by this user)"
        case .tokenEmpty(let path): "billing.token_file \(path): the file holds no token (one line, no control characters)"
        }
    }
}
