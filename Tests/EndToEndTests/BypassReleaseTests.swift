import Foundation
import Testing
import WarmlineCore
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

extension EndToEnd {
    /// A caller in danger on a unit with no hand-off targets: the real firmware emulator hands the line to the agent line.
    @Suite("Bypass instead of a hang-up")
    struct BypassReleaseTests {
        @Test("With no targets, a caller who presses 9 is told and the board's bypass relay takes the line; Warmline never puts it on hook")
        func noTargetsGoToBypass() async throws {
            let options = try EndToEndRig.options("bypass-release")
            let transcript = TranscriptLines()
            let session = DemoSession(options: options, transcript: { transcript.append($0) })
            let caller = ScriptedCaller(label: "in danger, no targets", number: "+15550201", name: "Ida Ross",
                                        steps: [.silence(ms: 11_000), .dtmf("9"), .silence(ms: 12_000)])
            let calls: [DemoSession.Call]
            do {
                calls = try await session.run(lines: [[caller]], agents: [])
            } catch {
                throw EndToEndRig.Failure(description: "\(error)\n\(transcript.text)")
            }
            let call = try #require(calls.first)
            #expect(call.result.outcome == WarmlineStore.CallOutcome.bypassed.rawValue, "\(transcript.text)")
            let log = try String(contentsOfFile: options.workDirectory + "/emulator-line1.log", encoding: .utf8)
            #expect(log.contains("released (line to agent)"), "\(log)")
            let text = transcript.text
            #expect(text.contains("play bypass_release [en]"))
            #expect(text.contains("SET_BYPASS on"))
            #expect(!text.contains("ON_HOOK"), "Warmline put the line on hook:\n\(text)")
            let released = try EndToEndRig.events(options.databasePath, callID: call.result.callID, type: "handoff.bypass")
            #expect(released.first?.payload.contains("no hand-off targets configured") == true)
        }
    }
}
