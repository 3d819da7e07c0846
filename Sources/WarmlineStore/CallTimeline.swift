import Foundation
import GRDB

/// One call as a readable story: the call row, its events in order, the distress reasons and hand-off attempts.
public struct CallTimeline: Sendable, Equatable {
    /// The call row (nil when only events were logged, e.g. the unit crashed mid-call).
    public var call: CallRecord?
    /// Its events, oldest first.
    public var events: [EventRecord]

    /// Every reason logged for distress: fired signals and the hand-off decision's reasons, in order.
    public var distressReasons: [String] {
        events.compactMap { event -> String? in
            guard event.type == EventType.distressSignal || event.type == EventType.distressHandoff else { return nil }
            return EventDescription.describe(event)
        }
    }

    /// Each hand-off attempt, connection and failure, in order.
    public var handoffAttempts: [String] {
        events.compactMap { event -> String? in
            guard [EventType.handoffAttempt, EventType.handoffConnected, EventType.handoffFailed].contains(event.type) else { return nil }
            return EventDescription.describe(event)
        }
    }

    /// The timeline as text: a header with the call's facts, then one line per event with its offset from the start.
    public func rendered(timeZone: TimeZone) -> String {
        let format = TimeFormat(timeZone: timeZone)
        var lines: [String] = []
        let startMs = call?.startedAtMs ?? events.first?.wallTimeMs ?? 0
        if let call {
            lines.append("call \(call.id)  line \(call.line)  caller \(call.callerID ?? "unknown")  language \(call.language ?? "-")")
            var facts = ["started \(format.dateTime(ms: call.startedAtMs))"]
            if let answered = call.answeredAtMs { facts.append("answered +\(TimeFormat.offset(ms: answered - startMs))") }
            if let ended = call.endedAtMs { facts.append("ended +\(TimeFormat.offset(ms: ended - startMs))") }
            facts.append("outcome \(call.outcome ?? "in progress")")
            lines.append(facts.joined(separator: "  "))
            if let reason = call.handoffReason {
                lines.append("hand-off reason: \(EventDescription.handoffReasonPhrase(reason))"
                    + (call.waitMs.map { ", waited \($0) ms for a person" } ?? "")
                    + (call.personReachedMs.map { ", person at \($0) ms after answer" } ?? ", no person reached"))
            }
            if let target = call.handoffTarget {
                lines.append("handed off to \(target)" + (call.handoffLatencyMs.map { " after \($0) ms" } ?? ""))
            }
        } else if let first = events.first {
            lines.append("call \(first.callID ?? "-")  (no call row: only events were logged)")
        }
        let reasons = distressReasons
        lines.append("distress: " + (reasons.isEmpty ? "none" : "\(reasons.count) entries"))
        for reason in reasons { lines.append("  - \(reason)") }
        let attempts = handoffAttempts
        lines.append("hand-off attempts: " + (attempts.isEmpty ? "none" : "\(attempts.count) entries"))
        for attempt in attempts { lines.append("  - \(attempt)") }
        lines.append("")
        lines.append("timeline:")
        for event in events {
            let offset = "+" + TimeFormat.offset(ms: event.wallTimeMs - startMs)
            let time = format.time(ms: event.wallTimeMs)
            lines.append("  \(offset.padding(toLength: 9, withPad: " ", startingAt: 0)) \(time)  frame \(String(event.frameTime).padding(toLength: 8, withPad: " ", startingAt: 0)) \(event.type.padding(toLength: 19, withPad: " ", startingAt: 0)) \(EventDescription.describe(event))")
        }
        return lines.joined(separator: "\n")
    }
}

extension StoreDatabase {
    /// The call `id` as a timeline; throws `StoreError.unknownCall` when neither a call row nor events exist.
    public func timeline(callID id: String) throws -> CallTimeline {
        let timeline = try pool.read { db in
            CallTimeline(call: try CallRecord.fetchOne(db, key: id),
                         events: try EventRecord.fetchAll(db, sql: "SELECT * FROM events WHERE call_id = ? ORDER BY id", arguments: [id]))
        }
        guard timeline.call != nil || !timeline.events.isEmpty else { throw StoreError.unknownCall(id) }
        return timeline
    }
}
