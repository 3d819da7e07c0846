/// A value spoken inside a prompt's placeholder, read out from rendered pieces in the caller's language.
public enum SpokenValue: Sendable, Equatable {
    /// Which day a time falls on, relative to the call.
    public enum Day: String, Sendable { case today, tomorrow }

    /// A cardinal number, 0 to 999 999.
    case number(Int)
    /// Digits read one by one (`112`, a phone number).
    case digits(String)
    /// A clock time, 24-hour, with the day it falls on.
    case time(hour: Int, minute: Int, day: Day)
    /// An amount in minor units (cents, kopiykas, kuruş) of an ISO 4217 currency.
    case money(minorUnits: Int, currency: String)
}
