import ArgumentParser
import Foundation
import WarmlineStore
import WarmlineText
import WarmlineUnit

/// `--db PATH`, shared by every store command.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("SQLite database file (default: the config's database, else \(StoreDatabase.defaultPath)).",
                                                        valueName: "path"))
    var explicitPath: String?

    /// The database file: `--db`, else the default.
    var path: String { explicitPath ?? StoreDatabase.defaultPath }

    /// Opens the database for a read-only command (never creates it).
    func openForReading() throws -> StoreDatabase {
        do {
            return try StoreDatabase(readingAt: path)
        } catch {
            throw CommandFailure.runtime("\(error)")
        }
    }

    /// Opens (creating and migrating if needed) the database for a command that writes (at `path`, else `--db`'s).
    func openForWriting(path: String? = nil) throws -> StoreDatabase {
        do {
            return try StoreDatabase(path: path ?? self.path)
        } catch {
            throw CommandFailure.runtime("\(error)")
        }
    }
}

/// What the supervisor's listings share: the database (`--db`), the unit's config for its `time_zone` and live
/// database (`--config`), and `--utc`.
struct ListingOption: ParsableArguments {
    @OptionGroup var database: DatabaseOption

    @Option(name: .customLong("config"),
            help: ArgumentHelp("The unit's config: times are shown in its time_zone (default \(UnitConfig.defaultPath) when present, else TZ).",
                               valueName: "path"))
    var configPath: String?

    @Flag(help: "Show times in UTC instead of the unit's time zone.")
    var utc = false

    /// The unit's config, when `--config` names one or the default exists; a bad named config exits 2, a bad default
    /// one is reported and skipped (the listing still works, times in TZ).
    func unitConfig() throws -> UnitConfig? {
        if let configPath {
            do {
                return try UnitConfigLoader().load(path: configPath)
            } catch {
                throw CommandFailure.badInput("\(error.description)\n\(configPath): cannot read the unit's time_zone; fix the config or leave out --config")
            }
        }
        guard FileManager.default.isReadableFile(atPath: UnitConfig.defaultPath) else {
            if FileManager.default.fileExists(atPath: UnitConfig.defaultPath) {
                CommandFailure.printError("note: cannot read \(UnitConfig.defaultPath); times are shown in \(TimeZone.current.identifier), "
                    + "not the unit's time_zone (give --config, or --utc)")
            }
            return nil
        }
        do {
            return try UnitConfigLoader().load(path: UnitConfig.defaultPath)
        } catch {
            CommandFailure.printError("note: \(UnitConfig.defaultPath) has problems (\(error.problems.count)); times are shown in \(TimeZone.current.identifier) "
                + "(check it with `warmline config check`)")
            return nil
        }
    }

    /// Everything a listing needs, opened for reading.
    func open() throws -> ListingContext {
        let config = try unitConfig()
        let livePath = config?.databasePath ?? StoreDatabase.defaultPath
        let path = database.explicitPath ?? livePath
        // looked at before SQLite opens the file (opening may create an empty -wal)
        let walWasAbsent = !FileManager.default.fileExists(atPath: path + "-wal")
        let store: StoreDatabase
        do {
            store = try StoreDatabase(readingAt: path)
        } catch StoreError.schemaOutOfDate(let path) where walWasAbsent && !StoreDatabase.isSameFile(path, livePath) {
            // a .sqlite copied while everything, even the tables, was still in its -wal
            throw CommandFailure.runtime("\(path) holds no Warmline tables and has no -wal beside it — if you copied only the .sqlite, "
                + "copy with `warmline backup` or `export`")
        } catch {
            throw CommandFailure.runtime("\(error)")
        }
        return ListingContext(store: store, format: try timeFormat(config: config), livePath: livePath, walWasAbsent: walWasAbsent)
    }

    /// The zone times are shown in: UTC with `--utc`, else the config's `time_zone`, else the process's (TZ).
    func timeFormat(config: UnitConfig?) throws -> TimeFormat {
        if utc { return .utc }
        guard let name = config?.timeZone else { return TimeFormat(timeZone: .current) }
        do {
            return TimeFormat(timeZone: try ZoneInfo.displayZone(name, fromSeconds: Int64(Date().timeIntervalSince1970) - 366 * 86_400))
        } catch {
            throw CommandFailure.runtime("\(error)")
        }
    }
}

/// An open database with the zone to show it in.
struct ListingContext {
    /// The database, read-only.
    let store: StoreDatabase
    /// How times are printed.
    let format: TimeFormat
    /// The unit's live database (the config's `database`).
    let livePath: String
    /// Whether the file had no `-wal` beside it when the command started.
    let walWasAbsent: Bool

    /// True when the opened file is not the unit's live database (a copy someone brought along).
    var isCopy: Bool { !StoreDatabase.isSameFile(store.path, livePath) }

