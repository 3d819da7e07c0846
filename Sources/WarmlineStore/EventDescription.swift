import Foundation

/// Turns an event's JSON payload into one readable phrase for people (`calls show`, `logs` tables).
public enum EventDescription {
    /// A phrase for `event`: known types read as sentences, others list their payload keys.
    public static func describe(_ event: EventRecord) -> String {
        guard let data = event.payload.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return event.payload
        }
        func text(_ key: String) -> String? { object[key].map(render) }
        switch event.type {
        case EventType.distressSignal:
            var phrase = "signal \(text("signal") ?? "?")"
            if let value = text("value") { phrase += " = \(value)" }
            if let weight = text("weight") { phrase += ", weight \(weight)" }
            if let score = text("score") { phrase += ", score now \(score)" }
            return phrase
        case EventType.distressHandoff:
            var phrase = "score \(text("score") ?? "?") over threshold \(text("threshold") ?? "?")"
            if let reasons = text("reasons") { phrase += ": \(reasons)" }
            return phrase + " → hand-off now"
        case EventType.handoffAttempt:
            return "attempt \(text("attempt") ?? "?") to \(text("target") ?? "?")"
        case EventType.handoffConnected:
            return "agent \(text("target") ?? "?") answered" + (text("latency_ms").map { " after \($0) ms" } ?? "")
        case EventType.handoffFailed:
            return "\(text("target") ?? "?") failed: \(text("reason") ?? "?")"
        case EventType.agentRequested:
            return "hand-off requested (recorded before hand-off reasons were kept apart)" + (text("via").map { " (\($0))" } ?? "")
        case EventType.handoffStarted:
            let kind = text("kind").map(EventDescription.handoffReasonPhrase) ?? "reason not recorded"
            return (text("upgrade") == "yes" ? "hand-off now urgent [" : "hand-off started [") + kind + "]"
                + (text("reason").map { ": \($0)" } ?? "") + (text("priority").map { ", \($0)" } ?? "")
        case EventType.lineBypass:
            return "line \(text("line") ?? "?"): bypass relay " + (text("engaged") == "yes" ? "engaged" : "released")
                + (text("reason").map { " (\($0))" } ?? "")
        case EventType.lineBoardReset:
            return "line \(text("line") ?? "?"): board reset (it starts in bypass)"
        case "handoff.bypass":
            return "line released to the bypass relay (agent line): \(text("reason") ?? "?")"
        case "queue.joined":
            return "waiting in the queue for a person, position \(text("position") ?? "?") (\(text("reason") ?? "?"))"
        case "queue.announced":
            return "told: position \(text("position") ?? "?"), about \(text("wait_minutes") ?? "?") min"
                + (text("emergency_number") == "yes" ? ", and the emergency number" : "")
        case "caller.silent":
            switch text("stage") {
            case "prompt": return "silent caller: \"press 5 twice\" played"
            case "keys": return "caller pressed \(text("digits") ?? "55"): cannot speak" + (text("spoke") == "no" ? ", has not spoken" : "")
            default: return "silent open line: urgent hand-off"
            }
        case "prompt.safety_heard":
            return "safety sentence heard in full (\(text("language") ?? "?")) after \(text("ms") ?? "?") ms"
        default:
            return object.keys.sorted().map { "\($0)=\(render(object[$0] as Any))" }.joined(separator: " ")
        }
    }

    /// Words for a stored hand-off reason (`kind`): the one vocabulary `calls show` and `report` print.
    public static func handoffReasonPhrase(_ kind: String) -> String {
        switch kind {
        case "asked": "caller asked for a person"
        case "distress": "distress"
        case "silent": "silent caller"
        case "menu_failure": "could not use the menu"
        case "time_bound": "time bound in the menu"
        default: kind
        }
    }

    /// Stored hand-off reasons, in the order reports list them (the engine's `HandoffReason` raw values).
    public static let handoffReasons = ["asked", "distress", "silent", "menu_failure", "time_bound"]

    private static func render(_ value: Any) -> String {
        switch value {
        case let array as [Any]: array.map(render).joined(separator: ", ")
        case let number as NSNumber: number.stringValue
        case let string as String: string
        case is NSNull: "null"
        default:
            (try? JSONText.line(value)) ?? "\(value)"
        }
    }
}
