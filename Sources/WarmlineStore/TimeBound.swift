import Foundation

/// Reads the supervisor's `--since`/`--until`/`--day` values: a duration back from now (`2h`) or a date.
public enum TimeBound {
    private static let hint = "use today, yesterday, a duration back from now like 90s, 30m, 2h, 7d, 1w, "
        + "or a date like 2026-11-26, 2026-11-26T14:30 or 2026-11-26 14:30:00Z"

    /// `today`/`yesterday` → the start of that local day in `timeZone`; `2h` → now minus two hours;
    /// `2026-11-26[T ]14:30[:05[.123]][Z|+02:00]` → that instant (local `timeZone` unless an offset is given).
    public static func parse(_ text: String, now: Date, timeZone: TimeZone) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let daysBack = ["today": 0, "yesterday": 1][trimmed.lowercased()] {
            return try startOfDay(now, daysBack: daysBack, timeZone: timeZone)
        }
        if let duration = durationSeconds(trimmed) {
            // a duration beyond the store's lifetime would overflow milliseconds (922337203685477580s crashed the CLI)
            guard duration <= maximumLookbackSeconds else {
                throw StoreError.badTime("'\(text)' reaches back more than 100 years: \(hint)")
            }
            return now.addingTimeInterval(-duration)
        }
        if let date = absoluteDate(trimmed, timeZone: timeZone) {
            return date
        }
        throw StoreError.badTime("'\(text)' is not a time: \(hint)")
    }

    /// `2026-11-26` → that local day, `[start, end)`.
    public static func day(_ text: String, timeZone: TimeZone) throws -> (start: Date, end: Date) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == 10, let start = absoluteDate(trimmed, timeZone: timeZone) else {
            throw StoreError.badTime("'\(text)' is not a day: use YYYY-MM-DD, e.g. 2026-11-26")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let end = calendar.date(byAdding: .day, value: 1, to: start) else {
            throw StoreError.badTime("'\(text)' is not a day: use YYYY-MM-DD, e.g. 2026-11-26")
        }
        return (start, end)
    }

    /// The start of the local day `daysBack` days before the one holding `now` (23 or 25 hours long on a DST change day).
    public static func startOfDay(_ now: Date, daysBack: Int = 0, timeZone: TimeZone) throws -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        guard let day = calendar.date(byAdding: .day, value: -daysBack, to: today) else {
            throw StoreError.badTime("cannot go \(daysBack) days back from \(now)")
        }
        return calendar.startOfDay(for: day)
    }

    /// The longest duration back from now a bound may name (100 years).
    static let maximumLookbackSeconds = 100 * 366 * 86_400.0

    /// Milliseconds since 1970 for a `Date`, clamped to what an `Int64` holds (never traps).
    public static func milliseconds(_ date: Date) -> Int64 {
        let value = (date.timeIntervalSince1970 * 1_000).rounded(.down)
        guard value.isFinite else { return value < 0 ? Int64.min : Int64.max }
        if value >= 9.2e18 { return Int64.max }
        if value <= -9.2e18 { return Int64.min }
        return Int64(value)
    }

    private static func durationSeconds(_ text: String) -> Double? {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount >= 0 else { return nil }
        let unitSeconds: Double
        switch unit {
        case "s": unitSeconds = 1
        case "m": unitSeconds = 60
        case "h": unitSeconds = 3_600
        case "d": unitSeconds = 86_400
        case "w": unitSeconds = 604_800
        default: return nil
        }
        return Double(amount) * unitSeconds
    }

    /// A date in one of the accepted forms (no durations), or nil.
    static func absoluteDate(_ text: String, timeZone: TimeZone) -> Date? {
        let pattern = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/
        guard let match = text.wholeMatch(of: pattern) else { return nil }
        var zone = timeZone
        if let offset = match.8 {
            if offset == "Z" {
                zone = TimeZone(secondsFromGMT: 0) ?? timeZone
            } else {
                let digits = offset.dropFirst().filter(\.isNumber)
                guard let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours <= 23, minutes <= 59,
                      let fixed = TimeZone(secondsFromGMT: (offset.first == "-" ? -1 : 1) * (hours * 3_600 + minutes * 60)) else { return nil }
                zone = fixed
            }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var parts = DateComponents()
        parts.calendar = calendar
        parts.timeZone = zone
        parts.year = Int(match.1)
        parts.month = Int(match.2)
        parts.day = Int(match.3)
        parts.hour = match.4.flatMap { Int($0) } ?? 0
        parts.minute = match.5.flatMap { Int($0) } ?? 0
        parts.second = match.6.flatMap { Int($0) } ?? 0
        guard (1...12).contains(parts.month ?? 0), (1...31).contains(parts.day ?? 0), (0...23).contains(parts.hour ?? 0),
              (0...59).contains(parts.minute ?? 0), (0...59).contains(parts.second ?? 0),
              parts.isValidDate(in: calendar), let date = calendar.date(from: parts) else { return nil }
        let fraction = match.7.map { Double("0." + $0) ?? 0 } ?? 0
        return date.addingTimeInterval(fraction)
    }
}
