import WarmlineCore

/// Turns a `SpokenValue` into the piece ids that say it in one language (`23:40 tomorrow` -> `tomorrow at n20 hour3 n40` in Ukrainian).
public struct PlaceholderSpeech: Sendable {
    /// The language's pieces and feminine nouns.
    public let catalog: PromptCatalog

    /// Speech rules for `catalog`'s language.
    public init(catalog: PromptCatalog) {
        self.catalog = catalog
    }

    private var language: String { catalog.language }

    /// The pieces that say `value`, in order; throws when a needed piece is missing from pieces.yaml.
    public func pieceIDs(for value: SpokenValue) throws -> [String] {
        do {
            return try ids(for: value)
        } catch let missingPiece as MissingPiece {
            throw missing("a piece '\(missingPiece.id)'")
        }
    }

    /// Amounts in minor units that reach every plural form of the major and of the minor noun (0, 1, 2, 5, 11, 21).
    static let currencyProbeAmounts = [0, 100, 200, 500, 1100, 2100, 1, 2, 5, 11, 21]

    /// The first piece missing to say amounts of `currency` (`cur.EUR.major`), or nil when every amount can be said.
    public func missingPiece(forCurrency currency: String) -> String? {
        for minorUnits in Self.currencyProbeAmounts {
            do {
                _ = try ids(for: .money(minorUnits: minorUnits, currency: currency))
            } catch let missingPiece as MissingPiece {
                return missingPiece.id
            } catch {
                return "\(error)"
            }
        }
        return nil
    }

    /// Why some of `catalogs`' languages cannot say amounts of `currency`, naming each language's pieces file
    /// under `root` (nil when every language can).
    public static func currencyRefusal(_ currency: String, catalogs: [PromptCatalog], root: String) -> String? {
        var languages: [String] = []
        var missingByPiece: [(piece: String, files: [String])] = []
        for catalog in catalogs {
            guard let piece = PlaceholderSpeech(catalog: catalog).missingPiece(forCurrency: currency) else { continue }
            languages.append(catalog.language)
            let file = "\(root)/\(catalog.language)/pieces.yaml"
            if let index = missingByPiece.firstIndex(where: { $0.piece == piece }) {
                missingByPiece[index].files.append(file)
            } else {
                missingByPiece.append((piece, [file]))
            }
        }
        guard !languages.isEmpty else { return nil }
        let why = missingByPiece.map { "no \($0.piece) in \($0.files.joined(separator: ", "))" }.joined(separator: "; ")
        return "currency '\(currency)' cannot be spoken in \(languages.joined(separator: ", ")) (\(why))"
    }

    private struct MissingPiece: Error {
        var id: String
    }

    private func ids(for value: SpokenValue) throws -> [String] {
        let ids: [String]
        switch value {
        case .number(let number):
            guard (0...999_999).contains(number) else { throw missing("a number within 0...999999, got \(number)") }
            ids = try cardinal(number)
        case .digits(let text):
            ids = try text.compactMap { $0.wholeNumberValue }.map { try piece("n\($0)") }
        case .time(let hour, let minute, let day):
            guard (0...23).contains(hour), (0...59).contains(minute) else {
                throw missing("a time within 00:00...23:59, got \(hour):\(minute)")
            }
            ids = try time(hour: hour, minute: minute, day: day)
        case .money(let minorUnits, let currency):
            guard minorUnits >= 0 else { throw missing("a non-negative amount, got \(minorUnits)") }
            ids = try money(minorUnits: minorUnits, currency: currency)
        }
        return ids
    }

    private func missing(_ what: String) -> PromptFileError {
        PromptFileError(file: "Prompts/\(language)/pieces.yaml", reason: "needs \(what)")
    }

    private func has(_ id: String) -> Bool { catalog.pieces[id] != nil }

    private func piece(_ id: String) throws -> String {
        guard has(id) else { throw MissingPiece(id: id) }
        return id
    }

