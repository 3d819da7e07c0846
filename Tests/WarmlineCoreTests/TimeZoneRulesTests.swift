import Foundation
import Testing
@testable import WarmlineCore

/// The compiled zone `name` from the system's tzdata.
private func zoneInfo(_ name: String) throws -> TimeZoneRules {
    let data = try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/\(name)"), "tzdata lacks \(name)")
    return try TimeZoneRules.tzif([UInt8](data), name: name)
}

/// The raw bytes of `name` from the system's tzdata.
private func zoneBytes(_ name: String) throws -> [UInt8] {
    [UInt8](try #require(FileManager.default.contents(atPath: "/usr/share/zoneinfo/\(name)")))
}

@Suite("Time zone rules")
struct TimeZoneRulesTests {
    // Expected offsets are Python's zoneinfo over the same files; past 2037 they come from each file's footer rule.
    @Test("Europe/Kyiv from tzdata: LMT, Soviet time, both DST switches of 2026 to the second, and the footer far ahead",
          arguments: [(Int64(-2_208_988_800), 7324), (-894_153_600, 10800), (646_704_000, 14400), (646_876_800, 10800),
                      (1_768_478_400, 7200), (1_774_745_999, 7200), (1_774_746_000, 10800), (1_792_889_999, 10800),
                      (1_792_890_000, 7200), (4_118_083_200, 10800), (4_131_302_400, 7200), (11_846_908_800, 10800)])
    func kyiv(instant: Int64, offset: Int) throws {
        #expect(try zoneInfo("Europe/Kyiv").offset(atSecondsSinceEpoch: instant) == offset)
    }

    @Test("America/New_York from tzdata: local mean time before 1883, the 2026 switches and November 2100 from the footer",
          arguments: [(Int64(-2_717_650_860), -17762), (-615_513_600, -14400), (1_772_953_199, -18000),
                      (1_772_953_200, -14400), (1_793_512_799, -14400), (1_793_512_800, -18000),
                      (4_118_385_600, -14400), (4_129_250_399, -14400), (4_129_250_400, -18000)])
    func newYork(instant: Int64, offset: Int) throws {
        #expect(try zoneInfo("America/New_York").offset(atSecondsSinceEpoch: instant) == offset)
    }

    @Test("Europe/London, Asia/Kolkata and UTC from tzdata: British Standard Time 1970, war time 1943, half-hour offsets")
    func londonKolkataUTC() throws {
        let london = try zoneInfo("Europe/London")
        #expect([0, 157_766_400, 1_774_746_000, 1_782_864_000, 3_487_017_600, 3_500_236_800]
            .map { london.offset(atSecondsSinceEpoch: $0) } == [3600, 0, 3600, 3600, 3600, 0])
        let kolkata = try zoneInfo("Asia/Kolkata")
        #expect([-852_076_800, 1_767_225_600, 7_258_118_400].map { kolkata.offset(atSecondsSinceEpoch: $0) } == [23400, 19800, 19800])
        #expect(kolkata.nextTransition(afterSecondsSinceEpoch: 1_767_225_600) == nil)
        let utc = try zoneInfo("UTC")
        #expect([-2_208_988_800, 1_782_864_000, 10_429_430_400].map { utc.offset(atSecondsSinceEpoch: $0) } == [0, 0, 0])
        #expect(utc.name == "UTC")
        #expect(utc.nextTransition(afterSecondsSinceEpoch: 0) == nil)
    }

    @Test("the next transition is found in the file's table and, past it, from the footer rule")
    func nextTransition() throws {
        let kyiv = try zoneInfo("Europe/Kyiv")
        let autumn = try #require(kyiv.nextTransition(afterSecondsSinceEpoch: 1_782_864_000))
        #expect(autumn.secondsSinceEpoch == 1_792_890_000 && autumn.offsetSeconds == 7200)
        let spring2100 = try #require(kyiv.nextTransition(afterSecondsSinceEpoch: 4_131_302_400))
        #expect(kyiv.offset(atSecondsSinceEpoch: spring2100.secondsSinceEpoch - 1) == 7200)
        #expect(kyiv.offset(atSecondsSinceEpoch: spring2100.secondsSinceEpoch) == 10800)
        #expect(spring2100.offsetSeconds == 10800)
        // Absurd instants neither trap nor leave the zone's offsets.
        #expect([7200, 10800].contains(kyiv.offset(atSecondsSinceEpoch: .max)))
        #expect(kyiv.offset(atSecondsSinceEpoch: .min) == 7324)
        #expect(kyiv.nextTransition(afterSecondsSinceEpoch: .max) == nil)
    }

    @Test("every zone agrees with its own footer rule for the years after its table ends")
    func footerMatchesTable() throws {
        let footers = ["Europe/Kyiv": "EET-2EEST,M3.5.0/3,M10.5.0/4", "America/New_York": "EST5EDT,M3.2.0,M11.1.0",
                       "Europe/London": "GMT0BST,M3.5.0/1,M10.5.0", "Asia/Kolkata": "IST-5:30"]
        for (name, footer) in footers {
            let file = try zoneInfo(name)
            let rule = try TimeZoneRules.posix(footer, name: name)
            for instant in stride(from: Int64(1_767_225_600), to: 4_102_444_800, by: 86_400 * 7 + 3_607) {
                #expect(file.offset(atSecondsSinceEpoch: instant) == rule.offset(atSecondsSinceEpoch: instant), "\(name) at \(instant)")
            }
        }
    }

    @Test("a version 1 file (the 32-bit block alone) is read too")
    func versionOne() throws {
        var bytes = try zoneBytes("Europe/Kyiv")
        // Header counts: isut, isstd, leap, time, type, char (big-endian 32-bit from byte 20).
        func count(_ index: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(bytes[20 + index * 4 + $1]) } }
        let size = 44 + count(3) * 5 + count(4) * 6 + count(5) + count(2) * 8 + count(1) + count(0)
        bytes = Array(bytes[0..<size])
        bytes[4] = 0
        let kyiv = try TimeZoneRules.tzif(bytes, name: "Europe/Kyiv")
        #expect(kyiv.offset(atSecondsSinceEpoch: 1_774_746_000) == 10800)
        #expect(kyiv.offset(atSecondsSinceEpoch: 1_792_890_000) == 7200)
    }

    @Test("a truncated, foreign or corrupt TZif file is refused with the zone and what is wrong")
    func corrupt() throws {
        let bytes = try zoneBytes("Europe/Kyiv")
        let truncated = #expect(throws: TimeZoneError.self) { try TimeZoneRules.tzif(Array(bytes.prefix(300)), name: "Europe/Kyiv") }
        #expect(truncated?.description.hasPrefix("time zone 'Europe/Kyiv': the TZif data ends at byte 300") == true)
        #expect(truncated?.description.contains("truncated file; reinstall tzdata") == true)
        let noFooter = #expect(throws: TimeZoneError.self) { try TimeZoneRules.tzif(Array(bytes.dropLast(5)), name: "Europe/Kyiv") }
        #expect(noFooter?.reason.contains("footer") == true)
        let empty = #expect(throws: TimeZoneError.self) { try TimeZoneRules.tzif([], name: "Europe/Kyiv") }
        #expect(empty?.reason.contains("the header") == true)
        let text = #expect(throws: TimeZoneError.self) {
            try TimeZoneRules.tzif(Array("Europe/Kyiv is a link, not a file, said the installer".utf8), name: "Europe/Kyiv")
        }
        #expect(text?.reason == "the data does not start with \"TZif\" at byte 0 (not a compiled zoneinfo file)")
        var badType = bytes
        let v1TimeCount = Int(bytes[32]) << 24 | Int(bytes[33]) << 16 | Int(bytes[34]) << 8 | Int(bytes[35])
        let v1TypeCount = Int(bytes[36]) << 24 | Int(bytes[37]) << 16 | Int(bytes[38]) << 8 | Int(bytes[39])
        let v1CharCount = Int(bytes[40]) << 24 | Int(bytes[41]) << 16 | Int(bytes[42]) << 8 | Int(bytes[43])
        let v1LeapCount = Int(bytes[28]) << 24 | Int(bytes[29]) << 16 | Int(bytes[30]) << 8 | Int(bytes[31])
        let v1Flags = (Int(bytes[24]) << 24 | Int(bytes[25]) << 16 | Int(bytes[26]) << 8 | Int(bytes[27]))
            + (Int(bytes[20]) << 24 | Int(bytes[21]) << 16 | Int(bytes[22]) << 8 | Int(bytes[23]))
        let second = 44 + v1TimeCount * 5 + v1TypeCount * 6 + v1CharCount + v1LeapCount * 8 + v1Flags
        let timeCount = Int(bytes[second + 32]) << 24 | Int(bytes[second + 33]) << 16 | Int(bytes[second + 34]) << 8 | Int(bytes[second + 35])
        badType[second + 44 + timeCount * 8 + 3] = 200  // transition 3 now names local time type 200
        let corrupt = #expect(throws: TimeZoneError.self) { try TimeZoneRules.tzif(badType, name: "Europe/Kyiv") }
        #expect(corrupt?.reason.hasPrefix("TZif transition 3 uses local time type 200") == true)
        var badFooter = bytes
        badFooter[bytes.count - 4] = UInt8(ascii: "x")  // "...M10.5.0/4" -> "...M10.5.x/4"
        let footer = #expect(throws: TimeZoneError.self) { try TimeZoneRules.tzif(badFooter, name: "Europe/Kyiv") }
        #expect(footer?.reason.hasPrefix("the TZif footer rule \"EET-2EEST,M3.5.0/3,M10.5.x/4\" is invalid") == true)
    }

    // Expected switch instants are glibc's (TZ=<rule> localtime) for 2027 and 2028.
    @Test("POSIX rules: Mm.w.d, Jn and zero-based n days, times past 24 h, negative times, southern DST, quarter hours",
          arguments: [
            ("IST-2IDT,M3.4.4/26,M10.5.0", [Int64(1_806_019_200), 1_824_937_200, 1_837_468_800, 1_856_386_800], 7200, 10800),
            ("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", [1_806_195_600, 1_824_944_400, 1_837_645_200, 1_856_394_000], -7200, -3600),
            ("AEST-10AEDT,M10.1.0,M4.1.0/3", [1_806_768_000, 1_822_492_800, 1_838_217_600, 1_853_942_400], 36000, 39600),
            ("AAA3BBB,J60/0,J300/0", [1_803_870_000, 1_824_602_400, 1_835_492_400, 1_856_224_800], -10800, -7200),
            ("AAA3BBB,59/2,300/2", [1_803_877_200, 1_824_696_000, 1_835_413_200, 1_856_232_000], -10800, -7200),
            ("EET-2EEST,M3.5.0/3,M10.5.0/4", [1_806_195_600, 1_824_944_400, 1_837_645_200, 1_856_394_000], 7200, 10800),
            ("<+1345>-13:45<+1445>,M9.5.0/2:45,M4.1.0/3:45", [1_806_757_200, 1_821_877_200, 1_838_206_800, 1_853_326_800], 49500, 53100),
          ])
    func posixRules(rule: String, switches: [Int64], standard: Int, daylight: Int) throws {
        let zone = try TimeZoneRules.posix(rule, name: "Test/Zone")
        let southern = zone.offset(atSecondsSinceEpoch: switches[0] - 1) == daylight
        for (index, instant) in switches.enumerated() {
            let (before, after) = (index % 2 == 0) != southern ? (standard, daylight) : (daylight, standard)
            #expect(zone.offset(atSecondsSinceEpoch: instant - 1) == before, "\(rule) just before \(instant)")
            #expect(zone.offset(atSecondsSinceEpoch: instant) == after, "\(rule) at \(instant)")
            #expect(zone.nextTransition(afterSecondsSinceEpoch: instant - 1)?.secondsSinceEpoch == instant)
        }
    }

    @Test("POSIX rules without DST, and DST all year (\"EST5EDT4,0/0,J365/25\")")
    func fixedAndPermanent() throws {
        let moscow = try TimeZoneRules.posix("<+03>-3", name: "Europe/Moscow")
        #expect(moscow.offset(atSecondsSinceEpoch: 1_800_000_000) == 10800)
        #expect(moscow.nextTransition(afterSecondsSinceEpoch: 0) == nil)
        #expect(try TimeZoneRules.posix("IST-5:30", name: "Asia/Kolkata").offset(atSecondsSinceEpoch: 0) == 19800)
        #expect(try TimeZoneRules.posix("<-0330>3:30", name: "America/St_Johns").offset(atSecondsSinceEpoch: 0) == -12600)
        let permanent = try TimeZoneRules.posix("EST5EDT4,0/0,J365/25", name: "Test/Permanent")
        for instant in stride(from: Int64(1_798_700_000), to: 1_830_400_000, by: 3_599) {
            #expect(permanent.offset(atSecondsSinceEpoch: instant) == -14400, "at \(instant)")
        }
        #expect(permanent.nextTransition(afterSecondsSinceEpoch: 1_798_700_000) == nil)
    }

    @Test("a bad POSIX rule is refused, naming the zone, the rule and the fault",
          arguments: [
            ("", "expected a zone abbreviation of 3 or more letters at character 1, found the end of the rule"),
            ("EET", "expected a number for the UTC offset of EET at character 4, found the end of the rule"),
            ("EET-2EEST", "EEST has no start and end rule (expected \",M3.5.0/3,M10.5.0/4\" or similar)"),
            ("EET-2EEST,M13.5.0/3,M10.5.0/4", "month 13 of the start of EEST is not 1...12"),
            ("EET-2EEST,M3.6.0/3,M10.5.0/4", "week 6 of the start of EEST is not 1...5"),
            ("EET-2EEST,M3.5.7/3,M10.5.0/4", "weekday 7 of the start of EEST is not 0...6 (0 is Sunday)"),
            ("EET-2EEST,M3.5.0/3", "the end of EEST is missing after the start rule"),
            ("EET-2EEST,M3.5.0/168,M10.5.0", "the time of the start of EEST \"168\" is out of range (hours 0...167, minutes and seconds 0...59)"),
            ("EET-25", "the UTC offset of EET \"-25\" is out of range (hours 0...24, minutes and seconds 0...59)"),
            ("EET-2EEST,J0,J365", "day J0 of the start of EEST is not J1...J365"),
            ("EET-2EEST,M3.5.0,M10.5.0 trailing", "unexpected \" trailing\" after the end rule"),
            ("<+03-3", "the zone abbreviation at character 1 has no closing '>'"),
            ("EE-2", "expected a zone abbreviation of 3 or more letters at character 1, found \"EE-2\""),
          ])
    func badRules(rule: String, reason: String) {
        let error = #expect(throws: TimeZoneError.self) { try TimeZoneRules.posix(rule, name: "Europe/Kyiv") }
        #expect(error?.description == "time zone 'Europe/Kyiv': the POSIX TZ rule \"\(rule)\" is invalid: \(reason)")
    }

    @Test("a fixed zone is named for its offset and never changes")
    func fixed() {
        #expect(TimeZoneRules.fixed(offsetSeconds: 0).name == "UTC")
        #expect(TimeZoneRules.fixed(offsetSeconds: 7200).name == "UTC+02:00")
        #expect(TimeZoneRules.fixed(offsetSeconds: -12600).name == "UTC-03:30")
        #expect(TimeZoneRules.fixed(offsetSeconds: 19800, name: "IST").name == "IST")
        #expect(TimeZoneRules.fixed(offsetSeconds: 19800).offset(atSecondsSinceEpoch: -5_000_000_000) == 19800)
        #expect(TimeZoneRules.fixed(offsetSeconds: 3600).nextTransition(afterSecondsSinceEpoch: 0) == nil)
        #expect(TimeZoneRules.fixed(offsetSeconds: 3600) != TimeZoneRules.fixed(offsetSeconds: 7200))
    }
}
