import Foundation
import GRDB
import WarmlineCore
import WarmlineStore
import WarmlineText

/// What the store knows about a caller at ring time: the engine's `CallContext` without a clock of its own.
public enum CallerHistory {
    /// A cached balance older than this is stale.
    public static let balanceFreshMs: Int64 = 24 * 60 * 60 * 1000
    /// Earlier calls looked back over (the engine's repeat-caller window is shorter).
    public static let recentCallsMs: Int64 = 60 * 60 * 1000

    /// The context of a call answered at `nowMs` from `callerID`, its wall times in `zone`, and the subscriber's currency when known.
    /// The subscriber and their passes are looked up by the caller ID's E.164 form in `country` (as the import stored them).
    public static func context(store: StoreDatabase, callID: String, callerID: String?, nowMs: Int64,
                               zone: TimeZoneRules, country: DialingCountry = .unitedStates) throws -> (context: CallContext, currency: String?) {
        let startedAt = WallTime(secondsSinceEpoch: nowMs / 1000, zone: zone)
        let unitPassesLastHour = try store.dayPassesGranted(inHourBefore: nowMs)
        guard let callerID, !callerID.isEmpty else {
            var context = CallContext(callID: callID, callerID: nil, startedAt: startedAt)
            context.unitDayPassesLastHour = unitPassesLastHour
            return (context, nil)
        }
        // an implausible caller ID (a short code, escape codes) is nobody's subscriber number: no balance, no passes
        let msisdn = (try? PhoneNumber.normalise(callerID, country: country).get()) ?? ""
        let subscriber = msisdn.isEmpty ? nil : try store.subscriber(msisdn: msisdn)
        let balance: Balance = subscriber.map { record in
            nowMs - record.updatedAtMs > balanceFreshMs ? .stale(minorUnits: Int(record.balanceMinor))
                                                         : .known(minorUnits: Int(record.balanceMinor))
        } ?? .unknown
        let (lastPass, earlierMs) = try store.pool.read { db in
            (try Row.fetchOne(db, sql: """
                SELECT granted_at_ms, expires_at_ms,
                       EXISTS (SELECT 1 FROM outbox WHERE outbox.day_pass_id = day_passes.id AND outbox.status = 'sent') AS confirmed
                FROM day_passes WHERE msisdn = ? ORDER BY granted_at_ms DESC LIMIT 1
                """, arguments: [msisdn]),
             try Int64.fetchAll(db, sql: "SELECT started_at_ms FROM calls WHERE caller_id = ? AND started_at_ms >= ? AND id != ? ORDER BY started_at_ms",
                                arguments: [callerID, nowMs - recentCallsMs, callID]))
        }
        let wall = { (ms: Int64) in WallTime(secondsSinceEpoch: ms / 1000, zone: zone) }
        var context = CallContext(callID: callID, callerID: callerID, startedAt: startedAt, balance: balance,
                                  lastDayPassGrantedAt: lastPass.map { wall($0["granted_at_ms"]) }, earlierCallsAt: earlierMs.map(wall),
                                  lastDayPassExpiresAt: lastPass.map { wall($0["expires_at_ms"]) },
                                  lastDayPassConfirmed: lastPass.map { $0["confirmed"] as Bool } ?? false)
        context.unitDayPassesLastHour = unitPassesLastHour
        return (context, subscriber?.currency)
    }

    /// Calls a previous run left without an end (the unit was killed): ends them as failed and returns their ids.
    public static func closeInterruptedCalls(store: StoreDatabase, nowMs: Int64) throws -> [CallRecord] {
        let open = try store.calls(matching: CallFilter()).map(\.call).filter { $0.endedAtMs == nil }
        for var call in open {
            call.endedAtMs = nowMs
            call.outcome = WarmlineStore.CallOutcome.failed.rawValue
            try store.saveCall(call)
        }
        return open
    }
}
