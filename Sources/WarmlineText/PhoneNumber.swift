/// Caller IDs and subscriber numbers in one form, E.164 (`+15550402`), so one subscriber is one key however the
/// network or the billing export wrote the number.
public enum PhoneNumber {
    /// Fewest digits (country code included) of a number that can be a subscriber's: shorter ones are short codes.
    public static let minimumDigits = 8
    /// E.164 allows at most 15 digits.
    public static let maximumDigits = 15
    /// Longest raw text looked at: anything longer is not a phone number.
    public static let maximumRawLength = 40

    /// The E.164 form of `raw` as dialled or sent in `country`, or why it is not a plausible subscriber number.
    ///
    /// `+15550402`, `15550402`, `0015550402`, `+015550402` and `011 555 0402` are all `+15550402` in the US.
    /// Spaces, dashes, dots and brackets are ignored; letters, control characters and anything else are refused.
    public static func normalise(_ raw: String, country: DialingCountry) -> Result<String, Refusal> {
        let trimmed = raw.trimmingWhitespace()
        guard !trimmed.isEmpty else { return .failure(Refusal(reason: "no caller ID")) }
        guard trimmed.unicodeScalars.count <= maximumRawLength else {
            return .failure(Refusal(reason: "longer than \(maximumRawLength) characters: not a phone number"))
        }
        var digits = ""
        var plus = false
        for (index, scalar) in trimmed.unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case "+" where index == 0: plus = true
            case " ", "-", ".", "(", ")": continue
            default:
                return .failure(Refusal(reason: "holds \(scalar.value < 0x20 || scalar.value == 0x7F ? "a control character" : "'\(scalar)'"): not a phone number"))
            }
        }
        guard !digits.isEmpty else { return .failure(Refusal(reason: "has no digits: not a phone number")) }
        let international: String
        if plus {
            // no country code starts with 0: a "+0..." is the network's international prefix behind a "+"
            international = String(digits.drop { $0 == "0" })
        } else if let prefix = (country.internationalPrefixes + ["00"]).first(where: { digits.hasPrefix($0) }) {
            international = String(digits.dropFirst(prefix.count).drop { $0 == "0" })
        } else if let trunk = country.trunkPrefix, digits.hasPrefix(trunk) {
            international = country.callingCode + digits.dropFirst(trunk.count)
        } else if digits.hasPrefix(country.callingCode), digits.count - country.callingCode.count >= country.minimumNationalDigits,
                  country.trunkPrefix != nil {
            // the country's own code without the "+" (a billing export's "380501234567"); national numbers keep their trunk 0
            international = digits
        } else if digits.count > country.maximumNationalDigits {
            // longer than any national number: international without the "+" (the billing export's "353871234567")
            international = digits
        } else {
            international = country.callingCode + digits
        }
        guard international.count >= minimumDigits else {
            return .failure(Refusal(reason: "+\(international) has \(international.count) digits, fewer than \(minimumDigits): a short code, not a subscriber"))
        }
        guard international.count <= maximumDigits else {
            return .failure(Refusal(reason: "+\(international.prefix(20)) has \(international.count) digits, more than E.164's \(maximumDigits)"))
        }
        return .success("+" + international)
    }

    /// Why a text is not a subscriber number.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, for the log and the technician.
        public var reason: String
        /// Makes a refusal.
        public init(reason: String) { self.reason = reason }
        /// The reason.
        public var description: String { reason }
    }
}

/// How numbers are written in one country: its calling code, trunk prefix and international prefixes.
public struct DialingCountry: Sendable, Equatable {
    /// ISO 3166 alpha-2 code, lower case (`us`, `gb`, `ua`).
    public var code: String
    /// ITU calling code without the `+` (`1`, `44`, `380`).
    public var callingCode: String
    /// Prefix of national numbers dialled in the country (`0`, or `1` in North America); nil when there is none.
    public var trunkPrefix: String?
    /// Prefixes dialled before an international number (`011`, `00`); `00` is always accepted too.
    public var internationalPrefixes: [String]
    /// Fewest digits of a national significant number.
    public var minimumNationalDigits: Int
    /// Most digits of a national significant number: a longer number without a prefix is international.
    public var maximumNationalDigits: Int

    /// Makes a country.
    public init(code: String, callingCode: String, trunkPrefix: String?, internationalPrefixes: [String],
                minimumNationalDigits: Int = 7, maximumNationalDigits: Int) {
        self.code = code
        self.callingCode = callingCode
        self.trunkPrefix = trunkPrefix
        self.internationalPrefixes = internationalPrefixes
        self.minimumNationalDigits = minimumNationalDigits
        self.maximumNationalDigits = maximumNationalDigits
    }

    /// The shipped default: the United States (North American Numbering Plan).
    public static let unitedStates = DialingCountry(code: "us", callingCode: "1", trunkPrefix: "1", internationalPrefixes: ["011"], maximumNationalDigits: 10)

    /// The countries a unit can be configured for.
    public static let known: [DialingCountry] = [
        unitedStates,
        DialingCountry(code: "ca", callingCode: "1", trunkPrefix: "1", internationalPrefixes: ["011"], maximumNationalDigits: 10),
        DialingCountry(code: "gb", callingCode: "44", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 10),
        DialingCountry(code: "ie", callingCode: "353", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "ua", callingCode: "380", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "tr", callingCode: "90", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 10),
        DialingCountry(code: "de", callingCode: "49", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 11),
        DialingCountry(code: "fr", callingCode: "33", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "nl", callingCode: "31", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "pl", callingCode: "48", trunkPrefix: nil, internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "es", callingCode: "34", trunkPrefix: nil, internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "it", callingCode: "39", trunkPrefix: nil, internationalPrefixes: ["00"], minimumNationalDigits: 6, maximumNationalDigits: 11),
        DialingCountry(code: "pt", callingCode: "351", trunkPrefix: nil, internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "in", callingCode: "91", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 10),
        DialingCountry(code: "za", callingCode: "27", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 9),
        DialingCountry(code: "ke", callingCode: "254", trunkPrefix: "0", internationalPrefixes: ["000"], maximumNationalDigits: 9),
        DialingCountry(code: "ng", callingCode: "234", trunkPrefix: "0", internationalPrefixes: ["009"], maximumNationalDigits: 10),
        DialingCountry(code: "au", callingCode: "61", trunkPrefix: "0", internationalPrefixes: ["0011"], maximumNationalDigits: 9),
        DialingCountry(code: "nz", callingCode: "64", trunkPrefix: "0", internationalPrefixes: ["00"], maximumNationalDigits: 10),
        DialingCountry(code: "jp", callingCode: "81", trunkPrefix: "0", internationalPrefixes: ["010"], maximumNationalDigits: 10),
    ]

    /// The known country with this ISO code (any case), if any.
    public static func named(_ code: String) -> DialingCountry? {
        known.first { $0.code == code.lowercased() }
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}
