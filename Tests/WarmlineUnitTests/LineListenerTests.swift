import Testing
import WarmlineCore
import WarmlineDSP
@testable import WarmlineUnit

@Suite("Line listener")
struct LineListenerTests {
    /// Feeds `samples` in 20 ms periods, as the audio loop does.
    static func listen(_ samples: [Int16], tonePlan: TonePlan? = nil) -> [TimedInput] {
        var listener = LineListener(tonePlan: tonePlan)
        var inputs: [TimedInput] = []
        var start = 0
        while start + 160 <= samples.count {
            inputs += Array(samples[start..<start + 160]).withUnsafeBufferPointer { listener.process($0) }
            start += 160
        }
        return inputs
    }

    @Test("Key presses become one digit input each, in order, at frames after their onsets")
    func digits() throws {
        let generator = DTMFGenerator(toneMs: 80, pauseMs: 120)
        let silence = [Int16](repeating: 0, count: 800)
        let audio = silence + (try generator.dial("709")) + silence
        let inputs = Self.listen(audio)
        let digits = inputs.compactMap { if case .digit(let digit) = $0.input { (digit, $0.frame) } else { nil } }
        #expect(digits.map(\.0) == ["7", "0", "9"])
        #expect(digits.first.map { $0.1 >= 800 && $0.1 < 800 + 640 } == true)
        #expect(zip(digits, digits.dropFirst()).allSatisfy { $0.1 < $1.1 })
    }

    @Test("The keyword spotter is told of a key tone while it sounds, and not once it has stopped")
    func keyToneFlag() throws {
        let tone = try DTMFGenerator().tone("5", durationFrames: 800)
        let audio = [Int16](repeating: 0, count: 1600) + tone + [Int16](repeating: 0, count: 1600)
        var listener = LineListener(tonePlan: nil)
        var flagged: [Int] = []
        for (index, start) in stride(from: 0, to: audio.count, by: 160).enumerated() {
            _ = Array(audio[start..<start + 160]).withUnsafeBufferPointer { listener.process($0) }
            if listener.heardKeyTone { flagged.append(index) }
        }
        // the tone holds periods 10..<15; the detector needs part of it before it is sure
        #expect(!flagged.isEmpty)
        #expect(flagged.allSatisfy { (10...16).contains($0) }, "flagged periods \(flagged)")
        #expect(flagged.contains(14))
    }

    @Test("Silence gives no input, and the same audio gives the same inputs every run")
    func deterministic() throws {
        #expect(Self.listen([Int16](repeating: 0, count: 8000)).isEmpty)
        let audio = try DTMFGenerator().dial("12#")
        #expect(Self.listen(audio) == Self.listen(audio))
    }
}
