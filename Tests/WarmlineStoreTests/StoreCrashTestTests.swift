import Foundation
import Testing
import WarmlineDSP
import WarmlineTestScheduling
import WarmlineTestSupport
@testable import WarmlineStore

@Suite("StoreCrashTest", .holdsItsThread)
struct StoreCrashTestTests {
    @Test("after each of 5 SIGKILLs at seeded random moments the file is intact and every acknowledged event is there")
    func survivesKills() throws {
        let binary = try BuildProducts.executable("warmline-store-stress")
        let directory = TemporaryDirectory()
        let rounds = try StoreCrashTest.run(kills: 5, seed: 20_261_126, delayRangeMs: 20...200, databasePath: directory.file("crash.sqlite"),
                                            childCommand: { path, runID in (binary, ["--db", path, "--run", runID]) })
        #expect(rounds.count == 5)
        for round in rounds {
            #expect(round.integrity == "ok")
            #expect(round.acknowledged > 0)
            #expect(UInt64(round.present) == round.acknowledged, "round \(round.round): \(round.present) of \(round.acknowledged) acknowledged events found")
            #expect(UInt64(round.stored) >= round.acknowledged)
        }
    }

    @Test("the seeded generator repeats its sequence, so the kill moments do too")
    func seededRandomRepeats() {
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        var other = SplitMix64(seed: 8)
        let a = (0..<5).map { _ in first.next() }
        #expect(a == (0..<5).map { _ in second.next() })
        #expect(a != (0..<5).map { _ in other.next() })
    }
}
