import Testing
import WarmlineText

@Suite("Phone number")
struct PhoneNumberTests {
    private let us = DialingCountry.unitedStates

    private func normalised(_ raw: String, _ country: DialingCountry) -> String? {
        try? PhoneNumber.normalise(raw, country: country).get()
    }

    @Test("The four ways one US subscriber reached the unit are one E.164 number")
    func fourVariants() {
        for raw in ["+15550402", "15550402", "0015550402", "+015550402", "5550402", "011 1 555 0402", "+1 (555) 040-2"] {
            #expect(normalised(raw, us) == "+15550402", "\(raw)")
        }
    }

    @Test("National, international and prefix-less numbers in other countries")
    func otherCountries() throws {
        let ua = try #require(DialingCountry.named("UA"))
        for raw in ["0501234567", "+380501234567", "380501234567", "00380501234567"] {
            #expect(normalised(raw, ua) == "+380501234567", "\(raw)")
        }
        let gb = try #require(DialingCountry.named("gb"))
        #expect(normalised("07700 900123", gb) == "+447700900123")
        let au = try #require(DialingCountry.named("au"))
        #expect(normalised("0011 44 7700 900123", au) == "+447700900123")
        // a billing export's international number without the "+" stays itself in any country
        #expect(normalised("353871234567", us) == "+353871234567")
        #expect(normalised("353871234567", gb) == "+353871234567")
    }

    @Test("Short codes, letters, control characters, withheld markers and over-long numbers are refused with a reason")
    func refused() {
        let cases: [(String, String)] = [
            ("99999", "+199999 has 6 digits, fewer than 8: a short code, not a subscriber"),
            ("112", "+112 has 3 digits, fewer than 8: a short code, not a subscriber"),
            ("+1555\u{1b}[2J0402", "holds a control character: not a phone number"),
            ("withheld", "holds 'w': not a phone number"),
            ("", "no caller ID"),
            ("+", "has no digits: not a phone number"),
            ("+1234567890123456", "+1234567890123456 has 16 digits, more than E.164's 15"),
            (String(repeating: "1", count: 41), "longer than 40 characters: not a phone number"),
        ]
        for (raw, reason) in cases {
            #expect(throws: PhoneNumber.Refusal(reason: reason)) { try PhoneNumber.normalise(raw, country: us).get() }
        }
    }
}
