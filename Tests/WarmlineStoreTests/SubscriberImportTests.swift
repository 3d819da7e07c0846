import Foundation
import GRDB
import Testing
@testable import WarmlineStore

@Suite("SubscriberImport")
struct SubscriberImportTests {
    @Test("good rows are committed, bad rows are reported by line and skipped")
    func goodAndBadRows() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("subscribers.csv")
        try Data("""
            currency,msisdn,balance_minor,updated_at
            EUR,353871234567,1250,2026-11-25T08:00:00Z
            eur,+353870000000,0,
            EUR,35387,ten,
            EUR,not-a-number,5,
            EURO,353879999999,5,
            EUR,353871234567,99,
            EUR,353876666666,7
            TRY,905551234567,-300,1795651200000

            """.utf8).write(to: URL(fileURLWithPath: csv))
        let result = try store.importSubscribers(csvAt: csv, nowMs: 42)
        #expect(result.imported == 3)
        #expect(result.rejected.map(\.line) == [4, 5, 6, 7, 8])
        #expect(result.rejected[0].reason.contains("balance_minor 'ten'"))
        #expect(result.rejected[3].reason.contains("already appears on line 2"))
        #expect(result.rejected[4].reason.contains("has 3 fields, the header has 4"))
        #expect(try store.subscriber(msisdn: "353871234567") == SubscriberRecord(msisdn: "353871234567", balanceMinor: 1_250, currency: "EUR", updatedAtMs: 1_795_593_600_000))
        #expect(try store.subscriber(msisdn: "+353870000000")?.updatedAtMs == 42)
        #expect(try store.subscriber(msisdn: "905551234567")?.balanceMinor == -300)
    }

    @Test("a header missing a required column is an error naming it, and nothing is written")
    func missingColumn() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("bad.csv")
        try Data("msisdn,balance\n353871234567,100\n".utf8).write(to: URL(fileURLWithPath: csv))
        #expect {
            try store.importSubscribers(csvAt: csv, nowMs: 1)
        } throws: { error in
            "\(error)".contains("'balance_minor', 'currency'") && "\(error)".contains("line 1")
        }
        #expect(try store.pool.read { try SubscriberRecord.fetchCount($0) } == 0)
    }

    @Test("a currency the check refuses is reported by line with the check's reason, and the other rows are committed")
    func refusedCurrency() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("subscribers.csv")
        try Data("""
            msisdn,balance_minor,currency
            353871234567,1250,USD
            353871234568,900,eur
            353871234569,0,UAH
            353871234570,5,EUR

            """.utf8).write(to: URL(fileURLWithPath: csv))
        var asked: [String] = []
        let result = try store.importSubscribers(csvAt: csv, nowMs: 42) { currency in
            asked.append(currency)
            return currency == "EUR" ? "currency 'EUR' cannot be spoken in uk (no cur.EUR.major in Prompts/uk/pieces.yaml)" : nil
        }
        #expect(asked == ["USD", "EUR", "UAH", "EUR"])
        #expect(result.imported == 2)
        #expect(result.rejected == [
            .init(line: 3, reason: "currency 'EUR' cannot be spoken in uk (no cur.EUR.major in Prompts/uk/pieces.yaml)"),
            .init(line: 5, reason: "currency 'EUR' cannot be spoken in uk (no cur.EUR.major in Prompts/uk/pieces.yaml)"),
        ])
        #expect(try store.subscriber(msisdn: "353871234568") == nil)
        #expect(try store.subscriber(msisdn: "353871234569")?.currency == "UAH")
        #expect(try store.pool.read { try SubscriberRecord.fetchCount($0) } == 2)
    }

    @Test("with a number normaliser, rows are stored in its form, duplicates are caught in that form and refusals reported by line")
    func normalisedNumbers() throws {
        struct NotANumber: Error, CustomStringConvertible { var description: String { "is not a subscriber number" } }
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let csv = directory.file("subscribers.csv")
        try Data("msisdn,balance_minor,currency\n+15550402,0,USD\n0015550402,5,USD\n99999,0,USD\n".utf8).write(to: URL(fileURLWithPath: csv))
        let result = try store.importSubscribers(csvAt: csv, nowMs: 1, normaliseNumber: { raw in
            let digits = raw.drop { $0 == "+" || $0 == "0" }
            guard digits.count >= 8 else { throw NotANumber() }
            return "+" + digits
        })
        #expect(result.imported == 1)
        #expect(result.rejected == [.init(line: 3, reason: "msisdn +15550402 already appears on line 2"),
                                    .init(line: 4, reason: "msisdn '99999' is not a subscriber number")])
        #expect(try store.subscriber(msisdn: "+15550402")?.balanceMinor == 0)
    }
}
