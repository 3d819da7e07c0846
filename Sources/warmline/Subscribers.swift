import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineCore
import WarmlineStore
import WarmlineText
import WarmlineUnit

/// `warmline subscribers import FILE.csv`: load cached balances from the operator's export.
struct Subscribers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage cached subscriber balances.", subcommands: [SubscribersImport.self, SubscribersList.self])
}

/// `warmline subscribers import FILE.csv`.
struct SubscribersImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import balances from a CSV whose header names msisdn, balance_minor, currency (and optionally updated_at); numbers are stored in E.164 for the config's country.",
        discussion: "Bad rows are reported by line and skipped; the good rows are committed in one transaction. A currency some language of the config cannot speak (no cur.<CUR>.major in prompts_dir/<lang>/pieces.yaml) is a bad row. Exits 1 if any row was skipped, 2 if the file cannot be imported at all (nothing written).")

    @OptionGroup var database: DatabaseOption

    @OptionGroup var config: ConfigOption

    @Argument(help: "The CSV file.")
    var file: String

    func run() throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw CommandFailure.badInput("\(file): cannot read the file")
        }
        let unit = try config.load()
        let catalogs: [PromptCatalog]
        do {
            catalogs = try unit.languages.map { try PromptCatalog.load(root: unit.promptsDirectory, language: $0) }
        } catch {
            throw CommandFailure.badInput("\(error); cannot check which currencies the callers can hear, nothing imported")
        }
        let store = try database.openForWriting()
        let result: SubscriberImportResult
        do {
            let country = unit.call.dayPass.country
            result = try store.importSubscribers(csvAt: file, nowMs: TimeBound.milliseconds(Date()), currencyCheck: { currency in
                PlaceholderSpeech.currencyRefusal(currency, catalogs: catalogs, root: unit.promptsDirectory)
            }, normaliseNumber: { try PhoneNumber.normalise($0, country: country).get() })
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
