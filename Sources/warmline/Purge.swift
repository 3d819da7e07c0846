import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline purge --before DATE`: caller numbers and names recorded before DATE become salted pseudonyms.
struct Purge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace caller numbers and names recorded before a date with pseudonyms; calls, events and counts stay.",
        discussion: "The running unit does this daily for data older than retention_days (warmline.yaml). Each number becomes "
            + "'anon:' and 16 hex digits of a salted SHA-256 (one salt per database), so repeat callers still count as one.")

    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("Purge what was recorded before this: a date (2026-09-01, 2026-09-01T12:00Z) or a duration back from now (90d).",
                               valueName: "date"))
    var before: String

    func run() throws {
        let now = Date()
        let nowMs = TimeBound.milliseconds(now)
        guard let beforeMs = try OptionValue.time(before, option: "--before", now: now) else { return }
        guard beforeMs <= nowMs else {
            throw CommandFailure.badInput("--before '\(before)' is in the future: name a date that has passed")
        }
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw CommandFailure.runtime("\(StoreError.noDatabase(path: database.path))")
        }
        let store = try database.openForWriting()
        do {
            print(try store.purgeCallerData(beforeMs: beforeMs, nowMs: nowMs))
        } catch {
            throw CommandFailure.runtime("purge of \(database.path) stopped (batches already done stay done; run it again): \(error)")
        }
    }
}
