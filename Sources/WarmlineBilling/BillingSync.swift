import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import WarmlineStore

/// Delivers the day-pass outbox to billing: each due entry POSTed once per pass with a stable `Idempotency-Key`,
/// acknowledged only on a 2xx, every attempt recorded, failures retried with exponential back-off.
public struct BillingSync: Sendable {
    /// What one pass over the outbox did.
    public struct PassResult: Sendable, Equatable {
        /// Attempts made in this pass, in order.
        public var attempts: [BillingAttempt] = []
        /// Entries this pass acknowledged.
        public var acknowledged: Int = 0
        /// Entries still pending after the pass.
        public var stillPending: Int = 0
        /// The earliest time a pending entry is due again (nil when none is pending).
        public var nextDueMs: Int64?
    }

    /// The store the outbox lives in.
    public let store: StoreDatabase
    /// Where entries go.
    public let endpoint: BillingEndpoint
    /// Wall time in milliseconds since 1970 (a parameter so a pass can be replayed at a chosen time).
    public let now: @Sendable () -> Int64

    /// Makes a sync over `store` to `endpoint`.
    public init(store: StoreDatabase, endpoint: BillingEndpoint,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.store = store
        self.endpoint = endpoint
        self.now = now
    }

    /// When `pending` may be sent again: now for a fresh entry, else its last attempt plus the back-off for its attempts.
    public func dueMs(_ pending: BillingPending) -> Int64 {
        guard let last = pending.lastAttemptAtMs, pending.entry.attempts > 0 else { return 0 }
        return last + endpoint.retryDelayMs(afterAttempts: pending.entry.attempts)
    }

    /// One pass: every pending entry whose back-off has run out (or for which `sendNow` says so) is POSTed once, in outbox order.
    public func syncOnce(sendNow: (BillingPending) -> Bool = { _ in false }) async throws -> PassResult {
        var result = PassResult()
        for pending in try store.billingPending() {
            guard sendNow(pending) || now() >= dueMs(pending) else { continue }
            let attempt = await deliver(pending)
            if try store.recordBillingAttempt(attempt, pending: pending) { result.acknowledged += 1 }
            result.attempts.append(attempt)
        }
        let left = try store.billingPending()
        result.stillPending = left.count
        result.nextDueMs = left.map(dueMs).min()
        return result
    }

    /// POSTs one entry and says how it went (never throws: a failure is an attempt like any other).
    func deliver(_ pending: BillingPending) async -> BillingAttempt {
        let attemptNumber = pending.entry.attempts + 1
        let startedMs = now()
        var request = HTTPClientRequest(url: endpoint.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: pending.idempotencyKey)
        request.headers.add(name: "User-Agent", value: "warmline-billing-sync")
        if let token = endpoint.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.body = .bytes(ByteBuffer(string: pending.entry.payload))
        let outboxID = pending.entry.id ?? 0
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(endpoint.timeoutMs)))
            // The body is read (bounded) so the connection can be reused; its content is not needed.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            let ok = (200..<300).contains(code)
            return BillingAttempt(outboxID: outboxID, attempt: attemptNumber, atMs: startedMs, statusCode: code,
                                  error: ok ? nil : "billing answered HTTP \(code) \(response.status.reasonPhrase)",
                                  durationMs: now() - startedMs)
        } catch {
            return BillingAttempt(outboxID: outboxID, attempt: attemptNumber, atMs: startedMs, statusCode: nil,
                                  error: Self.describe(error, timeoutMs: endpoint.timeoutMs), durationMs: now() - startedMs)
        }
    }

    /// A transport failure in a technician's words.
    static func describe(_ error: any Error, timeoutMs: Int) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return "no answer within \(timeoutMs) ms (timed out)"
            case .remoteConnectionClosed: return "billing closed the connection without an answer"
            default: return "HTTP client: \(client)"
            }
        }
        let text = "\(error)"
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused (is billing reachable?): \(text)" }
        return text
    }
}
