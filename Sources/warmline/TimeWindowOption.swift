import ArgumentParser
import Foundation

/// `--since` / `--until`, shared by the store commands that look at a period.
struct TimeWindowOption: ParsableArguments {
    @Option(help: ArgumentHelp("From this time: today or yesterday (the unit's local day), a duration back from now (90s, 30m, 2h, 7d) "
        + "or a local date (2026-11-26, 2026-11-26T14:30).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Before this time (same forms as --since; --until today ends at the start of today).", valueName: "time"))
    var until: String?

    /// Both bounds in milliseconds since 1970, days and dates local to `timeZone`; exits 2 naming the option if one is malformed.
    func milliseconds(now: Date = Date(), timeZone: TimeZone = .current) throws -> (since: Int64?, until: Int64?) {
        (try OptionValue.time(since, option: "--since", now: now, timeZone: timeZone),
         try OptionValue.time(until, option: "--until", now: now, timeZone: timeZone))
    }
}
