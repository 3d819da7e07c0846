import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline backup --to FILE`: a consistent, checked copy of the live database, taken while the unit runs.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database, online and consistent, into one checked file.",
        discussion: "Copy with `warmline backup` or `warmline export`, never the .sqlite alone: recent calls live in its -wal until "
            + "the unit folds them in. The copy is made with VACUUM INTO while the unit keeps writing, checked with "
            + "PRAGMA integrity_check, and moved into place only when it passes. An existing FILE is kept unless --force.")

    @OptionGroup var listing: ListingOption

    @Option(help: ArgumentHelp("The copy to write (a new file).", valueName: "file"))
    var to: String

    @Flag(help: "Replace FILE if it exists.")
    var force = false

    func run() throws {
        let context = try listing.open()
        let result: BackupResult
        do {
            result = try context.store.backup(to: to, overwrite: force)
        } catch let error as StoreError {
            throw CommandFailure.badInput("\(error)")
        } catch {
            throw CommandFailure.runtime("backup to \(to) failed: \(error)")
        }
        let rows = result.rows.map { "\($0.count) \($0.table)" }.joined(separator: ", ")
        print("backed up \(context.store.path) to \(result.path) (\(result.bytes) bytes, integrity \(result.integrity)): \(rows)")
    }
}
