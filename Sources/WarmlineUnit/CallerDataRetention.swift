import Foundation
import WarmlineStore

/// The unit's purge of old caller data: numbers and names older than `retention_days` become salted pseudonyms,
/// once at start and then every 24 h; each run says in the transcript what it did.
public struct CallerDataRetention: Sendable {
    /// The store to purge.
    public let store: StoreDatabase
    /// Caller data is kept this many days.
    public let retentionDays: Int
    /// Seconds between two purges on a running unit.
    public static let intervalSeconds = 86_400

    /// Makes the purge for `store`, keeping `retentionDays` days of caller data.
    public init(store: StoreDatabase, retentionDays: Int) {
        self.store = store
        self.retentionDays = retentionDays
    }

    /// Purges everything recorded more than `retentionDays` before `nowMs`; nil (and a transcript line) when it failed.
    @discardableResult
    public func purgeNow(nowMs: Int64, transcript: (String) -> Void) -> PurgeSummary? {
        let beforeMs = nowMs - Int64(retentionDays) * 86_400_000
        do {
            let summary = try store.purgeCallerData(beforeMs: beforeMs, nowMs: nowMs)
            transcript("unit: retention \(retentionDays) days: \(summary)")
            return summary
        } catch {
            transcript("unit: caller-data purge failed (calls are not affected; next try in 24 h): \(error)")
            return nil
        }
    }

    /// Runs `purgeNow` at once and then every 24 h on a background queue, off the lines' threads, until the returned
    /// timer is cancelled.
    public func schedule(transcript: @escaping @Sendable (String) -> Void) -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "warmline.purge", qos: .utility))
        let retention = self
        timer.setEventHandler {
            retention.purgeNow(nowMs: Int64(Date().timeIntervalSince1970 * 1000), transcript: transcript)
        }
        timer.schedule(deadline: .now(), repeating: .seconds(Self.intervalSeconds), leeway: .seconds(60))
        timer.resume()
        return timer
    }
}
