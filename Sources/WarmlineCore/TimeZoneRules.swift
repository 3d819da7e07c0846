/// An IANA time zone's UTC offsets over time (from TZif data or a POSIX TZ rule), as plain data the engine can copy.
public struct TimeZoneRules: Sendable, Equatable, Hashable {
    /// The zone's name, e.g. `Europe/Kyiv`.
    public let name: String
    /// Instants (seconds since the epoch, ascending) at which the offset changes.
    private let transitionTimes: [Int64]
    /// Offset east of UTC from each transition on (same count as `transitionTimes`).
    private let transitionOffsets: [Int32]
    /// Offset east of UTC before the first transition (and always, without transitions or a rule).
    private let initialOffset: Int32
    /// The rule for instants after the last transition (the TZif footer), if any.
    private let rule: PosixRule?

    private init(name: String, transitionTimes: [Int64], transitionOffsets: [Int32], initialOffset: Int32, rule: PosixRule?) {
        self.name = name
        self.transitionTimes = transitionTimes
        self.transitionOffsets = transitionOffsets
        self.initialOffset = initialOffset
        self.rule = rule
    }

    /// A zone that is always `offsetSeconds` east of UTC; named `UTC` or `UTC+hh:mm` unless `name` is given.
    public static func fixed(offsetSeconds: Int, name: String? = nil) -> TimeZoneRules {
        TimeZoneRules(name: name ?? fixedName(offsetSeconds), transitionTimes: [], transitionOffsets: [],
                      initialOffset: Int32(clamping: offsetSeconds), rule: nil)
    }

    /// TZif v1/v2/v3 bytes (use the 64-bit section when present, and the POSIX TZ footer for instants after the last transition)
    public static func tzif(_ bytes: [UInt8], name: String) throws(TimeZoneError) -> TimeZoneRules {
        var reader = TZifReader(bytes: bytes, zone: name)
        let first = try reader.header()
        guard first.version >= 2 else {
            let block = try reader.block(first, timeSize: 4)
            try reader.expectEnd()
            return try rules(block, footer: nil, name: name)
        }
        try reader.skip(first.dataSize(timeSize: 4), what: "the 32-bit data block")
        let second = try reader.header()
        let block = try reader.block(second, timeSize: 8)
        let footer = try reader.footer()
        try reader.expectEnd()
        let rule: PosixRule?
        do throws(PosixRuleError) {
            rule = footer.isEmpty ? nil : try PosixRule(parsing: footer)
        } catch {
            throw TimeZoneError(zone: name, "the TZif footer rule \"\(footer)\" is invalid: \(error.reason)")
        }
        return try rules(block, footer: rule, name: name)
    }

    /// A POSIX TZ rule string such as "EET-2EEST,M3.5.0/3,M10.5.0/4" or "<+03>-3" (Mm.w.d, Jn, n forms, /time incl. negative/over-24 hours)
    public static func posix(_ rule: String, name: String) throws(TimeZoneError) -> TimeZoneRules {
        do throws(PosixRuleError) {
            let parsed = try PosixRule(parsing: rule)
            return TimeZoneRules(name: name, transitionTimes: [], transitionOffsets: [], initialOffset: parsed.standardOffset,
                                 rule: parsed)
        } catch {
            throw TimeZoneError(zone: name, "the POSIX TZ rule \"\(rule)\" is invalid: \(error.reason)")
        }
    }

    /// Seconds east of UTC at the instant `atSecondsSinceEpoch`.
    public func offset(atSecondsSinceEpoch seconds: Int64) -> Int {
        let index = transitionsAtOrBefore(seconds)
        if index == transitionTimes.count, let rule { return Int(rule.offset(at: seconds)) }
        return Int(index == 0 ? initialOffset : transitionOffsets[index - 1])
    }

    /// The first instant after `afterSecondsSinceEpoch` at which the offset changes, and the offset from then on; nil if it never does.
    public func nextTransition(afterSecondsSinceEpoch seconds: Int64) -> (secondsSinceEpoch: Int64, offsetSeconds: Int)? {
        var current = offset(atSecondsSinceEpoch: seconds)
        var index = transitionsAtOrBefore(seconds)
        while index < transitionTimes.count {
            if Int(transitionOffsets[index]) != current {
                return (transitionTimes[index], Int(transitionOffsets[index]))
            }
            current = Int(transitionOffsets[index])
            index += 1
        }
        guard let rule else { return nil }
        let from = max(seconds, transitionTimes.last ?? seconds)
        return rule.nextChange(after: from, from: current).map { ($0.at, Int($0.offset)) }
    }

