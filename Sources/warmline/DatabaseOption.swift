import ArgumentParser
import Foundation
import WarmlineStore
import WarmlineText

/// `--db PATH`, shared by every store command.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("SQLite database file.", valueName: "path"))
    var path: String = StoreDatabase.defaultPath

    /// Opens the database for a read-only command (never creates it).
    func openForReading() throws -> StoreDatabase {
        do {
            return try StoreDatabase(readingAt: path)
        } catch {
            throw CommandFailure.runtime("\(error)")
        }
    }

    /// Opens (creating and migrating if needed) the database for a command that writes.
    func openForWriting() throws -> StoreDatabase {
        do {
            return try StoreDatabase(path: path)
        } catch {
            throw CommandFailure.runtime("\(error)")
        }
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
    /// A `--since`/`--until` value as milliseconds since 1970 (nil when absent).
    static func time(_ text: String?, option: String, now: Date = Date()) throws -> Int64? {
        guard let text else { return nil }
        do {
            return TimeBound.milliseconds(try TimeBound.parse(text, now: now, timeZone: .current))
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
    /// Columns padded to their widest cell, two spaces apart; the last column is not padded. Cells come from the
    /// database (caller IDs, payloads): each is shown with its control characters escaped.
    static func render(header: [String], rows: [[String]]) -> String {
        let rows = rows.map { $0.map { TerminalText.escaped($0) } }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
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