    /// Plural category of `number` for a counted noun: Ukrainian has one/few/many, the others one/many.
    private func category(_ number: Int) -> String {
        if language == "uk" {
            let last = number % 10, lastTwo = number % 100
            if last == 1 && lastTwo != 11 { return "one" }
            if (2...4).contains(last) && !(12...14).contains(lastTwo) { return "few" }
            return "many"
        }
        return number == 1 ? "one" : "many"
    }

    /// The noun piece for `base` after `number`: `base.<category>` when the language has it, else `base`.
    private func noun(_ base: String, after number: Int) throws -> String {
        let specific = "\(base).\(category(number))"
        if has(specific) { return specific }
        if has(base) { return base }
        // A noun given in plural forms lacks this form; one given in no form at all lacks the noun.
        throw MissingPiece(id: catalog.pieces.keys.contains { $0.hasPrefix(base + ".") } ? specific : base)
    }

    private func cardinal(_ number: Int, feminine: Bool = false) throws -> [String] {
        if number >= 1000 {
            let thousands = number / 1000, rest = number % 1000
            var ids: [String]
            if thousands == 1 && has("n1000") {
                ids = ["n1000"]
            } else {
                ids = try cardinal(thousands, feminine: catalog.feminine.contains("thousand"))
                ids.append(try noun("thousand", after: thousands))
            }
            if rest > 0 { ids += try cardinal(rest, feminine: feminine) }
            return ids
        }
        if number >= 100 {
            let hundreds = number / 100, rest = number % 100
            var ids = has("n\(hundreds * 100)") ? ["n\(hundreds * 100)"] : try cardinal(hundreds) + [piece("hundred")]
            if rest > 0 { ids += try cardinal(rest, feminine: feminine) }
            return ids
        }
        if feminine, number % 100 != 11, number % 100 != 12, [1, 2].contains(number % 10), has("n\(number % 10)f") {
            return number >= 20 ? [try piece("n\(number - number % 10)"), "n\(number % 10)f"] : ["n\(number)f"]
        }
        if has("n\(number)") { return ["n\(number)"] }
        let tens = number - number % 10
        return [try piece("n\(tens)"), try piece("n\(number % 10)")]
    }

    private func time(hour: Int, minute: Int, day: SpokenValue.Day) throws -> [String] {
        let dayIDs = try self.day(day)
        switch language {
        case "en": return try englishClock(hour: hour, minute: minute) + dayIDs
        case "uk": return try dayIDs + ukrainianClock(hour: hour, minute: minute)
        case "tr": return try dayIDs + turkishClock(hour: hour, minute: minute)
        default: return try dayIDs + plainClock(hour: hour, minute: minute)
        }
    }

    /// `today`, `tomorrow`, `day_after_tomorrow`, or `in_days` N `days` `days_later` (each of the last optional but `days`).
    private func day(_ day: SpokenValue.Day) throws -> [String] {
        switch day.daysAfterToday {
        case 0: return [try piece("today")]
        case 1: return [try piece("tomorrow")]
        case 2 where has("day_after_tomorrow"): return ["day_after_tomorrow"]
        case let days where days >= 2:
            return (has("in_days") ? ["in_days"] : []) + (try cardinal(days, feminine: catalog.feminine.contains("days")))
                + [try noun("days", after: days)] + (has("days_later") ? ["days_later"] : [])
        case let days:
            throw missing("a day today or later, got \(days) days after today")
        }
    }

    /// Minutes after the hour: `oh five`, `нуль п'ять` for 1...9, else the cardinal (feminine where `minute` is listed).
    private func minutes(_ minute: Int) throws -> [String] {
        let words = try cardinal(minute, feminine: catalog.feminine.contains("minute"))
        return minute < 10 ? [try piece("minute_zero")] + words : words
    }

