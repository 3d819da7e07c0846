import Foundation
import Testing
@testable import WarmlineCore

@Suite("Wall time")
struct WallTimeTests {
    private func kyiv() throws -> TimeZoneRules {
        let data = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/Europe/Kyiv"))
        return try TimeZoneRules.tzif([UInt8](data), name: "Europe/Kyiv")
    }

    private func fields(_ time: WallTime) -> [Int] {
        let local = time.local
        return [local.year, local.month, local.day, local.hour, local.minute]
    }

    @Test("a 24 h pass granted 2026-10-25 03:30 in Kyiv (UTC+3) expires 02:30 on the 26th (UTC+2), after clocks go back")
    func autumnExpiry() throws {
        let granted = WallTime(secondsSinceEpoch: 1_792_888_200, zone: try kyiv())
        #expect(fields(granted) == [2026, 10, 25, 3, 30] && granted.utcOffsetSeconds == 10800)
        let expires = granted.adding(seconds: 24 * 3600)
        #expect(fields(expires) == [2026, 10, 26, 2, 30])
        #expect(expires.utcOffsetSeconds == 7200)
        #expect(expires.zone == granted.zone)
        #expect(expires.localDays(since: granted) == 1)
    }

    @Test("a pass granted 2026-10-24 03:30 in Kyiv expires 03:30 on the 25th, still UTC+3: clocks go back at 04:00 that day")
    func autumnExpiryBeforeTheChange() throws {
        let granted = WallTime(secondsSinceEpoch: 1_792_801_800, zone: try kyiv())
        #expect(fields(granted) == [2026, 10, 24, 3, 30])
        let expires = granted.adding(seconds: 24 * 3600)
        #expect(fields(expires) == [2026, 10, 25, 3, 30] && expires.utcOffsetSeconds == 10800)
        #expect(fields(expires.adding(seconds: 3600)) == [2026, 10, 25, 3, 30])  // the hour lived twice
        #expect(expires.adding(seconds: 3600).utcOffsetSeconds == 7200)
    }

    @Test("a 24 h pass granted 2026-03-28 03:30 in Kyiv (UTC+2) expires 04:30 on the 29th (UTC+3), after clocks go forward")
    func springExpiry() throws {
        let granted = WallTime(secondsSinceEpoch: 1_774_661_400, zone: try kyiv())
        #expect(fields(granted) == [2026, 3, 28, 3, 30] && granted.utcOffsetSeconds == 7200)
        let expires = granted.adding(seconds: 24 * 3600)
        #expect(fields(expires) == [2026, 3, 29, 4, 30] && expires.utcOffsetSeconds == 10800)
    }

    @Test("a pass granted at 23:30 the evening before clocks go forward ends two calendar days later")
    func dayAfterTomorrow() throws {
        let granted = WallTime(secondsSinceEpoch: 1_774_733_400, zone: try kyiv())  // 2026-03-28 23:30 +02:00
        #expect(fields(granted) == [2026, 3, 28, 23, 30])
        let expires = granted.adding(seconds: 24 * 3600)
        #expect(fields(expires) == [2026, 3, 30, 0, 30])
        #expect(expires.localDays(since: granted) == 2)
    }

    @Test("the fixed-offset initializer keeps working: a fixed zone, ordered by instant, not by zone")
    func fixedOffset() {
        let time = WallTime(secondsSinceEpoch: 1_795_000_000, utcOffsetSeconds: 7200)
        #expect(time.utcOffsetSeconds == 7200)
        #expect(time.zone == .fixed(offsetSeconds: 7200))
        #expect(time == WallTime(secondsSinceEpoch: 1_795_000_000, zone: .fixed(offsetSeconds: 7200)))
        #expect(time < WallTime(secondsSinceEpoch: 1_795_000_001))
        #expect(WallTime(secondsSinceEpoch: 5).utcOffsetSeconds == 0)
    }

    @Test("the log's date and time follow the zone's offset on that date")
    func spokenFormatFollowsTheZone() throws {
        let summer = WallTime(secondsSinceEpoch: 1_782_864_000, zone: try kyiv())  // 2026-07-01 00:00 UTC
        let winter = WallTime(secondsSinceEpoch: 1_767_225_600, zone: try kyiv())  // 2026-01-01 00:00 UTC
        #expect(SpokenFormat.dateTime(summer, language: "") == "2026-07-01 3:00")
        #expect(SpokenFormat.dateTime(winter, language: "en") == "2:00 on 1 January")
    }
}
