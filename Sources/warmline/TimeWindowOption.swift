import ArgumentParser
import Foundation

/// `--since` / `--until`, shared by the store commands that look at a period.
struct TimeWindowOption: ParsableArguments {
    @Option(help: ArgumentHelp("From this time: a duration back from now (90s, 30m, 2h, 7d) or a date (2026-11-26, 2026-11-26T14:30).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Before this time (same forms as --since).", valueName: "time"))
    var until: String?

    /// Both bounds in milliseconds since 1970; exits 2 naming the option if one is malformed.
    func milliseconds(now: Date = Date()) throws -> (since: Int64?, until: Int64?) {
        (try OptionValue.time(since, option: "--since", now: now), try OptionValue.time(until, option: "--until", now: now))
    }
}
