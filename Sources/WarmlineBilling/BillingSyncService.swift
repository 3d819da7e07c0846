import Foundation
import Logging
import ServiceLifecycle
import WarmlineStore

/// The billing sync as a long-lived `Service`: a pass over the outbox every interval (sooner when a retry is due),
/// until graceful shutdown. The runtime adds it to its `ServiceGroup`.
public struct BillingSyncService: Service {
    /// The sync each pass runs.
    public let sync: BillingSync
    /// Longest wait between passes (a new grant is sent within this long).
    public let intervalMs: Int64
    /// Where attempts and failures are logged.
    public let logger: Logger

    /// Makes the service.
    public init(sync: BillingSync, intervalMs: Int64 = 30_000, logger: Logger = Logger(label: "warmline.billing")) {
        self.sync = sync
        self.intervalMs = max(100, intervalMs)
        self.logger = logger
    }

    /// Runs passes until the task is cancelled or the group shuts down gracefully.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var waitMs = intervalMs
                do {
                    let result = try await sync.syncOnce()
                    for attempt in result.attempts { log(attempt) }
                    if let due = result.nextDueMs { waitMs = min(waitMs, max(100, due - sync.now())) }
                } catch {
                    // the store is busy or failing: the entries stay pending and are tried at the next pass
                    logger.error("billing sync pass failed: \(error)")
                }
                try await Task.sleep(for: .milliseconds(waitMs))
            }
        }
    }

    private func log(_ attempt: BillingAttempt) {
        let line = BillingLog.line(attempt, nextRetryMs: nil)
        if attempt.acknowledged { logger.info("\(line)") } else { logger.warning("\(line)") }
    }
}

/// The one-line form of an attempt that `warmline passes sync` prints and the service logs.
public enum BillingLog {
    /// `outbox 3 attempt 2: HTTP 500 Internal Server Error (12 ms); retry in 4.0 s`.
    public static func line(_ attempt: BillingAttempt, nextRetryMs: Int64?) -> String {
        var text = "outbox \(attempt.outboxID) attempt \(attempt.attempt): "
        if attempt.acknowledged {
            text += "HTTP \(attempt.statusCode ?? 0) acknowledged"
        } else {
            text += attempt.error ?? "failed"
        }
        text += " (\(attempt.durationMs) ms)"
        if let nextRetryMs { text += String(format: "; retry in %.1f s", Double(nextRetryMs) / 1000) }
        return text
    }
}
