import Foundation
import Testing
@testable import WarmlineStore

@Suite("StoreCrashTest")
struct StoreCrashTestTests {
    /// The child binary sits beside the test executable in the build products directory (`swift build --build-tests`).
    static var stressBinary: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((executable as NSString).deletingLastPathComponent as NSString).appendingPathComponent("warmline-store-stress")
    }

    @Test("after each of 5 SIGKILLs at seeded random moments the file is intact and every acknowledged event is there")
    func survivesKills() throws {
        let binary = StoreCrashTestTests.stressBinary
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "crash-test child missing at \(binary): build it with `swift build --build-tests`")
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
        var first = SeededRandom(seed: 7)
        var second = SeededRandom(seed: 7)
        var other = SeededRandom(seed: 8)
        let a = (0..<5).map { _ in first.next() }
        #expect(a == (0..<5).map { _ in second.next() })
        #expect(a != (0..<5).map { _ in other.next() })
    }
}
