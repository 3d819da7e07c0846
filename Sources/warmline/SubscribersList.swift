import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline subscribers list`: the cached balances the day-pass policy reads.
struct SubscribersList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List cached subscriber balances.")

    @OptionGroup var listing: ListingOption

    @Option(help: ArgumentHelp("Output format: table, csv or json.", valueName: "format"))
    var format: String = "table"

    func run() throws {
        let format = try ListingFormat.parse(format)
        let context = try listing.open()
        let time = context.format
        let subscribers = try context.store.subscribers()
        func values(_ subscriber: SubscriberRecord) -> [String: Any] {
            ["msisdn": subscriber.msisdn, "balance_minor": subscriber.balanceMinor, "currency": subscriber.currency,
             "updated_at_ms": subscriber.updatedAtMs, "updated_at": time.iso8601(ms: subscriber.updatedAtMs)]
        }
        let fields = ["msisdn", "balance_minor", "currency", "updated_at_ms", "updated_at"]
        switch format {
        case "csv":
            print(CSV.row(fields), terminator: "")
            for subscriber in subscribers { print(CSV.row(fields.map { CallsList.text(values(subscriber)[$0]) }), terminator: "") }
        case "json":
            print(JSONList.render(subscribers.map(values)))
        default:
            print(TextTable.render(header: ["NUMBER", "BALANCE", "UPDATED"], rows: subscribers.map { subscriber in
                [subscriber.msisdn, SubscribersList.amount(subscriber.balanceMinor, subscriber.currency), time.dateTime(ms: subscriber.updatedAtMs)]
            }, maxWidth: TextTable.terminalWidth))
        }
    }

    /// `12.50 EUR` from minor units (two decimals; the import stores minor units for every currency).
    static func amount(_ minor: Int64, _ currency: String) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        return "\(sign)\(magnitude / 100).\(String(format: "%02d", Int(magnitude % 100))) \(currency)"
    }
}
