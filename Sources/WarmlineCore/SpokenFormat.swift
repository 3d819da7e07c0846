/// How times and amounts are written into prompts for each language (espeak-ng reads them out).
public enum SpokenFormat {
    private static let months: [String: [String]] = [
        "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December"],
        "uk": ["січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня", "вересня", "жовтня",
               "листопада", "грудня"],
        "tr": ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım",
               "Aralık"],
    ]

    /// A local date and time for `{expires_at}`: `18:40 on 27 November`, `18:40, 27 листопада`, `27 Kasım 18:40`.
    public static func dateTime(_ time: WallTime, language: String) -> String {
        let local = time.local
        let clock = "\(local.hour):\(local.minute < 10 ? "0" : "")\(local.minute)"
        guard let names = months[language] else {
            let month = local.month < 10 ? "0\(local.month)" : "\(local.month)"
            let day = local.day < 10 ? "0\(local.day)" : "\(local.day)"
            return "\(local.year)-\(month)-\(day) \(clock)"
        }
        let month = names[local.month - 1]
        switch language {
        case "uk": return "\(clock), \(local.day) \(month)"
        case "tr": return "\(local.day) \(month) \(clock)"
        default: return "\(clock) on \(local.day) \(month)"
        }
    }

    /// An amount in minor units for `{balance}`: `12.50` in English, `12,50` in Ukrainian and Turkish.
    public static func amount(minorUnits: Int, language: String) -> String {
        let separator = language == "en" ? "." : ","
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = abs(minorUnits)
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100)\(separator)\(cents < 10 ? "0" : "")\(cents)"
    }

    /// The language's English name, for the agent whisper.
    public static func englishName(of language: String) -> String {
        ["en": "English", "uk": "Ukrainian", "tr": "Turkish"][language] ?? language
    }
}
