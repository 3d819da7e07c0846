/// A wall-clock instant as data (seconds since the Unix epoch plus the unit's time zone rules): the engine never reads a clock.
public struct WallTime: Sendable, Equatable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64
    /// The unit's time zone: the UTC offset is looked up for each instant, so DST changes are honoured.
    public var zone: TimeZoneRules

    /// Makes a wall time in a zone that is always `utcOffsetSeconds` east of UTC.
    public init(secondsSinceEpoch: Int64, utcOffsetSeconds: Int = 0) {
        self.init(secondsSinceEpoch: secondsSinceEpoch, zone: .fixed(offsetSeconds: utcOffsetSeconds))
    }

    /// Makes a wall time in `zone`.
    public init(secondsSinceEpoch: Int64, zone: TimeZoneRules) {
        self.secondsSinceEpoch = secondsSinceEpoch
        self.zone = zone
    }

    /// Offset of the zone from UTC at this instant, seconds (e.g. 7200 for UTC+2).
    public var utcOffsetSeconds: Int { zone.offset(atSecondsSinceEpoch: secondsSinceEpoch) }

    /// This instant moved by `seconds`, same time zone (the offset may differ across a DST change).
    public func adding(seconds: Int64) -> WallTime {
        WallTime(secondsSinceEpoch: secondsSinceEpoch + seconds, zone: zone)
    }

    /// Local calendar fields in the unit's time zone, with the offset in force at this instant.
    public var local: LocalDateTime { LocalDateTime(secondsSinceEpoch + Int64(utcOffsetSeconds)) }

    /// Calendar days from `earlier`'s local date to this one's (0 the same day, 1 the next), each in its own zone.
    public func localDays(since earlier: WallTime) -> Int {
        Int(local.daysSinceEpoch - earlier.local.daysSinceEpoch)
    }

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

    /// Days from 1970-01-01 to this date.
    public var daysSinceEpoch: Int64 { CivilDays.from(year: year, month: month, day: day) }

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
