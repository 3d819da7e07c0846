import Testing
@testable import WarmlineDSP

@Suite("DTMF generator")
struct DTMFGeneratorTests {
    @Test("a digit at -10 dBm0 per tone measures -6.99 dBm0 in total")
    func level() throws {
        let tone = try DTMFGenerator(lowLevelDBm0: -10, twistDB: 0).tone("8", durationFrames: 8000)
        #expect(abs(LevelMeter.levelDBm0(tone) - (-10 + 3.0103)) < 0.05)
    }

    @Test("twist raises the high tone by the given dB")
    func twist() throws {
        let flat = try DTMFGenerator(lowLevelDBm0: -20, twistDB: 0).tone("1", durationFrames: 8000)
        let twisted = try DTMFGenerator(lowLevelDBm0: -20, twistDB: 4).tone("1", durationFrames: 8000)
        // Total power: two -20 dBm0 tones vs one -20 and one -16.
        let expected = DSPMath.decibels(powerRatio: (1 + DSPMath.powerRatio(dB: 4)) / 2)
        #expect(abs(LevelMeter.levelDBm0(twisted) - LevelMeter.levelDBm0(flat) - expected) < 0.05)
    }

    @Test("a dial string renders tone and pause per digit, ',' is a pause, and the detector reads it back")
    func dialString() throws {
        let generator = DTMFGenerator(toneMs: 60, pauseMs: 60)
        let audio = try generator.dial("9,1#")
        #expect(audio.count == 3 * 960 + 480)
        var detector = DTMFDetector()
        #expect(detector.process(audio).filter { $0.kind == .keyDown }.map(\.digit) == ["9", "1", "#"])
    }

    @Test("an invalid dial character is an error naming it and its position")
    func invalidDigit() {
        #expect(throws: DTMFGeneratorError.invalidDigit("x", position: 2)) {
            try DTMFGenerator().dial("12x4")
        }
        #expect(DTMFGeneratorError.invalidDigit("x", position: 2).description.contains("'x' at position 3"))
    }
}
