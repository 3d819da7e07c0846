import Foundation

/// How the supervisor tools print wall times: local `yyyy-MM-dd HH:mm:ss.SSS`, offsets as `12.345s`.
public struct TimeFormat: Sendable {
    /// The zone times are shown in.
    public let timeZone: TimeZone

    /// Makes a formatter for `timeZone`.
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// `2026-11-26 18:30:01.123`.
    public func dateTime(ms: Int64) -> String {
        let parts = components(ms: ms)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                      parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(((ms % 1_000) + 1_000) % 1_000))
    }

    /// `18:30:01.123`.
    public func time(ms: Int64) -> String {
        String(dateTime(ms: ms).dropFirst(11))
    }

    /// `12.345s` (negative offsets keep their sign).
    public static func offset(ms: Int64) -> String {
        let sign = ms < 0 ? "-" : ""
        let magnitude = abs(ms)
        return sign + String(format: "%d.%03ds", Int(magnitude / 1_000), Int(magnitude % 1_000))
    }

    private func components(ms: Int64) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let seconds = Double(ms >= 0 ? ms / 1_000 : (ms - 999) / 1_000)
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: seconds))
    }
}