    /// Says on stderr why a copy may look empty: a `.sqlite` copied without its `-wal` holds none of the recent rows.
    func noteEmptyCopy() {
        guard isCopy else { return }
        let wal = walWasAbsent ? " (it has no -wal beside it)" : ""
        CommandFailure.printError("no calls in \(store.path)\(wal) — if you copied only the .sqlite, copy with `warmline backup` or `export`")
    }
}

/// How store commands fail: bad input exits 2 before anything is written; a runtime problem exits 1.
enum CommandFailure {
    /// Prints `warmline: <message>` to stderr and returns the exit code for bad input (2).
    static func badInput(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode(2)
    }

    /// Prints `warmline: <message>` to stderr and returns the exit code for a runtime failure (1).
    static func runtime(_ message: String) -> ExitCode {
        printError(message)
        return ExitCode.failure
    }

    /// Prints `warmline: <message>` to stderr, control characters escaped (messages quote files and caller IDs).
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("warmline: \(TerminalText.escaped(message, keepNewlines: true))\n".utf8))
    }
}

/// Parsing of the store commands' option values, each failure naming the option.
enum OptionValue {
    /// A `--since`/`--until` value as milliseconds since 1970 (nil when absent); days and dates are local to `timeZone`.
    static func time(_ text: String?, option: String, now: Date = Date(), timeZone: TimeZone = .current) throws -> Int64? {
        guard let text else { return nil }
        do {
            return TimeBound.milliseconds(try TimeBound.parse(text, now: now, timeZone: timeZone))
        } catch {
            throw CommandFailure.badInput("\(option) \(error)")
        }
    }

    /// One of `allowed`, or exit 2 naming the choices.
    static func choice(_ text: String, option: String, allowed: [String]) throws -> String {
        guard allowed.contains(text) else {
            throw CommandFailure.badInput("\(option) '\(text)' is not one of: \(allowed.joined(separator: ", "))")
        }
        return text
    }
}

/// Fixed-width text tables for people.
enum TextTable {
    /// The width a listing keeps to unless `--wide`.
    static let terminalWidth = 80

    /// Columns padded to their widest cell, two spaces apart; the last column is not padded. Cells come from the
    /// database (caller IDs, payloads): each is shown with its control characters escaped. With `maxWidth`, the last
    /// column wraps under itself; `banners[i]` is a line printed before row `i` (a day heading).
    static func render(header: [String], rows: [[String]], maxWidth: Int? = nil, banners: [Int: String] = [:]) -> String {
        let rows = rows.map { $0.map { TerminalText.escaped($0) } }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> [String] {
            let head = cells.enumerated().dropLast().map { index, cell in
                cell.padding(toLength: widths[index], withPad: " ", startingAt: 0) + "  "
            }.joined()
            return CallTimeline.wrap(cells.last ?? "", after: head, width: maxWidth, indent: head.count)
        }
        var lines = line(header)
        for (index, row) in rows.enumerated() {
            if let banner = banners[index] { lines.append(TerminalText.escaped(banner)) }
            lines += line(row)
        }
        return lines.joined(separator: "\n")
    }

    /// A cell cut to `width` characters with `…` (for caller IDs and other free text in a fixed column).
    static func cut(_ text: String, _ width: Int) -> String {
        text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
    }

    /// `banners` for `rows` sorted by time: a `── 2026-12-06 (Europe/Kyiv) ──` line wherever the local day changes.
    static func dayBanners(_ times: [Int64], format: TimeFormat) -> [Int: String] {
        var banners: [Int: String] = [:]
        var previous: String?
        for (index, ms) in times.enumerated() {
            let day = format.day(ms: ms)
            if day != previous { banners[index] = "── \(day) (\(format.zoneName)) ──" }
            previous = day
        }
        return banners
    }
}

/// The output formats of the listings.
enum ListingFormat: String, CaseIterable {
    case table, csv, json

    /// `--format` parsed, or exit 2 naming the choices (`extra` adds formats a listing also keeps, e.g. ndjson).
    static func parse(_ text: String, extra: [String] = []) throws -> String {
        try OptionValue.choice(text, option: "--format", allowed: allCases.map(\.rawValue) + extra)
    }
}

/// A JSON array, one object per line, keys sorted: a document for tools and still readable line by line.
enum JSONList {
    static func render(_ objects: [[String: Any]]) -> String {
        objects.isEmpty ? "[]" : "[\n" + objects.map(NDJSON.line).joined(separator: ",\n") + "\n]"
    }
}

/// One JSON object per line, keys sorted.
enum NDJSON {
    static func line(_ object: [String: Any]) -> String {
        (try? JSONText.line(object)) ?? "{}"
    }

    /// A stored JSON payload as an object (or the raw string if it is not JSON).
    static func payload(_ text: String) -> Any {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) else { return text }
        return object
    }
}
