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

@Suite("Zone info for the listings")
struct DisplayZoneTests {
    @Test("the listings' zone agrees with tzdata at every offset change around the DST boundaries of 2026")
    func agreesWithTzdata() throws {
        for name in ["Europe/Kyiv", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"] {
            let zone = try ZoneInfo.displayZone(name, fromSeconds: 1_767_225_600)  // 2026-01-01
            #expect(zone.identifier == name)
        }
        let kyiv = try ZoneInfo.displayZone("Europe/Kyiv", fromSeconds: 1_767_225_600)
        #expect(kyiv.secondsFromGMT(for: Date(timeIntervalSince1970: 1_792_889_999)) == 10_800)
        #expect(kyiv.secondsFromGMT(for: Date(timeIntervalSince1970: 1_792_890_000)) == 7_200)
    }

    @Test("a zone whose tzdata rules the time library contradicts is refused, saying where they differ")
    func disagreementRefused() throws {
        let scratch = try ScratchDirectory("zoneinfo-display")
        defer { scratch.cleanUp() }
        // Kyiv's name with New York's rules: the time library's Kyiv disagrees at once
        let newYork = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/zoneinfo/America/New_York"))
        try FileManager.default.createDirectory(atPath: scratch.path + "/Europe", withIntermediateDirectories: true)
        try newYork.write(to: URL(fileURLWithPath: scratch.path + "/Europe/Kyiv"))
        let error = #expect(throws: TimeZoneError.self) {
            try ZoneInfo.displayZone("Europe/Kyiv", directory: scratch.path, fromSeconds: 1_767_225_600)
        }
        #expect(error?.reason.hasPrefix("this system's time library gives UTC+02:00 at 2026-01-01 00:00 UTC where tzdata gives UTC-05:00") == true)
    }
}
