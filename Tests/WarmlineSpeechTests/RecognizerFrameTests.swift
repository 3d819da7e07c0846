import Testing
@testable import WarmlineSpeech

@Suite("Recogniser wire protocol")
struct RecognizerFrameTests {
    @Test("a request's samples come back whole, whatever the chunks the bytes arrive in")
    func requestRoundTrip() throws {
        let samples: [Int16] = [0, 1, -1, .max, .min, 1234, -4321]
        let bytes = RecognizerFrame.request(id: 77, samples: samples)
        #expect(bytes.count == 4 + 4 + 2 * samples.count)
        var reader = RecognizerFrame.Reader()
        var payloads: [ArraySlice<UInt8>] = []
        for byte in bytes {
            reader.append([byte])
            while let payload = try reader.next() { payloads.append(payload) }
        }
        #expect(payloads.count == 1)
        let payload = try #require(payloads.first)
        let request = try #require(RecognizerFrame.parseRequest(payload))
        #expect(request.id == 77)
        #expect(request.samples == samples)
    }

    @Test("two answers in one read are two answers, text in UTF-8")
    func answersBackToBack() throws {
        let first = RecognizerFrame.Answer(id: 1, kind: .transcript, milliseconds: 412, text: "Call the police.")
        let second = RecognizerFrame.Answer(id: 0, kind: .refused, milliseconds: 3, text: "modèle manquant")
        let third = RecognizerFrame.Answer(id: 2, kind: .verified, milliseconds: 380, text: "Send the police.")
        var reader = RecognizerFrame.Reader()
        reader.append(RecognizerFrame.answer(first) + RecognizerFrame.answer(second) + RecognizerFrame.answer(third))
        let one = try #require(try reader.next())
        let two = try #require(try reader.next())
        let three = try #require(try reader.next())
        #expect(RecognizerFrame.parseAnswer(one) == first)
        #expect(RecognizerFrame.parseAnswer(two) == second)
        // a reading verification put in place of the free transcript keeps its own kind across the pipe
        #expect(RecognizerFrame.parseAnswer(three)?.kind == .verified)
        #expect(RecognizerFrame.parseAnswer(three) == third)
        #expect(try reader.next() == nil)
    }

    @Test("an unconfirmed answer carries the second read's words for deciding and the first read's request for the log")
    func unconfirmedAnswer() throws {
        let answer = RecognizerFrame.Answer(id: 9, kind: .unconfirmed, milliseconds: 912,
                                            text: "On the second day of my I called you\u{1F}On the second day of my fall, I got hurt.")
        var reader = RecognizerFrame.Reader()
        reader.append(RecognizerFrame.answer(answer))
        let payload = try #require(try reader.next())
        let parsed = try #require(RecognizerFrame.parseAnswer(payload))
        #expect(parsed == answer)
        let transcript = Recognizer.transcript(of: parsed, waitedMs: 950, audioMs: 3200)
        #expect(transcript.text == "On the second day of my I called you")
        #expect(transcript.unconfirmed == "On the second day of my fall, I got hurt.")
        #expect(!transcript.verified && transcript.decodeMs == 912 && transcript.waitedMs == 950)
        #expect(KeywordSpotter.unconfirmedNote(transcript).hasPrefix("first read 'On the second day of my fall, I got hurt.' not heard again"))
        // the other kinds carry one text, whatever is in it
        let plain = Recognizer.transcript(of: .init(id: 9, kind: .transcript, milliseconds: 1, text: " Help\u{1F}me "), waitedMs: 1, audioMs: 1)
        #expect(plain.text == "Help\u{1F}me" && plain.unconfirmed == nil && KeywordSpotter.unconfirmedNote(plain).isEmpty)
        let verified = Recognizer.transcript(of: .init(id: 9, kind: .verified, milliseconds: 1, text: "Send the police."), waitedMs: 1, audioMs: 1)
        #expect(verified.verified && verified.unconfirmed == nil)
    }

    @Test("a length over the limit is refused (the stream lost its place), a short payload is malformed")
    func badFrames() {
        var reader = RecognizerFrame.Reader()
        reader.append([0xFF, 0xFF, 0xFF, 0x7F, 0])
        #expect(throws: RecognizerFrameError.self) { try reader.next() }
        #expect(RecognizerFrame.parseAnswer([1, 0, 0, 0, 0][...]) == nil)
        #expect(RecognizerFrame.parseRequest([1, 0, 0, 0, 9][...]) == nil)
        #expect(RecognizerFrame.parseAnswer([1, 0, 0, 0, 9, 0, 0, 0, 0][...]) == nil)  // kind 9 unknown
    }

    @Test("more than 60 s of audio is cut to the first 60 s")
    func longRequestIsCut() throws {
        let bytes = RecognizerFrame.request(id: 2, samples: [Int16](repeating: 5, count: 8000 * 61))
        var reader = RecognizerFrame.Reader()
        reader.append(bytes)
        let payload = try #require(try reader.next())
        let request = try #require(RecognizerFrame.parseRequest(payload))
        #expect(request.samples.count == 8000 * 60)
    }
}
