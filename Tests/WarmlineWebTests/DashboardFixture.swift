import Foundation
import GRDB
import WarmlineStore
@testable import WarmlineWeb

/// A day of calls in a real SQLite file, as the unit would have written it: outcomes, latencies, a distress call with
/// its reasons and whisper, a caller ID that tries to inject markup, callbacks, passes and the outbox.
struct DashboardFixture {
    static let distressCallID = "call-distress"
    static let hostileCallerID = "<img src=x onerror=alert(1) id=injected>\u{1B}[2J"
    static let whisper = "urgent: caller in distress; balance zero; day pass granted"

    let store: StoreDatabase
    let nowMs: Int64
    let dayStartMs: Int64

    init(path: String, nowMs: Int64 = Int64(Date().timeIntervalSince1970 * 1000), timeZone: TimeZone = .current) throws {
        store = try StoreDatabase(path: path)
        self.nowMs = nowMs
        dayStartMs = DashboardData(store: store, timeZone: timeZone).dayBounds(nowMs: nowMs).fromMs
        try fill()
    }

    /// The `i`-th of `n` moments spread over today up to now.
    func todayAt(_ i: Int, of n: Int) -> Int64 { dayStartMs + max(nowMs - 60_000 - dayStartMs, 120_000) * Int64(i) / Int64(n) }

    private func fill() throws {
        let outcomes: [(String, Int64?)] = [
            (CallOutcome.reachedPerson.rawValue, 4_200), (CallOutcome.selfServed.rawValue, nil), (CallOutcome.reachedPerson.rawValue, 12_400), (CallOutcome.abandonedInMenu.rawValue, nil),
            (CallOutcome.reachedPerson.rawValue, 18_900), (CallOutcome.callbackPromised.rawValue, nil), (CallOutcome.reachedPerson.rawValue, 25_300), (CallOutcome.bypassed.rawValue, nil),
            (CallOutcome.reachedPerson.rawValue, 51_000), (CallOutcome.selfServed.rawValue, nil), (CallOutcome.reachedPerson.rawValue, 71_500), (CallOutcome.reachedPerson.rawValue, 8_800),
        ]
        try store.pool.write { db in
            for (index, (outcome, latency)) in outcomes.enumerated() {
                let start = todayAt(index, of: outcomes.count)
                try CallRecord(id: "call-\(index)", line: index % 4 + 1, callerID: "+1555010\(String(format: "%02d", index))",
                               startedAtMs: start, answeredAtMs: start + 800, endedAtMs: start + 95_000, outcome: outcome, language: "en",
                               handoffTarget: latency == nil ? nil : "desk", handoffLatencyMs: latency,
                               handoffReason: latency == nil ? nil : "asked", handoffStartedMs: latency == nil ? nil : 5_000,
                               personReachedMs: latency.map { 5_000 + $0 }, waitMs: latency).insert(db)
                try EventRecord(callID: "call-\(index)", frameTime: 0, wallTimeMs: start + 800, type: EventType.callAnswered,
                                payload: #"{"language":"en"}"#).insert(db)
                if latency != nil {
                    try EventRecord(callID: "call-\(index)", frameTime: 40_000, wallTimeMs: start + 5_800, type: EventType.agentRequested,
                                    payload: #"{"via":"0"}"#).insert(db)
                }
            }
            // yesterday: never in today's figures
            try CallRecord(id: "call-yesterday", line: 1, callerID: "+15550999", startedAtMs: dayStartMs - 3_600_000,
                           answeredAtMs: dayStartMs - 3_599_000, endedAtMs: dayStartMs - 3_500_000, outcome: CallOutcome.reachedPerson.rawValue,
                           handoffTarget: "desk", handoffLatencyMs: 3_000).insert(db)
            // the distress call, with its reasons, attempts and whisper
            let start = todayAt(11, of: 12) + 30_000
            try CallRecord(id: Self.distressCallID, line: 2, callerID: Self.hostileCallerID, startedAtMs: start, answeredAtMs: start + 600,
                           endedAtMs: start + 240_000, outcome: CallOutcome.reachedPerson.rawValue, language: "en", handoffTarget: "night desk",
                           handoffLatencyMs: 9_600, handoffReason: "distress", handoffStartedMs: 6_900, personReachedMs: 16_500,
                           waitMs: 9_600).insert(db)
            let events: [(Int64, String, String)] = [
                (600, EventType.callAnswered, #"{"language":"en"}"#),
                (7_000, EventType.distressSignal, #"{"signal":"distress_keyword","value":"0.82 (help)","weight":"1.0","score":"1.0"}"#),
                (7_400, EventType.distressSignal, #"{"signal":"raised_voice","value":"14.2","weight":"0.4","score":"1.4"}"#),
                (7_500, EventType.distressHandoff, #"{"score":"1.4","threshold":"1.0","reasons":"distress_keyword 0.82 (help), raised_voice 14.2"}"#),
                (8_200, EventType.handoffAttempt, #"{"target":"night desk","attempt":"1"}"#),
                (15_000, "handoff.whisper", "{\"text\":\"\(Self.whisper)\"}"),
                (17_100, EventType.handoffConnected, #"{"target":"night desk","latency_ms":"9600"}"#),
                (240_000, EventType.callEnded, #"{"outcome":"reached_person","by":"caller"}"#),
            ]
            for (offset, type, payload) in events {
                try EventRecord(callID: Self.distressCallID, frameTime: offset * 8, wallTimeMs: start + offset, type: type, payload: payload).insert(db)
            }
            try EventRecord(callID: "call-5", frameTime: 0, wallTimeMs: todayAt(5, of: 12) + 60_000, type: EventType.callbackRequested,
                            payload: #"{"reason":"all agents busy"}"#).insert(db)
            try EventRecord(callID: Self.distressCallID, frameTime: 0, wallTimeMs: start + 200_000, type: EventType.callbackRequested,
                            payload: #"{"reason":"line dropped"}"#).insert(db)
            _ = try CallbackRecord(callID: "call-5", callerID: "+155501005", requestedAtMs: todayAt(5, of: 12) + 60_000,
                               reason: "all agents busy", language: "en").inserted(db)
            _ = try CallbackRecord(callID: Self.distressCallID, callerID: Self.hostileCallerID, requestedAtMs: start + 200_000,
                               reason: "<b>bold</b> & \"quoted\"", language: "en").inserted(db)
        }
        let first = try store.grantDayPass(idempotencyKey: "call-1:+155501001", msisdn: "+155501001", callID: "call-1",
                                           grantedAtMs: todayAt(1, of: 12) + 30_000)
        _ = try store.grantDayPass(idempotencyKey: "call-3:+155501003", msisdn: "+155501003", callID: "call-3",
                                   grantedAtMs: todayAt(3, of: 12) + 30_000, provisional: true)
        let firstEntry = try store.billingPending().first { $0.entry.dayPassID == first.pass.id }
        if let firstEntry {
            try store.recordBillingAttempt(BillingAttempt(outboxID: firstEntry.entry.id ?? 0, attempt: 1, atMs: todayAt(1, of: 12) + 40_000,
                                                          statusCode: 200, error: nil, durationMs: 35), pending: firstEntry)
        }
        try store.pool.write { db in
            for (call, ms) in [("call-1", todayAt(1, of: 12) + 30_000), ("call-3", todayAt(3, of: 12) + 30_000)] {
                try EventRecord(callID: call, frameTime: 0, wallTimeMs: ms, type: EventType.dayPassGranted, payload: #"{"key":"k"}"#).insert(db)
            }
        }
    }
}
