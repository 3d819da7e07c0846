import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline subscribers import FILE.csv`: load cached balances from the operator's export.
struct Subscribers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage cached subscriber balances.", subcommands: [SubscribersImport.self])
}

/// `warmline subscribers import FILE.csv`.
struct SubscribersImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import balances from a CSV whose header names msisdn, balance_minor, currency (and optionally updated_at).",
        discussion: "Bad rows are reported by line and skipped; the good rows are committed in one transaction. Exits 1 if any row was skipped, 2 if the file cannot be imported at all (nothing written).")

    @OptionGroup var database: DatabaseOption

    @Argument(help: "The CSV file.")
    var file: String

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw CommandFailure.badInput("\(file): cannot read the file")
        }
        let store = try database.openForWriting()
        let result: SubscriberImportResult
        do {
            result = try store.importSubscribers(csvAt: file, nowMs: TimeBound.milliseconds(Date()))
        } catch let error as StoreError {
            throw CommandFailure.badInput("\(error)")
        }
        for rejected in result.rejected {
            CommandFailure.printError("\(file):\(rejected.line): \(rejected.reason); row skipped")
        }
        print("imported \(result.imported) subscribers; skipped \(result.rejected.count) rows")
        if !result.rejected.isEmpty { throw ExitCode.failure }
    }
}
