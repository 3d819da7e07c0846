import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline report`: the supervisor's summary of a day or a period.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Summarise calls, hand-offs, day passes and latency for a day or period.")

    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("The local day to report (YYYY-MM-DD); default today.", valueName: "date"))
    var day: String?

    @Option(help: ArgumentHelp("Report from this time instead of a day: a duration (2h) or a date.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("With --since: report up to this time (default now).", valueName: "time"))
    var until: String?

    @Option(help: ArgumentHelp("Output format: table or json.", valueName: "format"))
    var format: String = "table"

    func run() throws {
        let format = try OptionValue.choice(format, option: "--format", allowed: ["table", "json"])
        let now = Date()
        let (fromMs, toMs) = try period(now: now)
        let report = try database.openForReading().report(fromMs: fromMs, toMs: toMs)
        if format == "json" {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.renderedTable(timeZone: .current))
        }
    }

    private func period(now: Date) throws -> (Int64, Int64) {
        if day != nil && (since != nil || until != nil) {
            throw CommandFailure.badInput("--day cannot be combined with --since/--until; pick one")
        }
        if since != nil || until != nil {
            let fromMs = try OptionValue.time(since, option: "--since", now: now) ?? 0
            let toMs = try OptionValue.time(until, option: "--until", now: now) ?? TimeBound.milliseconds(now) + 1
            return (fromMs, toMs)
        }
        let dayText = day ?? TimeFormat(timeZone: .current).dateTime(ms: TimeBound.milliseconds(now)).prefix(10).description
        do {
            let range = try TimeBound.day(dayText, timeZone: .current)
            return (TimeBound.milliseconds(range.start), TimeBound.milliseconds(range.end))
        } catch {
            throw CommandFailure.badInput("--day \(error)")
        }
    }
}
