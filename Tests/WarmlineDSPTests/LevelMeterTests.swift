import Testing
@testable import WarmlineDSP

@Suite("Level meter")
struct LevelMeterTests {
    @Test("a 0 dBm0 sine reads 0 dBm0 and a full-scale sine +3.17 dBm0")
    func sineLevels() {
        #expect(abs(LevelMeter.levelDBm0(TestSignals.tones([(1004, 0)], ms: 1000))) < 0.02)
        let fullScale = (0..<8000).map { DTMFGenerator.quantize(32767 * DSPMath.sin(2 * DSPMath.pi * 1004 * Double($0) / 8000)) }
        #expect(abs(LevelMeter.levelDBm0(fullScale) - 3.17) < 0.02)
    }

    @Test("digital silence reads the silence floor and a full-scale square wave +6.18 dBm0, both finite")
    func extremes() {
        var meter = LevelMeter()
        let frames = meter.process(TestSignals.silence(ms: 40) + (0..<320).map { $0 % 2 == 0 ? Int16.max : Int16.min })
        #expect(frames.count == 4)
        #expect(frames[0].levelDBm0 == LevelMeter.silenceFloorDBm0)
        #expect(abs(frames[3].levelDBm0 - 6.18) < 0.02)
        #expect(frames[3].peak == 32768)
        #expect(frames.map(\.startFrame) == [0, 160, 320, 480])
    }
}
