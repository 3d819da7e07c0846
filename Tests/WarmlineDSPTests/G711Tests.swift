import Testing
@testable import WarmlineDSP

@Suite("G.711 companding")
struct G711Tests {
    /// µ-law reconstruction level from the G.711 table: sign, 3-bit segment, 4-bit step (14-bit units, ×4).
    static func muLawReference(_ code: UInt8) -> Int {
        let inverted = ~code
        let segment = Int((inverted >> 4) & 7), step = Int(inverted & 15)
        let magnitude = (((2 * step + 33) << segment) - 33) * 4
        return inverted & 0x80 != 0 ? -magnitude : magnitude
    }

    /// A-law reconstruction level from the G.711 table (13-bit units, ×8); even bits inverted.
    static func aLawReference(_ code: UInt8) -> Int {
        let x = code ^ 0x55
        let segment = Int((x >> 4) & 7), step = Int(x & 15)
        let magnitude = (segment == 0 ? 2 * step + 1 : (2 * step + 33) << (segment - 1)) * 8
        return x & 0x80 != 0 ? magnitude : -magnitude
    }

    @Test("every µ-law code decodes to the G.711 table value")
    func muLawDecodeAllCodes() {
        for code in 0...255 {
            #expect(Int(G711.muLawDecode(UInt8(code))) == Self.muLawReference(UInt8(code)), "code \(code)")
        }
        #expect(G711.muLawDecode(0x80) == 32124)
        #expect(G711.muLawDecode(0x00) == -32124)
    }

    @Test("every A-law code decodes to the G.711 table value")
    func aLawDecodeAllCodes() {
        for code in 0...255 {
            #expect(Int(G711.aLawDecode(UInt8(code))) == Self.aLawReference(UInt8(code)), "code \(code)")
        }
        #expect(G711.aLawDecode(0xAA) == 32256)
        #expect(G711.aLawDecode(0xD5) == 8)
    }

    @Test("encoding a decoded value gives the code back for all 256 codes (µ-law -0 maps to +0)")
    func roundTripAllCodes() {
        for code in 0...255 {
            let c = UInt8(code)
            #expect(G711.muLawEncode(G711.muLawDecode(c)) == (c == 0x7F ? 0xFF : c), "µ-law code \(code)")
            #expect(G711.aLawEncode(G711.aLawDecode(c)) == c, "A-law code \(code)")
        }
    }

    @Test("every 16-bit value µ-law encodes into the segment interval that contains it")
    func muLawEncodeAllValues() {
        for value in Int(Int16.min)...Int(Int16.max) {
            let code = G711.muLawEncode(Int16(value))
            let inverted = ~code
            let segment = Int((inverted >> 4) & 7), step = Int(inverted & 15)
            let negative = inverted & 0x80 != 0
            // The 14-bit magnitude the encoder quantizes, and the decision interval of the code's step.
            var magnitude = value >> 2
            if magnitude < 0 { magnitude = -magnitude }
            magnitude = min(magnitude, 8158) + 33
            let lower = (step + 16) << (segment + 1), upper = ((step + 17) << (segment + 1)) - 1
            #expect(negative == (value >> 2 < 0), "sign of \(value)")
            #expect(magnitude >= lower && magnitude <= upper, "\(value) → code \(code)")
        }
    }

    @Test("every 16-bit value A-law encodes into the segment interval that contains it")
    func aLawEncodeAllValues() {
        for value in Int(Int16.min)...Int(Int16.max) {
            let code = G711.aLawEncode(Int16(value))
            let x = code ^ 0x55
            let segment = Int((x >> 4) & 7), step = Int(x & 15)
            let positive = x & 0x80 != 0
            var magnitude = value >> 3
            if magnitude < 0 { magnitude = -magnitude - 1 }
            let lower = segment == 0 ? 2 * step : (step + 16) << segment
            let upper = segment == 0 ? 2 * step + 1 : ((step + 17) << segment) - 1
            #expect(positive == (value >= 0), "sign of \(value)")
            #expect(magnitude >= lower && min(magnitude, 4095) <= upper, "\(value) → code \(code)")
        }
    }

    @Test("a round trip keeps a speech-level sine within the companding error")
    func roundTripError() {
        let sine = TestSignals.tones([(1004, -10)], ms: 100)
        for (x, y) in zip(sine, G711.muLawDecode(G711.muLawEncode(sine))) {
            #expect(abs(Int(x) - Int(y)) <= max(8, abs(Int(x)) / 16))
        }
        for (x, y) in zip(sine, G711.aLawDecode(G711.aLawEncode(sine))) {
            #expect(abs(Int(x) - Int(y)) <= max(16, abs(Int(x)) / 16))
        }
    }
}
