import Foundation
import GRDB

/// What `importSubscribers` did: how many rows it committed and which it skipped, by line.
public struct SubscriberImportResult: Sendable, Equatable {
    /// A skipped row and why.
    public struct Rejected: Sendable, Equatable {
        /// Line in the CSV file (the header is line 1).
        public var line: Int
        /// What is wrong, naming the column.
        public var reason: String
    }

    /// Rows committed (inserted or replaced).
    public var imported: Int
    /// Rows skipped.
    public var rejected: [Rejected]
}

extension StoreDatabase {
    /// Columns a subscribers CSV must name in its header (any order; `updated_at` is optional).
    public static let subscriberColumns = ["msisdn", "balance_minor", "currency"]

    /// Imports subscriber balances from a CSV whose header names the columns; bad rows are skipped and
    /// reported by line, the good ones committed in one transaction. A header missing a column writes nothing.
    /// `currencyCheck` returns why a currency cannot be used (e.g. no language can speak it), nil to accept it.
    /// `normaliseNumber` gives the stored form of an msisdn (E.164 in the unit's country: the form caller IDs are looked
    /// up by) or throws why it is not a subscriber number; without it the msisdn is stored as written.
    public func importSubscribers(csvAt file: String, nowMs: Int64,
                                  currencyCheck: (String) -> String? = { _ in nil },
                                  normaliseNumber: ((String) throws -> String)? = nil) throws -> SubscriberImportResult {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw StoreError.badCSV(file: file, reason: "cannot read the file")
        }
        let records = CSV.parse(String(decoding: data, as: UTF8.self))
        guard let header = records.first else {
            throw StoreError.badCSV(file: file, reason: "is empty; expected a header naming \(StoreDatabase.subscriberColumns.joined(separator: ", "))")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        let missing = StoreDatabase.subscriberColumns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            let plural = missing.count == 1 ? "column" : "columns"
            throw StoreError.badCSV(file: file, reason: "line \(header.line): header is missing the \(plural) \(missing.map { "'\($0)'" }.joined(separator: ", ")) (found: \(names.joined(separator: ", "))); nothing imported")
        }

        var good: [SubscriberRecord] = []
        var rejected: [SubscriberImportResult.Rejected] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            func value(_ column: String) -> String {
                guard let position = index[column], position < record.fields.count else { return "" }
                return record.fields[position].trimmingCharacters(in: .whitespaces)
            }
            func reject(_ reason: String) { rejected.append(.init(line: record.line, reason: reason)) }
            guard record.fields.count == names.count else {
                reject("has \(record.fields.count) fields, the header has \(names.count)")
                continue
            }
            var msisdn = value("msisdn")
            if let normaliseNumber {
                do {
                    msisdn = try normaliseNumber(msisdn)
                } catch {
                    reject("msisdn '\(msisdn)' \(error)")
                    continue
                }
            } else {
                guard msisdn.wholeMatch(of: /\+?[0-9]{5,15}/) != nil else {
                    reject("msisdn '\(msisdn)' is not a phone number (5 to 15 digits, optional leading +)")
                    continue
                }
            }
            guard let balance = Int64(value("balance_minor")) else {
                reject("balance_minor '\(value("balance_minor"))' is not a whole number of minor units (1250 means 12.50)")
                continue
            }
            let currency = value("currency").uppercased()
            guard currency.wholeMatch(of: /[A-Z]{3}/) != nil else {
                reject("currency '\(value("currency"))' is not a 3-letter ISO 4217 code (e.g. EUR)")
                continue
            }
            if let refusal = currencyCheck(currency) {
                reject(refusal)
                continue
            }
            var updatedAtMs = nowMs
            if index["updated_at"] != nil, !value("updated_at").isEmpty {
                let text = value("updated_at")
                if let ms = Int64(text) {
                    updatedAtMs = ms
                } else if let date = TimeBound.absoluteDate(text, timeZone: TimeZone(secondsFromGMT: 0) ?? .current) {
                    updatedAtMs = TimeBound.milliseconds(date)
                } else {
                    reject("updated_at '\(text)' is not a date (2026-11-26T14:30:00Z) or milliseconds since 1970")
                    continue
                }
            }
            if let earlier = seen[msisdn] {
                reject("msisdn \(msisdn) already appears on line \(earlier)")
                continue
            }
            seen[msisdn] = record.line
            good.append(SubscriberRecord(msisdn: msisdn, balanceMinor: balance, currency: currency, updatedAtMs: updatedAtMs))
        }
        try pool.write { db in
            for subscriber in good { try subscriber.insert(db, onConflict: .replace) }
        }
        return SubscriberImportResult(imported: good.count, rejected: rejected)
    }
}
