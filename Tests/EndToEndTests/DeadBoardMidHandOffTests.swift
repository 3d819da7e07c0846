import Foundation
import Testing
import WarmlineAudio
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

extension EndToEnd {
    /// A board that resets mid-call: the line goes to bypass and the call is logged as ended by a fault. (Named to run
    /// after the bypass and console suites of its lane: the first minute of the full tier starts every suite at once,
    /// board commands then took seconds to be acknowledged, and a hand-off that must dial before the reset did not.)
    @Suite("Board fault end to end")
    struct DeadBoardMidHandOffTests {
        @Test("A board reset mid hand-off puts the line in bypass and the call is logged as ended by fault")
        func boardResetMidCall() async throws {
            let options = try EndToEndRig.options("board-fault")
            let transcript = TranscriptLines()
            let session = DemoSession(options: options, transcript: { transcript.append($0) })
            // Asks for a person at once; the agent never answers, so the hand-off is still ringing when the board resets.
            let caller = ScriptedCaller(label: "asks for a person", number: "+15550201", name: "Fay Moss", agent: "noanswer",
                                        steps: [.silence(ms: 800), .dtmf("0"), .silence(ms: 30_000)])
            // Watches until the hand-off dials or the session is over (no wall-clock deadline of its own: the session's
            // start-up, prompt rendering included, can take longer than any fixed bound on a loaded machine).
            let breaker = Task {
                while !Task.isCancelled {
                    if let emulator = session.emulators.first, emulator.log().contains("net: dialled") {
                        emulator.send("reset")
                        return true
                    }
                    try? await Task.sleep(nanoseconds: 20_000_000)
                }
                return false
            }
            let calls: [DemoSession.Call]
            do {
                calls = try await session.run(lines: [[caller]])
            } catch {
                breaker.cancel()
                throw error
            }
            breaker.cancel()
            #expect(await breaker.value, "the hand-off never dialled:\n\(transcript.text)")
            let call = try #require(calls.first)
            #expect(call.result.outcome == WarmlineStore.CallOutcome.failed.rawValue, "\(transcript.text)")
            #expect(call.result.endReason.contains("board reset"))
            let ended = try EndToEndRig.events(options.databasePath, callID: call.result.callID, type: EventType.callEnded)
            #expect(ended.count == 1)
            #expect(ended.first?.payload.contains("fault") == true)
            let log = (try? String(contentsOfFile: options.workDirectory + "/emulator-line1.log", encoding: .utf8)) ?? ""
            let afterDial = log.components(separatedBy: "net: dialled").last ?? ""
            #expect(afterDial.contains("bypass relay released (line to agent)"), "emulator log:\n\(log)")
            // issue 18: the report's line health comes from what the board reported: one reset, the fault, time in bypass
            #expect(try EndToEndRig.events(options.databasePath, type: EventType.lineBoardReset).count == 1)
            let report = try StoreDatabase(readingAt: options.databasePath).report(fromMs: 0, toMs: Int64(Date().timeIntervalSince1970 * 1000) + 1)
            let line = try #require(report.lines.first { $0.line == 1 }, "\(report.lines)")
            #expect(line.boardResets == 1 && line.faults == 1 && line.calls == 1, "\(line)")
            #expect(line.bypassMs > 0, "\(line)")
        }
    }
}