    /// English: midnight, noon, `six o'clock in the evening`, `quarter to seven in the evening`, `twelve thirty four a.m.`.
    private func englishClock(hour: Int, minute: Int) throws -> [String] {
        switch minute {
        case 0 where hour == 0: return [try piece("midnight")]
        case 0 where hour == 12: return [try piece("noon")]
        case 0: return try cardinal(twelveHour(hour)) + [piece("oclock"), partOfDay(hour)]
        case 15: return [try piece("quarter_past")] + (try englishHour(hour))
        case 30: return [try piece("half_past")] + (try englishHour(hour))
        case 45: return [try piece("quarter_to")] + (try englishHour((hour + 1) % 24))
        default: return try cardinal(twelveHour(hour)) + minutes(minute) + [piece(hour < 12 ? "am" : "pm")]
        }
    }

    private func twelveHour(_ hour: Int) -> Int { hour % 12 == 0 ? 12 : hour % 12 }

    /// The hour a quarter or half refers to: `midnight`, `noon`, or `seven in the evening`.
    private func englishHour(_ hour: Int) throws -> [String] {
        switch hour {
        case 0: return [try piece("midnight")]
        case 12: return [try piece("noon")]
        default: return try cardinal(twelveHour(hour)) + [partOfDay(hour)]
        }
    }

    private func partOfDay(_ hour: Int) throws -> String {
        switch hour {
        case 0..<12: return try piece("morning")
        case 12..<18: return try piece("afternoon")
        case 18..<22: return try piece("evening")
        default: return try piece("night")
        }
    }

    /// Ukrainian: `опівночі`, `опівдні`, `о першій`, `об одинадцятій`, `о нульовій тридцять чотири`, `о двадцять третій нуль п'ять`.
    private func ukrainianClock(hour: Int, minute: Int) throws -> [String] {
        if minute == 0, hour == 0 { return [try piece("midnight")] }
        if minute == 0, hour == 12 { return [try piece("noon")] }
        // The hour is an ordinal in the feminine locative (о першій): hour<N>, or tens then hour<unit> (двадцять першій).
        let hourIDs = has("hour\(hour)") ? ["hour\(hour)"] : try cardinal(hour - hour % 10) + [piece("hour\(hour % 10)")]
        let first = catalog.pieces[hourIDs[0]]?.first.map { "аеєиіїоуюяАЕЄИІЇОУЮЯ".contains($0) } ?? false
        let at = first && has("at.vowel") ? "at.vowel" : try piece("at")
        return [at] + hourIDs + (minute == 0 ? [] : try minutes(minute))
    }

    /// Turkish: `gece yarısına`, `saat bire`, `saat on bir buçuğa`, `saat sıfır otuz dörde` (the last word in the dative).
    private func turkishClock(hour: Int, minute: Int) throws -> [String] {
        if minute == 0, hour == 0 { return [try piece("midnight.dative")] }
        var ids = [try piece("at")] + (try cardinal(hour))
        if minute == 30, hour != 0 { return ids + [try piece("half.dative")] }
        if minute != 0 { ids += try minutes(minute) }
        let last = ids.removeLast()
        return ids + [try piece("\(last).dative")]
    }

    /// Any other language: `H MM` or `H oclock`, 24-hour.
    private func plainClock(hour: Int, minute: Int) throws -> [String] {
        try cardinal(hour) + (minute == 0 ? [piece("oclock")] : minutes(minute))
    }

    private func money(minorUnits: Int, currency: String) throws -> [String] {
        let major = minorUnits / 100, minor = minorUnits % 100
        let majorNoun = "cur.\(currency).major", minorNoun = "cur.\(currency).minor"
        var ids = try cardinal(major, feminine: catalog.feminine.contains(majorNoun))
        ids.append(try noun(majorNoun, after: major))
        if minor > 0 {
            ids += try cardinal(minor, feminine: catalog.feminine.contains(minorNoun))
            ids.append(try noun(minorNoun, after: minor))
        }
        return ids
    }
}
