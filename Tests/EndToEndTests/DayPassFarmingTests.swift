import Foundation
import Testing
import WarmlineAudio
import WarmlineSimulation
import WarmlineStore
import WarmlineUnit

extension EndToEndSecondLane {
    /// One subscriber calling under four spellings of their number, and a caller ID full of escape codes, on emulated lines.
    @Suite("Day passes cannot be farmed")
    struct DayPassFarmingTests {
        @Test("+15550402, 15550402, 0015550402 and +015550402 get one day pass between them; an escape-code caller ID gets none and is shown escaped")
        func fourVariantsOnePass() async throws {
            let options = try EndToEndRig.options("day-pass-farming")
            let transcript = TranscriptLines()
            let session = DemoSession(options: options, transcript: { transcript.append($0) })
            // zero balance: offered the pass first, takes it (as the demo's day-pass caller)
            let takes: [CallerStep] = [.silence(ms: 16_000), .dtmf("1"), .silence(ms: 12_000)]
            // asks for the pass from the menu (2), then confirms (1)
            let asks: [CallerStep] = [.silence(ms: 11_000), .dtmf("2"), .silence(ms: 5_000), .dtmf("1"), .silence(ms: 8_000)]
            let variants = [ScriptedCaller(label: "+15550402", number: "+15550402", name: "Zoe", balanceMinor: 0, steps: takes)]
                + ["15550402", "0015550402", "+015550402"].map { ScriptedCaller(label: $0, number: $0, name: "Zoe", steps: asks) }
            let hostile = ScriptedCaller(label: "escape codes", number: "+1555\u{1b}[2J0403", name: "X", balanceMinor: 0, steps: asks)
            let calls: [DemoSession.Call]
            do {
                calls = try await session.run(lines: [variants, [hostile]])
            } catch {
                throw EndToEndRig.Failure(description: "\(error)\n\(transcript.text)")
            }
            #expect(calls.count == 5, "\(transcript.text)")
            #expect(try Self.passes(options.databasePath).map(\.msisdn) == ["+15550402"], "\(transcript.text)")
            #expect(try StoreDatabase(readingAt: options.databasePath).pendingOutbox().count == 1)
            let refusals = try EndToEndRig.events(options.databasePath, type: EventType.dayPassRefused).map(\.payload)
            #expect(refusals.filter { $0.contains("\"rule\":\"one_open_pass\"") }.count == 3, "\(refusals)")
            #expect(refusals.filter { $0.contains("\"rule\":\"caller_id_not_plausible\"") }.count == 1, "\(refusals)")
            let text = transcript.text
            #expect(text.contains(#"answered: caller +1555\x1b[2J0403"#), "\(text)")
            #expect(!text.unicodeScalars.contains { $0.value == 0x1B })
        }

        static func passes(_ path: String) throws -> [DayPassRecord] {
            try StoreDatabase(readingAt: path).pool.read { try DayPassRecord.fetchAll($0) }
        }
    }
}
