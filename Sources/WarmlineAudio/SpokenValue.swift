/// A value spoken inside a prompt's placeholder, read out from rendered pieces in the caller's language.
public enum SpokenValue: Sendable, Equatable {
    /// Which day a time falls on, relative to the call.
    public enum Day: Sendable, Equatable, Hashable {
        /// The day of the call.
        case today
        /// The day after the call.
        case tomorrow
        /// `days` days after the call's day (2 is the day after tomorrow).
        case daysAhead(Int)

        /// The day `days` calendar days after the call's (0 today, 1 tomorrow).
        public init(daysAfterToday days: Int) {
            switch days {
            case 0: self = .today
            case 1: self = .tomorrow
            default: self = .daysAhead(days)
            }
        }

        /// Calendar days after the call's day.
        public var daysAfterToday: Int {
            switch self {
            case .today: 0
            case .tomorrow: 1
            case .daysAhead(let days): days
            }
        }
    }

    /// A cardinal number, 0 to 999 999.
    case number(Int)
    /// Digits read one by one (`112`, a phone number).
    case digits(String)
    /// A clock time, 24-hour, with the day it falls on; spoken as people say it in each language.
    case time(hour: Int, minute: Int, day: Day)
    /// An amount in minor units (cents, kopiykas, kuruş) of an ISO 4217 currency.
    case money(minorUnits: Int, currency: String)
}
