import Testing
@testable import WarmlineCore

@Suite("Spoken formats")
struct SpokenFormatTests {
    @Test("Expiry times read naturally in each language, in the unit's local time")
    func dateTimes() {
        // 2024-02-29 23:05 UTC; at UTC+3 it is 1 March 02:05
        let time = WallTime(secondsSinceEpoch: 1_709_247_900, utcOffsetSeconds: 3 * 3600)
        #expect(SpokenFormat.dateTime(time, language: "en") == "2:05 on 1 March")
        #expect(SpokenFormat.dateTime(time, language: "uk") == "2:05, 1 березня")
        #expect(SpokenFormat.dateTime(time, language: "tr") == "1 Mart 2:05")
        #expect(SpokenFormat.dateTime(WallTime(secondsSinceEpoch: 1_709_247_900), language: "") == "2024-02-29 23:05")
    }

    @Test("Calendar fields are right before 1970 and across leap days")
    func calendar() {
        let before = WallTime(secondsSinceEpoch: -1).local
        #expect([before.year, before.month, before.day, before.hour, before.minute] == [1969, 12, 31, 23, 59])
        let leap = WallTime(secondsSinceEpoch: 951_782_400).local  // 2000-02-29 00:00 UTC
        #expect([leap.year, leap.month, leap.day] == [2000, 2, 29])
    }

    @Test("Amounts use the language's decimal separator and keep the sign")
    func amounts() {
        #expect(SpokenFormat.amount(minorUnits: 1250, language: "en") == "12.50")
        #expect(SpokenFormat.amount(minorUnits: 1205, language: "uk") == "12,05")
        #expect(SpokenFormat.amount(minorUnits: -7, language: "tr") == "-0,07")
    }
}
