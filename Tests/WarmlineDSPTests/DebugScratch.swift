import Testing
@testable import WarmlineDSP

@Test func scratchCorners() throws {
    for digit in DTMFKeypad.allDigits {
        for offset in [-0.015, 0.015] {
            for twist in [-8.0, 4.0] {
                let low = twist < 0 ? -17.0 : -25.0
                var g = DTMFGenerator(lowLevelDBm0: low, twistDB: twist, frequencyOffset: offset)
                g.sampleRate = 8000
                let tone = try g.tone(digit, durationFrames: 320)
                var d = DTMFDetector()
                d.debugReasons = []
                let ev = d.process(Array(repeating: 0, count: 200) + tone + Array(repeating: 0, count: 800))
                if ev.filter({ $0.kind == .keyDown }).count != 1 {
                    print(digit, offset, twist, d.debugReasons!.map(String.init).joined(separator: " "))
                }
            }
        }
    }
}
