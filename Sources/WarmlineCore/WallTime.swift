/// A wall-clock instant as data (seconds since the Unix epoch plus the unit's UTC offset): the engine never reads a clock.
public struct WallTime: Sendable, Equatable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64
    /// Offset of the unit's local time zone from UTC, seconds (e.g. 7200 for UTC+2).
    public var utcOffsetSeconds: Int

    /// Makes a wall time.
    public init(secondsSinceEpoch: Int64, utcOffsetSeconds: Int = 0) {
        self.secondsSinceEpoch = secondsSinceEpoch
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// This instant moved by `seconds`, same time zone.
    public func adding(seconds: Int64) -> WallTime {
        WallTime(secondsSinceEpoch: secondsSinceEpoch + seconds, utcOffsetSeconds: utcOffsetSeconds)
    }

    /// Local calendar fields in the unit's time zone.
    public var local: LocalDateTime { LocalDateTime(secondsSinceEpoch + Int64(utcOffsetSeconds)) }

    /// Orders by instant.
    public static func < (lhs: WallTime, rhs: WallTime) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }
}

/// Local calendar date and time of day (proleptic Gregorian).
public struct LocalDateTime: Sendable, Equatable {
    /// Year, e.g. 2026.
    public var year: Int
    /// Month 1...12.
    public var month: Int
    /// Day of month 1...31.
    public var day: Int
    /// Hour 0...23.
    public var hour: Int
    /// Minute 0...59.
    public var minute: Int

    /// Splits local seconds since the epoch into calendar fields (Howard Hinnant's civil_from_days).
    init(_ localSeconds: Int64) {
        let days = localSeconds >= 0 ? localSeconds / 86_400 : (localSeconds - 86_399) / 86_400
        let secondOfDay = Int(localSeconds - days * 86_400)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    }
}
