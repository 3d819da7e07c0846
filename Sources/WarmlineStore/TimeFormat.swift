import Foundation

/// How the supervisor tools print times: wall times in one named zone with the offset beside every one
/// (`2026-12-06 02:34:39 +02:00`), times inside a call as call time (`0:03.46`), ages as `3 h 12 min`.
public struct TimeFormat: Sendable {
    /// The zone times are shown in.
    public let timeZone: TimeZone
    private let calendar: Calendar

    /// Makes a formatter for `timeZone`.
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// UTC, for `--utc`.
    public static let utc = TimeFormat(timeZone: TimeZone(secondsFromGMT: 0) ?? .current)

    /// `2026-12-06 02:34:39 +02:00`: local time with its offset, so no line is ever read in the wrong zone.
    public func dateTime(ms: Int64) -> String {
        let parts = components(ms: ms)
        return "\(day(parts)) \(clock(parts)) \(offsetLabel(ms: ms))"
    }

    /// `2026-12-06T02:34:39.123+02:00`: ISO 8601 local time with milliseconds, for CSV and JSON.
    public func iso8601(ms: Int64) -> String {
        let parts = components(ms: ms)
        let millis = Int(((ms % 1_000) + 1_000) % 1_000)
        return "\(day(parts))T\(clock(parts)).\(String(format: "%03d", millis))\(offsetLabel(ms: ms))"
    }

    /// `02:34:39` (local, no offset: for a line whose offset is already shown).
    public func time(ms: Int64) -> String {
        clock(components(ms: ms))
    }

    /// `2026-12-06`, the local day.
    public func day(ms: Int64) -> String {
        day(components(ms: ms))
    }

    /// `+02:00`, `-04:00`, `+05:30`: the zone's offset from UTC at that instant.
    public func offsetLabel(ms: Int64) -> String {
        let seconds = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(TimeFormat.floorSeconds(ms))))
        let magnitude = abs(seconds)
        return (seconds < 0 ? "-" : "+") + String(format: "%02d:%02d", magnitude / 3_600, magnitude % 3_600 / 60)
    }

    /// `Europe/Kyiv` (or `UTC`): the zone's name for a header.
    public var zoneName: String {
        timeZone.identifier == "GMT" ? "UTC" : timeZone.identifier
    }

    /// `12.345s` (negative offsets keep their sign).
    public static func offset(ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let magnitude = abs(ms)
        return sign + String(format: "%d.%03ds", Int(magnitude / 1_000), Int(magnitude % 1_000))
    }

    /// Call time since the call started: `0:03.46` (minutes, seconds, hundredths), `1:02:03.46` past an hour.
    public static func callTime(ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let magnitude = abs(ms)
        let hundredths = Int(magnitude % 1_000 / 10)
        let totalSeconds = Int(magnitude / 1_000)
        let hours = totalSeconds / 3_600, minutes = totalSeconds % 3_600 / 60, seconds = totalSeconds % 60
        if hours > 0 { return sign + String(format: "%d:%02d:%02d.%02d", hours, minutes, seconds, hundredths) }
        return sign + String(format: "%d:%02d.%02d", minutes, seconds, hundredths)
    }

    /// A duration for people, two units at most: `45 s`, `12 min`, `3 h 12 min`, `2 d 4 h`.
    public static func age(ms: Int64) -> String {
        let seconds = max(0, ms) / 1_000
        switch seconds {
        case ..<60: return "\(seconds) s"
        case ..<3_600: return "\(seconds / 60) min"
        case ..<86_400: return "\(seconds / 3_600) h" + (seconds % 3_600 / 60 > 0 ? " \(seconds % 3_600 / 60) min" : "")
        default: return "\(seconds / 86_400) d" + (seconds % 86_400 / 3_600 > 0 ? " \(seconds % 86_400 / 3_600) h" : "")
        }
    }

    private func day(_ parts: DateComponents) -> String {
        String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private func clock(_ parts: DateComponents) -> String {
        String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    private static func floorSeconds(_ ms: Int64) -> Int64 {
        ms >= 0 ? ms / 1_000 : (ms - 999) / 1_000
    }

    private func components(ms: Int64) -> DateComponents {
        calendar.dateComponents([.year, .month, .day, .hour, .minute, .second],
                                from: Date(timeIntervalSince1970: Double(TimeFormat.floorSeconds(ms))))
    }
}
