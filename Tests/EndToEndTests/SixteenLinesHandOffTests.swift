import Foundation
import Testing
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

extension EndToEndSecondLane {
    /// The unit's runtime (`UnitRunner`: the service group `warmline run` starts) on 16 firmware emulator processes,
    /// every line ringing at once: each is answered, its caller presses 0 and reaches the agent through a warm hand-off.
    @Suite("Sixteen lines hand off end to end")
    struct SixteenLinesHandOffTests {
        @Test("16 emulated lines ring at once: every call is answered and handed off to a person, with its whisper")
        func sixteenHandOffs() async throws {
            let lineCount = 16
            var options = try EndToEndRig.options("sixteen-handoffs")
            // 16 callers in real time, as on a unit: 16 file-fed loops running flat out would starve the 16 emulators
            options.realTimeCallers = true
            let transcript = TranscriptLines()
            let session = DemoSession(options: options, transcript: { transcript.append($0) })
            let callers = (1...lineCount).map { line in
                [ScriptedCaller(label: "line \(line) presses 0", number: "+1555031\(String(format: "%02d", line))", name: "Caller \(line)",
                                steps: [.silence(ms: 1000), .dtmf("0"), .silence(ms: 20_000)])]
            }
            let calls: [DemoSession.Call]
            do {
                calls = try await session.run(lines: callers)
            } catch {
                throw EndToEndRig.Failure(description: "\(error)\n\(transcript.text)")
            }
            #expect(calls.count == lineCount, "\(transcript.text)")
            #expect(Set(calls.map(\.line)) == Set(1...lineCount))
            for call in calls {
                #expect(call.result.outcome == WarmlineStore.CallOutcome.reachedPerson.rawValue,
                        "line \(call.line): \(call.result.endReason)\n\(transcript.text)")
                let connected = try EndToEndRig.events(options.databasePath, callID: call.result.callID, type: "handoff.connected")
                #expect(connected.count == 1, "line \(call.line)")
                let whisper = try EndToEndRig.events(options.databasePath, callID: call.result.callID, type: "handoff.whisper")
                #expect(whisper.first?.payload.contains("asked for a person") == true, "line \(call.line): \(whisper.map(\.payload))")
            }
            let answered = transcript.text.components(separatedBy: "\n").filter { $0.contains("board: OFF_HOOK acknowledged") }
            #expect(answered.count == lineCount, "\(transcript.text)")
        }
    }
}
