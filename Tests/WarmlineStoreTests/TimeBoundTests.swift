import Foundation
import Testing
@testable import WarmlineStore

@Suite("TimeBound")
struct TimeBoundTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let utc = TimeZone(secondsFromGMT: 0)!

    @Test("durations count back from now", arguments: [("90s", 90.0), ("30m", 1_800.0), ("2h", 7_200.0), ("7d", 604_800.0), ("1w", 604_800.0)])
    func durations(text: String, seconds: Double) throws {
        #expect(try TimeBound.parse(text, now: now, timeZone: utc) == now.addingTimeInterval(-seconds))
    }

    @Test("a duration reaching back past 100 years is refused with a message, not a crash",
          arguments: ["922337203685477580s", "9223372036854775807s", "99999999w", "36600000d"])
    func absurdDurations(text: String) {
        #expect(throws: StoreError.self) { try TimeBound.parse(text, now: now, timeZone: self.utc) }
        do {
            _ = try TimeBound.parse(text, now: now, timeZone: utc)
        } catch {
            #expect("\(error)".contains("more than 100 years"), "\(error)")
        }
        // 99 years is still a window a supervisor may ask for
        #expect((try? TimeBound.parse("36000d", now: now, timeZone: utc)) != nil)
    }

    @Test("milliseconds never trap, even for dates beyond what Int64 milliseconds hold")
    func millisecondsClamp() {
        #expect(TimeBound.milliseconds(Date(timeIntervalSince1970: -1e300)) == Int64.min)
        #expect(TimeBound.milliseconds(Date(timeIntervalSince1970: 1e300)) == Int64.max)
        #expect(TimeBound.milliseconds(Date(timeIntervalSince1970: 1.5)) == 1500)
    }

    @Test("dates are read in the given zone unless they carry an offset")
    func dates() throws {
        let berlin = TimeZone(secondsFromGMT: 3_600)!
        #expect(TimeBound.milliseconds(try TimeBound.parse("2026-11-26", now: now, timeZone: utc)) == 1_795_651_200_000)
        #expect(TimeBound.milliseconds(try TimeBound.parse("2026-11-26T01:00", now: now, timeZone: berlin)) == 1_795_651_200_000)
        #expect(TimeBound.milliseconds(try TimeBound.parse("2026-11-26 02:00:00+02:00", now: now, timeZone: utc)) == 1_795_651_200_000)
        #expect(TimeBound.milliseconds(try TimeBound.parse("2026-11-26T00:00:01.250Z", now: now, timeZone: berlin)) == 1_795_651_201_250)
    }

    @Test("malformed values are refused with a hint naming the accepted forms", arguments: ["yesterdays", "2026-13-01", "2026-02-30", "2h30", "-2h", "26/11/2026", ""])
    func malformed(text: String) {
        #expect {
            try TimeBound.parse(text, now: now, timeZone: utc)
        } throws: { error in
            "\(error)".contains("'\(text)' is not a time") && "\(error)".contains("2026-11-26")
        }
    }

    @Test("a day is the local midnight-to-midnight range")
    func day() throws {
        let range = try TimeBound.day("2026-11-26", timeZone: utc)
        #expect(range.end.timeIntervalSince(range.start) == 86_400)
        #expect(throws: StoreError.self) { try TimeBound.day("2026-11-26T10:00", timeZone: utc) }
    }
}
