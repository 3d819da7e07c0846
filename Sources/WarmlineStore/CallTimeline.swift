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

    /// The call's short id (`L1-0042`), when it has a call row.
    public var shortID: String?

    /// The timeline as text in `timeZone` (see `rendered(format:width:framesPerSecond:)`).
    public func rendered(timeZone: TimeZone) -> String {
        rendered(format: TimeFormat(timeZone: timeZone))
    }

    /// The timeline as text: the call's facts with its wall time once (local, with the offset), then one line per event
    /// in call time (`0:03.46`, audio frames since the answer), details wrapped to `width` columns (nil: no wrap).
    public func rendered(format: TimeFormat, width: Int? = 80, framesPerSecond: Int = 8000) -> String {
        var lines: [String] = []
        let startMs = call?.startedAtMs ?? events.first?.wallTimeMs ?? 0
        func callTime(ms: Int64) -> String { TimeFormat.callTime(ms: ms) }
        if let call {
            let name = shortID.map { "\($0) (\(call.id))" } ?? call.id
            lines += Self.wrap("call \(name)  line \(call.line)  caller \(call.callerID ?? "unknown")  language \(call.language ?? "-")",
                               width: width, indent: 2)
            lines.append("started \(format.dateTime(ms: call.startedAtMs)) (\(format.zoneName))")
            // call time is audio time, counted from the answer; before it, only the ring's wall time exists
            var facts: [String] = []
            if let answered = call.answeredAtMs {
                facts.append("answered \(TimeFormat.offset(ms: answered - startMs)) after the ring")
                if let ended = call.endedAtMs { facts.append("ended at \(callTime(ms: ended - answered))") }
            } else {
                facts.append("not answered")
                if let ended = call.endedAtMs { facts.append("ended \(TimeFormat.offset(ms: ended - startMs)) after the ring") }
            }
            lines += Self.wrap(facts.joined(separator: ", "), width: width, indent: 2)
            var outcome = "outcome \(call.outcome ?? "in progress")"
            if let target = call.handoffTarget {
                outcome += ": handed off to \(target)" + (call.handoffLatencyMs.map { " \($0) ms after the decision" } ?? "")
            }
            lines += Self.wrap(outcome, width: width, indent: 2)
            if let reason = call.handoffReason {
                let reached = call.personReachedMs.map { ", a person at \(callTime(ms: $0))" } ?? ", no person reached"
                lines += Self.wrap("hand-off reason: \(EventDescription.handoffReasonPhrase(reason))"
                    + (call.waitMs.map { ", waited \(TimeFormat.offset(ms: $0))" } ?? "") + reached,
                    width: width, indent: 2)
            }
        } else if let first = events.first {
            lines.append("call \(first.callID ?? "-")  (no call row: only events were logged)")
            lines.append("first event \(format.dateTime(ms: first.wallTimeMs)) (\(format.zoneName))")
        }
        let reasons = distressReasons
        lines.append("distress: " + (reasons.isEmpty ? "none" : "\(reasons.count) \(reasons.count == 1 ? "entry" : "entries")"))
        for reason in reasons { lines += Self.wrap(reason, after: "  - ", width: width, indent: 4) }
        let attempts = handoffAttempts
        lines.append("hand-off attempts: " + (attempts.isEmpty ? "none" : "\(attempts.count) \(attempts.count == 1 ? "entry" : "entries")"))
        for attempt in attempts { lines += Self.wrap(attempt, after: "  - ", width: width, indent: 4) }
        lines.append("")
        lines.append("timeline (call time since the answer, m:ss.hh):")
        let typeWidth = max(19, events.map(\.type.count).max() ?? 0)
        for event in events {
            let time = callTime(ms: event.frameTime * 1_000 / Int64(max(1, framesPerSecond)))
            let head = "  " + String(repeating: " ", count: max(0, 8 - time.count)) + time + "  "
                + event.type.padding(toLength: typeWidth, withPad: " ", startingAt: 0) + " "
            lines += Self.wrap(EventDescription.describe(event), after: head, width: width, indent: head.count)
        }
        return lines.joined(separator: "\n")
    }

    /// `head` then `body` broken at spaces into lines of at most `width` columns (nil: one line), continuation lines
    /// indented by `indent`; a word longer than a line is kept whole on a line of its own (a number or an id cut in two
    /// could not be searched for or copied).
    public static func wrap(_ body: String, after head: String = "", width: Int?, indent: Int) -> [String] {
        guard !body.isEmpty else { return [String(head.reversed().drop(while: { $0 == " " }).reversed())] }
        guard let width, head.count + body.count > width else { return [head + body] }
        let pad = String(repeating: " ", count: min(indent, max(0, width - 24)))
        var lines: [String] = []
        var current = head
        var bare = true
        for piece in body.split(separator: " ") {
            var word = piece
            while !word.isEmpty {
                let room = width - current.count - (bare ? 0 : 1)
                if word.count <= room {
                    current += (bare ? "" : " ") + word
                    bare = false
                    break
                }
                if bare {
                    current += word
                    word = word.dropFirst(word.count)
                }
                lines.append(current)
                current = pad
                bare = true
            }
        }
        if !bare || lines.isEmpty { lines.append(current) }
        return lines
    }
}

extension StoreDatabase {
    /// The call `id` as a timeline; throws `StoreError.unknownCall` when neither a call row nor events exist.
    public func timeline(callID id: String) throws -> CallTimeline {
        var timeline = try pool.read { db in
            CallTimeline(call: try CallRecord.fetchOne(db, key: id),
                         events: try EventRecord.fetchAll(db, sql: "SELECT * FROM events WHERE call_id = ? ORDER BY id", arguments: [id]))
        }
        guard timeline.call != nil || !timeline.events.isEmpty else { throw StoreError.unknownCall(id) }
        timeline.shortID = try shortID(ofCall: id)
        return timeline
    }
}
