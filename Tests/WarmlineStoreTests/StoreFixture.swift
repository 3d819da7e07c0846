import Foundation
@testable import WarmlineStore

/// A scripted morning on a two-line unit: six calls covering distress, day passes, a callback and abandonment.
enum StoreFixture {
    /// 2026-11-26 00:00:00 UTC.
    static let dayStartMs: Int64 = 1_795_651_200_000
    /// 2026-11-26 09:00:00 UTC.
    static let nineMs: Int64 = dayStartMs + 9 * 3_600_000

    /// Fills `store` through the event writer (as the unit will) and the call/ledger APIs.
    static func fill(_ store: StoreDatabase) throws {
        let writer = EventWriter(path: store.path)
        defer { writer.close() }
        func log(_ callID: String, _ startMs: Int64, _ offsetMs: Int64, _ type: String, _ payload: String = "{}") {
            writer.enqueue(callID: callID, frameTime: offsetMs * 8, type: type, payload: payload, wallTimeMs: startMs + offsetMs)
        }

        // 1. Distress: keyword + raised voice → hand-off; first agent busy, second answers.
        let a = nineMs
        try store.saveCall(CallRecord(id: "L1-0001", line: 1, callerID: "+353871111111", startedAtMs: a, answeredAtMs: a + 2_000,
                                      endedAtMs: a + 95_000, outcome: CallOutcome.reachedPerson.rawValue, language: "en",
                                      handoffTarget: "agent-2", handoffLatencyMs: 9_800, handoffReason: "distress",
                                      handoffStartedMs: 5_520, personReachedMs: 15_320, waitMs: 9_800, durationMs: 93_000))
        log("L1-0001", a, 0, EventType.callRing, #"{"caller_id":"+353871111111"}"#)
        log("L1-0001", a, 2_000, EventType.callAnswered, #"{"language":"en"}"#)
        log("L1-0001", a, 6_000, EventType.distressSignal, #"{"signal":"keyword:help","value":0.91,"weight":0.4,"score":0.4}"#)
        log("L1-0001", a, 7_500, EventType.distressSignal, #"{"signal":"raised_voice","value":"+9.5 dB","weight":0.3,"score":0.7}"#)
        log("L1-0001", a, 7_520, EventType.distressHandoff, #"{"score":0.7,"threshold":0.6,"reasons":["keyword:help","raised_voice"]}"#)
        log("L1-0001", a, 7_600, EventType.handoffAttempt, #"{"target":"agent-1","attempt":1}"#)
        log("L1-0001", a, 11_000, EventType.handoffFailed, #"{"target":"agent-1","reason":"busy"}"#)
        log("L1-0001", a, 11_200, EventType.handoffAttempt, #"{"target":"agent-2","attempt":2}"#)
        log("L1-0001", a, 17_320, EventType.handoffConnected, #"{"target":"agent-2","latency_ms":9800}"#)
        log("L1-0001", a, 95_000, EventType.callEnded, #"{"outcome":"handed_off","by":"agent"}"#)

        // 2. Zero balance: day pass granted, then the caller asks for a person.
        let b = nineMs + 600_000
        try store.saveCall(CallRecord(id: "L2-0001", line: 2, callerID: "+353872222222", startedAtMs: b, answeredAtMs: b + 1_500,
                                      endedAtMs: b + 60_000, outcome: CallOutcome.reachedPerson.rawValue, language: "uk",
                                      handoffTarget: "agent-1", handoffLatencyMs: 2_500, handoffReason: "asked",
                                      handoffStartedMs: 18_500, personReachedMs: 21_000, waitMs: 2_500, durationMs: 58_500))
        log("L2-0001", b, 0, EventType.callRing)
        log("L2-0001", b, 1_500, EventType.callAnswered, #"{"language":"uk"}"#)
        log("L2-0001", b, 9_000, EventType.dayPassOffered, #"{"msisdn":"353872222222","balance_minor":0}"#)
        let grant = try store.grantDayPass(idempotencyKey: "L2-0001", msisdn: "353872222222", callID: "L2-0001", grantedAtMs: b + 14_000)
        log("L2-0001", b, 14_000, EventType.dayPassGranted, #"{"msisdn":"353872222222","pass_id":\#(grant.pass.id ?? 0)}"#)
        log("L2-0001", b, 20_000, EventType.handoffStarted, #"{"kind":"asked","reason":"caller asked for a person (pressed 0)"}"#)
        log("L2-0001", b, 20_100, EventType.handoffAttempt, #"{"target":"agent-1","attempt":1}"#)
        log("L2-0001", b, 22_600, EventType.handoffConnected, #"{"target":"agent-1","latency_ms":2500}"#)

        // 3. Asked for a person, hung up while it rang: abandoned waiting for a person.
        let c = nineMs + 1_200_000
        try store.saveCall(CallRecord(id: "L1-0002", line: 1, callerID: nil, startedAtMs: c, answeredAtMs: c + 2_000,
                                      endedAtMs: c + 30_000, outcome: CallOutcome.abandonedWaiting.rawValue, language: "en",
                                      handoffReason: "asked", handoffStartedMs: 10_000, waitMs: 18_000, durationMs: 28_000))
        log("L1-0002", c, 0, EventType.callRing)
        log("L1-0002", c, 12_000, EventType.handoffStarted, #"{"kind":"asked","reason":"caller asked for a person (said 'person')"}"#)
        log("L1-0002", c, 12_100, EventType.handoffAttempt, #"{"target":"agent-1","attempt":1}"#)
        log("L1-0002", c, 30_000, EventType.callEnded, #"{"outcome":"abandoned","by":"caller"}"#)

        // 4. Day pass refused (one already active); served by the menu.
        let d = nineMs + 1_800_000
        try store.saveCall(CallRecord(id: "L2-0002", line: 2, callerID: "+353872222222", startedAtMs: d, answeredAtMs: d + 1_000,
                                      endedAtMs: d + 40_000, outcome: CallOutcome.selfServed.rawValue, language: "uk",
                                      durationMs: 39_000))
        log("L2-0002", d, 8_000, EventType.dayPassRefused, #"{"msisdn":"353872222222","reason":"pass already active"}"#)

        // 5. Every agent failed: callback taken.
        let e = nineMs + 2_400_000
        try store.saveCall(CallRecord(id: "L1-0003", line: 1, callerID: "+905551234567", startedAtMs: e, answeredAtMs: e + 1_000,
                                      endedAtMs: e + 80_000, outcome: CallOutcome.callbackPromised.rawValue, language: "tr",
                                      handoffReason: "asked", handoffStartedMs: 4_000, waitMs: 65_000, durationMs: 79_000))
        log("L1-0003", e, 5_000, EventType.handoffStarted, #"{"kind":"asked","reason":"caller asked for a person (pressed 0)"}"#)
        log("L1-0003", e, 5_100, EventType.handoffAttempt, #"{"target":"agent-1","attempt":1}"#)
        log("L1-0003", e, 35_100, EventType.handoffFailed, #"{"target":"agent-1","reason":"no_answer"}"#)
        log("L1-0003", e, 35_300, EventType.handoffAttempt, #"{"target":"agent-2","attempt":2}"#)
        log("L1-0003", e, 65_300, EventType.handoffFailed, #"{"target":"agent-2","reason":"no_answer"}"#)
        try store.requestCallback(CallbackRecord(callID: "L1-0003", callerID: "+905551234567", requestedAtMs: e + 70_000,
                                                 reason: "all agents unanswered", language: "tr"))
        log("L1-0003", e, 70_000, EventType.callbackRequested, #"{"caller_id":"+905551234567","reason":"all agents unanswered"}"#)

        // 6. Rang and hung up before Warmline answered.
        let f = nineMs + 3_000_000
        try store.saveCall(CallRecord(id: "L2-0003", line: 2, callerID: "+353873333333", startedAtMs: f, endedAtMs: f + 3_000,
                                      outcome: CallOutcome.abandonedInMenu.rawValue))
        log("L2-0003", f, 0, EventType.callRing)

        // The day before: must stay out of a report for 2026-11-26.
        let yesterday = nineMs - 86_400_000
        try store.saveCall(CallRecord(id: "L1-0000", line: 1, startedAtMs: yesterday, answeredAtMs: yesterday + 1_000,
                                      outcome: CallOutcome.reachedPerson.rawValue, handoffLatencyMs: 60_000, handoffReason: "distress"))
        log("L1-0000", yesterday, 5_000, EventType.distressHandoff, #"{"score":0.9,"threshold":0.6,"reasons":["night"]}"#)
        _ = writer.flush(timeoutMs: 10_000)
        // WARMLINE_KEEP_FIXTURE=/path/x.sqlite keeps a copy for trying the CLI by hand.
        if let keep = ProcessInfo.processInfo.environment["WARMLINE_KEEP_FIXTURE"], !FileManager.default.fileExists(atPath: keep) {
            try store.pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM INTO ?", arguments: [keep]) }
        }
    }
}