    /// How many transitions happen at or before `seconds` (binary search).
    private func transitionsAtOrBefore(_ seconds: Int64) -> Int {
        var low = 0, high = transitionTimes.count
        while low < high {
            let middle = (low + high) / 2
            if transitionTimes[middle] <= seconds { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func fixedName(_ offsetSeconds: Int) -> String {
        guard offsetSeconds != 0 else { return "UTC" }
        let magnitude = abs(offsetSeconds)
        let minutes = magnitude % 3600 / 60
        return "UTC\(offsetSeconds < 0 ? "-" : "+")\(twoDigits(magnitude / 3600)):\(twoDigits(minutes))"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private static func rules(_ block: TZifBlock, footer: PosixRule?, name: String) throws(TimeZoneError) -> TimeZoneRules {
        var offsets: [Int32] = []
        offsets.reserveCapacity(block.times.count)
        for (position, type) in block.typeIndices.enumerated() {
            guard Int(type) < block.typeOffsets.count else {
                throw TimeZoneError(zone: name, "TZif transition \(position) uses local time type \(type), "
                                    + "but only \(block.typeOffsets.count) types are defined (corrupt file)")
            }
            offsets.append(block.typeOffsets[Int(type)])
        }
        for position in block.times.indices.dropFirst() where block.times[position] <= block.times[position - 1] {
            throw TimeZoneError(zone: name, "TZif transition times are not in ascending order at transition \(position) (corrupt file)")
        }
        return TimeZoneRules(name: name, transitionTimes: block.times, transitionOffsets: offsets,
                             initialOffset: block.typeOffsets[0], rule: footer)
    }
}

/// A time zone that cannot be used: which zone, and what is wrong with its data or rule.
public struct TimeZoneError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The zone's name (`Europe/Kyiv`).
    public var zone: String
    /// What is wrong, e.g. `the TZif data ends at byte 44, 1 200 bytes were expected (truncated file)`.
    public var reason: String

    /// An error for `zone` saying `reason`.
    public init(zone: String, _ reason: String) {
        self.zone = zone
        self.reason = reason
    }

    /// `time zone 'Europe/Kyiv': reason`.
    public var description: String { "time zone '\(zone)': \(reason)" }
}

// MARK: - TZif (RFC 8536)

/// One TZif data block: transitions and the UTC offsets of its local time types.
private struct TZifBlock {
    var times: [Int64]
    var typeIndices: [UInt8]
    var typeOffsets: [Int32]
}

/// The counts of a TZif header.
private struct TZifHeader {
    var version: Int
    var isUTCCount: Int, isStandardCount: Int, leapCount: Int, timeCount: Int, typeCount: Int, charCount: Int

    func dataSize(timeSize: Int) -> Int {
        timeCount * (timeSize + 1) + typeCount * 6 + charCount + leapCount * (timeSize + 4) + isStandardCount + isUTCCount
    }
}

/// Reads TZif bytes front to back, refusing anything truncated or inconsistent.
private struct TZifReader {
    let bytes: [UInt8]
    let zone: String
    var position = 0

    init(bytes: [UInt8], zone: String) {
        self.bytes = bytes
        self.zone = zone
    }

    private func fail(_ reason: String) -> TimeZoneError { TimeZoneError(zone: zone, reason) }

    private func need(_ count: Int, for what: String) throws(TimeZoneError) {
        guard count >= 0, bytes.count - position >= count else {
            throw fail("the TZif data ends at byte \(bytes.count) in \(what), which needs \(count) bytes from byte \(position) "
                       + "(truncated file; reinstall tzdata)")
        }
    }

    mutating func skip(_ count: Int, what: String) throws(TimeZoneError) {
        try need(count, for: what)
        position += count
    }

    private mutating func bigEndian(_ size: Int) -> UInt64 {
        var value: UInt64 = 0
        for byte in bytes[position..<position + size] { value = value << 8 | UInt64(byte) }
        position += size
        return value
    }

    private mutating func count() -> Int { Int(UInt32(truncatingIfNeeded: bigEndian(4))) }

    mutating func header() throws(TimeZoneError) -> TZifHeader {
        try need(44, for: "the header")
        guard bytes[position..<position + 4].elementsEqual("TZif".utf8) else {
            throw fail("the data does not start with \"TZif\" at byte \(position) (not a compiled zoneinfo file)")
        }
        let versionByte = bytes[position + 4]
        let version: Int
        switch versionByte {
        case 0: version = 1
        case UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"): version = Int(versionByte - UInt8(ascii: "0"))
        default: throw fail("unknown TZif version byte \(versionByte) (expected 0, '2', '3' or '4')")
        }
        position += 20
        let header = TZifHeader(version: version, isUTCCount: count(), isStandardCount: count(), leapCount: count(),
                                timeCount: count(), typeCount: count(), charCount: count())
        guard header.typeCount >= 1 else { throw fail("the TZif header defines no local time types (corrupt file)") }
        guard header.isUTCCount == 0 || header.isUTCCount == header.typeCount,
              header.isStandardCount == 0 || header.isStandardCount == header.typeCount else {
            throw fail("the TZif header's indicator counts do not match its \(header.typeCount) local time types (corrupt file)")
        }
        return header
    }

    mutating func block(_ header: TZifHeader, timeSize: Int) throws(TimeZoneError) -> TZifBlock {
        try need(header.dataSize(timeSize: timeSize), for: "a data block of \(header.timeCount) transitions")
        var times: [Int64] = []
        times.reserveCapacity(header.timeCount)
        for _ in 0..<header.timeCount {
            let raw = bigEndian(timeSize)
            times.append(timeSize == 4 ? Int64(Int32(truncatingIfNeeded: raw)) : Int64(bitPattern: raw))
        }
        let typeIndices = Array(bytes[position..<position + header.timeCount])
        position += header.timeCount
        var offsets: [Int32] = []
        for type in 0..<header.typeCount {
            let offset = Int32(truncatingIfNeeded: bigEndian(4))
            guard (-89_999...93_599).contains(offset) else {
                throw fail("local time type \(type) has a UTC offset of \(offset) seconds, outside -25h...+26h (corrupt file)")
            }
            offsets.append(offset)
            position += 2  // isdst, abbreviation index: the offset is all the unit needs
        }
        position += header.charCount + header.leapCount * (timeSize + 4) + header.isStandardCount + header.isUTCCount
        return TZifBlock(times: times, typeIndices: typeIndices, typeOffsets: offsets)
    }

    mutating func footer() throws(TimeZoneError) -> String {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\n") else {
            throw fail("the TZif footer is missing after byte \(position) (truncated file; reinstall tzdata)")
        }
        guard let end = bytes[(position + 1)...].firstIndex(of: UInt8(ascii: "\n")) else {
            throw fail("the TZif footer starting at byte \(position) has no closing newline (truncated file; reinstall tzdata)")
        }
        let text = String(decoding: bytes[(position + 1)..<end], as: UTF8.self)
        position = end + 1
        return text
    }

    func expectEnd() throws(TimeZoneError) {
        guard position == bytes.count else {
            throw fail("\(bytes.count - position) unexpected bytes after the TZif data at byte \(position) (corrupt file)")
        }
    }
}

// MARK: - POSIX TZ rules

/// A parse problem inside a POSIX TZ string (wrapped into `TimeZoneError` with the zone and rule).
private struct PosixRuleError: Error {
    var reason: String
}

/// `std offset [dst [offset] [,start[/time],end[/time]]]`, offsets stored as seconds east of UTC.
private struct PosixRule: Sendable, Hashable {
    /// A day of the year a rule switches on.
    enum DayRule: Sendable, Hashable {
        /// `Jn`: 1...365, February 29 never counted.
        case julianNoLeap(Int)
        /// `n`: 0...365, February 29 counted.
        case zeroBased(Int)
        /// `Mm.w.d`: weekday d (0 = Sunday) of week w (5 = last) of month m.
        case monthWeekDay(month: Int, week: Int, weekday: Int)
    }

    /// Daylight saving time: its offset and when it starts and ends (each in the local time then in force).
    struct Daylight: Sendable, Hashable {
        var offset: Int32
        var start: DayRule
        var startSeconds: Int32
        var end: DayRule
        var endSeconds: Int32
    }

    var standardOffset: Int32
    var daylight: Daylight?

    init(parsing text: String) throws(PosixRuleError) {
        var scanner = PosixScanner(Array(text.utf8))
        let standardName = try scanner.name()
        standardOffset = try -scanner.time(what: "the UTC offset of \(standardName)", maxHours: 24)
        guard !scanner.atEnd else { return }
        let daylightName = try scanner.name()
        var daylightOffset = standardOffset + 3600
        if !scanner.atEnd, scanner.peek != UInt8(ascii: ",") {
            daylightOffset = try -scanner.time(what: "the UTC offset of \(daylightName)", maxHours: 24)
        }
        guard scanner.take(",") else {
            throw PosixRuleError(reason: "\(daylightName) has no start and end rule (expected \",M3.5.0/3,M10.5.0/4\" or similar)")
        }
        let (start, startSeconds) = try scanner.switchDay(what: "the start of \(daylightName)")
        guard scanner.take(",") else { throw PosixRuleError(reason: "the end of \(daylightName) is missing after the start rule") }
        let (end, endSeconds) = try scanner.switchDay(what: "the end of \(daylightName)")
        guard scanner.atEnd else {
            throw PosixRuleError(reason: "unexpected \"\(scanner.rest)\" after the end rule")
        }
        daylight = Daylight(offset: daylightOffset, start: start, startSeconds: startSeconds, end: end, endSeconds: endSeconds)
    }

    /// Instants beyond ±2^40 s (about 35 000 years) are read as the nearest of those: the calendar arithmetic stays in range.
    private static func clamped(_ seconds: Int64) -> Int64 { min(max(seconds, -(1 << 40)), 1 << 40) }

    func offset(at instant: Int64) -> Int32 {
        guard daylight != nil else { return standardOffset }
        let seconds = Self.clamped(instant)
        return switches(around: seconds).last { $0.at <= seconds }?.offset ?? standardOffset
    }

    /// The first switch after `seconds` to an offset other than `current`.
    func nextChange(after instant: Int64, from current: Int) -> (at: Int64, offset: Int32)? {
        guard daylight != nil, instant < 1 << 40 else { return nil }
        let seconds = Self.clamped(instant)
        let year = LocalDateTime(seconds + Int64(standardOffset)).year
        for at in Self.ordered((year - 1...year + 2).flatMap(switches(inYear:))).map(\.at) where at > seconds {
            let offset = offset(at: at)
            if Int(offset) != current { return (at, offset) }
        }
        return nil
    }

    /// The switches of the years around `seconds`, in order: a rule's time may reach into the neighbouring year.
    private func switches(around seconds: Int64) -> [(at: Int64, offset: Int32)] {
        let year = LocalDateTime(seconds + Int64(standardOffset)).year
        return Self.ordered((year - 1...year + 1).flatMap(switches(inYear:)))
    }

    /// By time; where one year's end meets the next year's start ("EST5EDT4,0/0,J365/25"), the start wins: DST all year.
    private static func ordered(_ switches: [(at: Int64, offset: Int32)]) -> [(at: Int64, offset: Int32)] {
        switches.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    private func switches(inYear year: Int) -> [(at: Int64, offset: Int32)] {
        guard let daylight else { return [] }
        let start = Self.localDay(daylight.start, year: year) * 86_400 + Int64(daylight.startSeconds) - Int64(standardOffset)
        let end = Self.localDay(daylight.end, year: year) * 86_400 + Int64(daylight.endSeconds) - Int64(daylight.offset)
        return [(start, daylight.offset), (end, standardOffset)]
    }

    /// Days since 1970-01-01 of the rule's day in `year`.
    private static func localDay(_ rule: DayRule, year: Int) -> Int64 {
        let january1 = CivilDays.from(year: year, month: 1, day: 1)
        switch rule {
        case .julianNoLeap(let day):
            return january1 + Int64(day - 1) + (CivilDays.isLeap(year) && day >= 60 ? 1 : 0)
        case .zeroBased(let day):
            return january1 + Int64(day)
        case .monthWeekDay(let month, let week, let weekday):
            let first = CivilDays.from(year: year, month: month, day: 1)
            let firstWeekday = Int(((first % 7) + 11) % 7)  // 1970-01-01 was a Thursday (4)
            var day = first + Int64((weekday - firstWeekday + 7) % 7 + 7 * (week - 1))
            let nextMonth = month == 12 ? CivilDays.from(year: year + 1, month: 1, day: 1)
                                        : CivilDays.from(year: year, month: month + 1, day: 1)
            while day >= nextMonth { day -= 7 }
            return day
        }
    }
}

/// Reads the pieces of a POSIX TZ string.
private struct PosixScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[position] }
    var rest: String { String(decoding: bytes[position...], as: UTF8.self) }

    mutating func take(_ character: Character) -> Bool {
        guard let peek, let ascii = character.asciiValue, peek == ascii else { return false }
        position += 1
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// `EET` (3+ letters) or `<+0530>` (3+ letters, digits, signs).
    mutating func name() throws(PosixRuleError) -> String {
        let start = position
        if take("<") {
            while let byte = peek, byte != UInt8(ascii: ">") {
                guard Self.isLetter(byte) || Self.isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") else {
                    throw PosixRuleError(reason: "the quoted zone abbreviation at character \(start + 1) may hold only letters, digits, '+' and '-'")
                }
                position += 1
            }
            guard take(">") else { throw PosixRuleError(reason: "the zone abbreviation at character \(start + 1) has no closing '>'") }
            guard position - start - 2 >= 3 else {
                throw PosixRuleError(reason: "the zone abbreviation at character \(start + 1) is shorter than 3 characters")
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }
        while let byte = peek, Self.isLetter(byte) { position += 1 }
        guard position - start >= 3 else {
            let found = start >= bytes.count ? "the end of the rule" : "\"\(String(decoding: bytes[start...], as: UTF8.self))\""
            throw PosixRuleError(reason: "expected a zone abbreviation of 3 or more letters at character \(start + 1), found \(found)")
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// `[+-]hh[:mm[:ss]]` in seconds; hours up to `maxHours`.
    mutating func time(what: String, maxHours: Int) throws(PosixRuleError) -> Int32 {
        let start = position
        var sign: Int32 = 1
        if take("-") { sign = -1 } else { _ = take("+") }
        let hours = try number(what: what, at: start)
        var minutes = 0, seconds = 0
        if take(":") {
            minutes = try number(what: what, at: start)
            if take(":") { seconds = try number(what: what, at: start) }
        }
        guard hours <= maxHours, minutes <= 59, seconds <= 59 else {
            throw PosixRuleError(reason: "\(what) \"\(String(decoding: bytes[start..<position], as: UTF8.self))\" is out of range "
                                 + "(hours 0...\(maxHours), minutes and seconds 0...59)")
        }
        return sign * Int32(hours * 3600 + minutes * 60 + seconds)
    }

    private mutating func number(what: String, at start: Int) throws(PosixRuleError) -> Int {
        let digitsStart = position
        var value = 0
        while let byte = peek, Self.isDigit(byte), position - digitsStart < 3 {
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            position += 1
        }
        guard position > digitsStart else {
            let found = atEnd ? "the end of the rule" : "\"\(rest)\""
            throw PosixRuleError(reason: "expected a number for \(what) at character \(position + 1), found \(found)")
        }
        return value
    }

    /// `Mm.w.d`, `Jn` or `n`, then an optional `/time` (default 02:00, -167...167 hours).
    mutating func switchDay(what: String) throws(PosixRuleError) -> (PosixRule.DayRule, Int32) {
        let start = position
        let day: PosixRule.DayRule
        if take("M") {
            let month = try number(what: "the month of \(what)", at: start)
            guard take(".") else { throw PosixRuleError(reason: "\(what) must read Mm.w.d (a '.' is missing after the month)") }
            let week = try number(what: "the week of \(what)", at: start)
            guard take(".") else { throw PosixRuleError(reason: "\(what) must read Mm.w.d (a '.' is missing after the week)") }
            let weekday = try number(what: "the weekday of \(what)", at: start)
            guard (1...12).contains(month) else { throw PosixRuleError(reason: "month \(month) of \(what) is not 1...12") }
            guard (1...5).contains(week) else { throw PosixRuleError(reason: "week \(week) of \(what) is not 1...5") }
            guard (0...6).contains(weekday) else {
                throw PosixRuleError(reason: "weekday \(weekday) of \(what) is not 0...6 (0 is Sunday)")
            }
            day = .monthWeekDay(month: month, week: week, weekday: weekday)
        } else if take("J") {
            let number = try number(what: "the day of \(what)", at: start)
            guard (1...365).contains(number) else { throw PosixRuleError(reason: "day J\(number) of \(what) is not J1...J365") }
            day = .julianNoLeap(number)
        } else {
            let number = try number(what: "the day of \(what)", at: start)
            guard (0...365).contains(number) else { throw PosixRuleError(reason: "day \(number) of \(what) is not 0...365") }
            day = .zeroBased(number)
        }
        var seconds: Int32 = 7200
        if take("/") { seconds = try time(what: "the time of \(what)", maxHours: 167) }
        return (day, seconds)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
enum CivilDays {
    static func from(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }
}
