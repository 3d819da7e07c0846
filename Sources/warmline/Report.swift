import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline report`: the supervisor's summary of a day or a period.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Summarise calls, hand-offs, day passes and latency for a day or period.")

    @OptionGroup var listing: ListingOption

    @Option(help: ArgumentHelp("The local day to report (YYYY-MM-DD); default today.", valueName: "date"))
    var day: String?

    @OptionGroup var window: TimeWindowOption

    @Option(help: ArgumentHelp("Output format: table (80 columns), json or csv (metric,value).", valueName: "format"))
    var format: String = "table"

    func run() throws {
        let format = try OptionValue.choice(format, option: "--format", allowed: ["table", "json", "csv"])
        let now = Date()
        let context = try listing.open()
        let zone = context.format.timeZone
        let (fromMs, toMs) = try period(now: now, timeZone: zone)
        let report = try context.store.report(fromMs: fromMs, toMs: toMs)
        if format == "json" {
            print(String(decoding: try JSONText.document(report, keys: .snakeCase), as: UTF8.self))
        } else if format == "csv" {
            print(report.renderedCSV(), terminator: "")
        } else {
            print(report.renderedTable(timeZone: zone))
        }
    }

    private func period(now: Date, timeZone: TimeZone) throws -> (Int64, Int64) {
        if day != nil && (window.since != nil || window.until != nil) {
            throw CommandFailure.badInput("--day cannot be combined with --since/--until; pick one")
        }
        if window.since != nil || window.until != nil {
            let bounds = try window.milliseconds(now: now, timeZone: timeZone)
            return (bounds.since ?? 0, bounds.until ?? TimeBound.milliseconds(now) + 1)
        }
        let dayText = day ?? TimeFormat(timeZone: timeZone).day(ms: TimeBound.milliseconds(now))
        do {
            let range = try TimeBound.day(dayText, timeZone: timeZone)
            return (TimeBound.milliseconds(range.start), TimeBound.milliseconds(range.end))
        } catch {
            throw CommandFailure.badInput("--day \(error)")
        }
    }
}
