import Foundation
import WarmlineCore

/// Reads a zone's rules from the system's compiled IANA database (tzdata).
public enum ZoneInfo {
    /// Where Debian's tzdata installs the compiled zones.
    public static let defaultDirectory = "/usr/share/zoneinfo"

    /// The rules of IANA zone `name` (e.g. `Europe/Kyiv`) from `<directory>/<name>`.
    public static func load(_ name: String, directory: String = defaultDirectory) throws(TimeZoneError) -> TimeZoneRules {
        let path = "\(directory)/\(name)"
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else {
            throw TimeZoneError(zone: name, "is not an IANA zone name; use one such as Europe/Kyiv")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TimeZoneError(zone: name, "cannot read \(path); check time_zone, or `apt-get install tzdata`")
        }
        do {
            return try TimeZoneRules.tzif([UInt8](data), name: name)
        } catch {
            throw TimeZoneError(zone: name, "\(path): \(error.reason); `apt-get install --reinstall tzdata`")
        }
    }
}

extension ZoneInfo {
    /// The zone `name` as Foundation's `TimeZone`, for the supervisor's listings, checked against the unit's own rules
    /// (tzdata, as `load` reads them) at each offset change from `fromSeconds` for `years`: the listings must show the
    /// offsets the unit decided by. Throws when Foundation does not know the zone or disagrees with tzdata.
    public static func displayZone(_ name: String, directory: String = defaultDirectory, fromSeconds: Int64,
                                   years: Int = 2) throws(TimeZoneError) -> TimeZone {
        let rules = try load(name, directory: directory)
        guard let zone = TimeZone(identifier: name) else {
            throw TimeZoneError(zone: name, "tzdata has it but this system's time library does not; show times with --utc")
        }
        var seconds = fromSeconds
        let end = fromSeconds + Int64(years) * 366 * 86_400
        var checked = [fromSeconds]
        while let change = rules.nextTransition(afterSecondsSinceEpoch: seconds), change.secondsSinceEpoch < end {
            checked += [change.secondsSinceEpoch - 1, change.secondsSinceEpoch]
            seconds = change.secondsSinceEpoch
        }
        for instant in checked {
            let expected = rules.offset(atSecondsSinceEpoch: instant)
            let shown = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
            guard shown == expected else {
                throw TimeZoneError(zone: name, "this system's time library gives \(TimeZoneRules.offsetText(shown)) at "
                    + "\(TimeZoneRules.utcText(instant)) UTC where tzdata gives \(TimeZoneRules.offsetText(expected)); "
                    + "update tzdata and the toolchain, or show times with --utc")
            }
        }
        return zone
    }
}

extension TimeZoneRules {
    /// `UTC+03:00; next change 2026-10-25 01:00 UTC to UTC+02:00` (or `no DST changes`), for the doctor.
    func summary(atSecondsSinceEpoch seconds: Int64) -> String {
        let next = nextTransition(afterSecondsSinceEpoch: seconds).map { change in
            "next change \(Self.utcText(change.secondsSinceEpoch)) UTC to \(Self.offsetText(change.offsetSeconds))"
        } ?? "no DST changes"
        return "\(Self.offsetText(offset(atSecondsSinceEpoch: seconds))); \(next)"
    }

    /// `UTC+03:00`, `UTC-04:00`, `UTC+05:30`.
    static func offsetText(_ seconds: Int) -> String {
        let magnitude = abs(seconds)
        return "UTC\(seconds < 0 ? "-" : "+")\(twoDigits(magnitude / 3600)):\(twoDigits(magnitude % 3600 / 60))"
    }

    /// `2026-10-25 01:00`, in UTC.
    static func utcText(_ seconds: Int64) -> String {
        let utc = WallTime(secondsSinceEpoch: seconds).local
        return "\(utc.year)-\(twoDigits(utc.month))-\(twoDigits(utc.day)) \(twoDigits(utc.hour)):\(twoDigits(utc.minute))"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
