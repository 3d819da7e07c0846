import Foundation
import Testing
import WarmlineCore
@testable import WarmlineUnit

@Suite("Zone info")
struct ZoneInfoTests {
    @Test("the unit reads its zone's rules from tzdata: Kyiv is UTC+2 in winter and UTC+3 in summer")
    func loadsTheZone() throws {
        let kyiv = try ZoneInfo.load("Europe/Kyiv")
        #expect(kyiv.name == "Europe/Kyiv")
        #expect(kyiv.offset(atSecondsSinceEpoch: 1_767_225_600) == 7200)
        #expect(kyiv.offset(atSecondsSinceEpoch: 1_782_864_000) == 10800)
        #expect(kyiv.summary(atSecondsSinceEpoch: 1_782_864_000) == "UTC+03:00; next change 2026-10-25 01:00 UTC to UTC+02:00")
        #expect(try ZoneInfo.load("Asia/Kolkata").summary(atSecondsSinceEpoch: 0) == "UTC+05:30; no DST changes")
    }

    @Test("a zone that is missing, not a name, or not a TZif file is refused with the path and the fix")
    func refusals() throws {
        let scratch = try ScratchDirectory("zoneinfo")
        defer { scratch.cleanUp() }
        let missing = #expect(throws: TimeZoneError.self) { try ZoneInfo.load("Nowhere/Atlantis", directory: scratch.path) }
        #expect(missing?.description == "time zone 'Nowhere/Atlantis': cannot read \(scratch.path)/Nowhere/Atlantis; "
            + "check time_zone, or `apt-get install tzdata`")
        let escape = #expect(throws: TimeZoneError.self) { try ZoneInfo.load("../etc/passwd", directory: scratch.path) }
        #expect(escape?.reason == "is not an IANA zone name; use one such as Europe/Kyiv")
        try scratch.write("Europe/Broken", "TZif2 but then nothing")
        let broken = #expect(throws: TimeZoneError.self) { try ZoneInfo.load("Europe/Broken", directory: scratch.path) }
        #expect(broken?.description.hasPrefix("time zone 'Europe/Broken': \(scratch.path)/Europe/Broken: the TZif data ends at byte 22") == true)
        #expect(broken?.description.hasSuffix("`apt-get install --reinstall tzdata`") == true)
    }

    @Test("a line's settings default to UTC and carry the zone's rules, not a frozen offset")
    func lineSettings() throws {
        var settings = LineRunner.Settings(lineNumber: 1, call: CallConfig(), tonePlan: nil, whisperCacheDirectory: "/tmp")
        #expect(settings.zone == .fixed(offsetSeconds: 0, name: "UTC"))
        settings.zone = try ZoneInfo.load("Europe/Kyiv")
        #expect(settings.zone.offset(atSecondsSinceEpoch: 1_767_225_600) != settings.zone.offset(atSecondsSinceEpoch: 1_782_864_000))
    }
}
