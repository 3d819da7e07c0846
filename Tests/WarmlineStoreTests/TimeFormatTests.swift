import Foundation
import Testing
@testable import WarmlineStore

@Suite("TimeFormat")
struct TimeFormatTests {
    let kyiv = TimeFormat(timeZone: TimeZone(identifier: "Europe/Kyiv")!)
    let newYork = TimeZone(identifier: "America/New_York")!

    @Test("a wall time is shown in the unit's zone with its offset beside it")
    func labelled() {
        // 2026-12-06 00:34:39.123 UTC
        let ms: Int64 = 1_796_517_279_123
        #expect(kyiv.dateTime(ms: ms) == "2026-12-06 02:34:39 +02:00")
        #expect(kyiv.iso8601(ms: ms) == "2026-12-06T02:34:39.123+02:00")
        #expect(TimeFormat.utc.dateTime(ms: ms) == "2026-12-06 00:34:39 +00:00")
        #expect(TimeFormat.utc.zoneName == "UTC")
        #expect(kyiv.zoneName == "Europe/Kyiv")
        #expect(TimeFormat(timeZone: TimeZone(identifier: "Asia/Kolkata")!).offsetLabel(ms: ms) == "+05:30")
        #expect(TimeFormat(timeZone: newYork).dateTime(ms: ms) == "2026-12-05 19:34:39 -05:00")
    }

    @Test("the hour Kyiv repeats when summer time ends reads twice with different offsets, never as one ambiguous time")
    func repeatedHour() {
        // 2026-10-25 01:00:00 UTC: clocks go from 04:00 +03:00 back to 03:00 +02:00
        let change: Int64 = 1_792_890_000_000
        #expect(kyiv.dateTime(ms: change - 1_000) == "2026-10-25 03:59:59 +03:00")
        #expect(kyiv.dateTime(ms: change) == "2026-10-25 03:00:00 +02:00")
        #expect(kyiv.dateTime(ms: change - 3_600_000) == "2026-10-25 03:00:00 +03:00")
    }

    @Test("call time is minutes, seconds and hundredths; hours appear only past an hour")
    func callTime() {
        #expect(TimeFormat.callTime(ms: 3_460) == "0:03.46")
        #expect(TimeFormat.callTime(ms: 95_000) == "1:35.00")
        #expect(TimeFormat.callTime(ms: 3_723_459) == "1:02:03.45")
        #expect(TimeFormat.callTime(ms: -500) == "-0:00.50")
    }

    @Test("an age is at most two units")
    func age() {
        #expect(TimeFormat.age(ms: 45_000) == "45 s")
        #expect(TimeFormat.age(ms: 12 * 60_000 + 5_000) == "12 min")
        #expect(TimeFormat.age(ms: 3 * 3_600_000 + 12 * 60_000) == "3 h 12 min")
        #expect(TimeFormat.age(ms: 2 * 86_400_000 + 4 * 3_600_000 + 60_000) == "2 d 4 h")
    }

    @Test("today and yesterday are the unit's local days, 23 hours long on the spring-forward day in New York")
    func localDaysAcrossDST() throws {
        // 2026-03-09 12:00 EDT (16:00 UTC), the day after clocks went forward at 2026-03-08 02:00 EST
        let now = Date(timeIntervalSince1970: 1_773_072_000)
        let today = try TimeBound.parse("today", now: now, timeZone: newYork)
        let yesterday = try TimeBound.parse("yesterday", now: now, timeZone: newYork)
        #expect(TimeBound.milliseconds(today) == 1_773_028_800_000)      // 2026-03-09 00:00 -04:00
        #expect(TimeBound.milliseconds(yesterday) == 1_772_946_000_000)  // 2026-03-08 00:00 -05:00
        #expect(today.timeIntervalSince(yesterday) == 23 * 3_600)
        // the same instant is already "today" in Kyiv's calendar from a different midnight
        let kyivToday = try TimeBound.parse("Today", now: now, timeZone: kyiv.timeZone)
        #expect(TimeBound.milliseconds(kyivToday) == 1_773_007_200_000) // 2026-03-09 00:00 +02:00
    }

    @Test("on the fall-back day in Kyiv, yesterday to today spans 25 hours")
    func fallBackDay() throws {
        let now = Date(timeIntervalSince1970: 1_793_008_800) // 2026-10-26 12:00 +02:00
        let today = try TimeBound.parse("today", now: now, timeZone: kyiv.timeZone)
        let yesterday = try TimeBound.parse("yesterday", now: now, timeZone: kyiv.timeZone)
        #expect(today.timeIntervalSince(yesterday) == 25 * 3_600)
        #expect(kyiv.dateTime(ms: TimeBound.milliseconds(yesterday)) == "2026-10-25 00:00:00 +03:00")
        #expect(kyiv.dateTime(ms: TimeBound.milliseconds(today)) == "2026-10-26 00:00:00 +02:00")
    }
}
