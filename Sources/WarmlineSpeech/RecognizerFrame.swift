/// The recogniser worker's wire protocol on its stdin/stdout: length-prefixed frames, little-endian integers.
///
/// ```
/// frame    u32 payload length, payload
/// request  u32 id (≥ 1), 8 kHz mono S16 samples (payload length − 4 = 2 × sample count)
/// answer   u32 id, u8 kind, u32 milliseconds, UTF-8 text
///          kind 0 transcript: ms = decode time, text = what was said
///          kind 1 failed:     ms = time spent, text = why (the worker carries on)
///          kind 2 ready:      id 0, sent once after start: ms = model load time, text = the model directory
///          kind 3 refused:    id 0, sent once instead of ready: text = why the model cannot load (then it exits)
///          kind 4 verified:   as transcript, but the text is a reading verification put in place of the free one
///          kind 5 unconfirmed: as transcript (what a second read of the audio slowed down heard), then U+001F and
///                              the first read's words: a request in a long utterance that the second read did not hear
/// ```
/// One request at a time: the worker answers each before reading the next.
public enum RecognizerFrame {
    /// Largest payload either side accepts (60 s of line audio).
    public static let maxPayloadBytes = 4 + 2 * 8000 * 60

    /// What an answer is.
    public enum Kind: UInt8, Sendable {
        case transcript = 0
        case failed = 1
        case ready = 2
        case refused = 3
        case verified = 4
        case unconfirmed = 5
    }

    /// Separates an `unconfirmed` answer's two texts.
    public static let unconfirmedSeparator: Character = "\u{1F}"

    /// One decoded answer.
    public struct Answer: Sendable, Equatable {
        /// The request it answers (0 for ready and refused).
        public var id: UInt32
        /// What it is.
        public var kind: Kind
        /// Decode time, or model load time for `ready`.
        public var milliseconds: UInt32
        /// The transcript, the model directory, or the reason.
        public var text: String

        /// Makes an answer.
        public init(id: UInt32, kind: Kind, milliseconds: UInt32, text: String) {
            self.id = id
            self.kind = kind
            self.milliseconds = milliseconds
            self.text = text
        }
    }

    /// A request frame for `samples` (at most `maxPayloadBytes` of them are sent: the first 60 s).
    public static func request(id: UInt32, samples: [Int16]) -> [UInt8] {
        let count = min(samples.count, (maxPayloadBytes - 4) / 2)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + 2 * count)
        append(UInt32(4 + 2 * count), to: &bytes)
        append(id, to: &bytes)
        for sample in samples[..<count] {
            let bits = UInt16(bitPattern: sample)
            bytes.append(UInt8(bits & 0xFF))
            bytes.append(UInt8(bits >> 8))
        }
        return bytes
    }

    /// An answer frame.
    public static func answer(_ answer: Answer) -> [UInt8] {
        let text = Array(answer.text.utf8.prefix(maxPayloadBytes - 9))
        var bytes: [UInt8] = []
        append(UInt32(9 + text.count), to: &bytes)
        append(answer.id, to: &bytes)
        bytes.append(answer.kind.rawValue)
        append(answer.milliseconds, to: &bytes)
        bytes += text
        return bytes
    }

    /// Reads a request payload: its id and samples; nil when it is malformed.
    public static func parseRequest(_ payload: ArraySlice<UInt8>) -> (id: UInt32, samples: [Int16])? {
        guard payload.count >= 4, (payload.count - 4) % 2 == 0, let id = uint32(payload, at: payload.startIndex) else { return nil }
        var samples = [Int16](repeating: 0, count: (payload.count - 4) / 2)
        var index = payload.startIndex + 4
        for sampleIndex in samples.indices {
            samples[sampleIndex] = Int16(bitPattern: UInt16(payload[index]) | UInt16(payload[index + 1]) << 8)
            index += 2
        }
        return (id, samples)
    }

    /// Reads an answer payload; nil when it is malformed.
    public static func parseAnswer(_ payload: ArraySlice<UInt8>) -> Answer? {
        let start = payload.startIndex
        guard payload.count >= 9, let id = uint32(payload, at: start), let kind = Kind(rawValue: payload[start + 4]),
              let milliseconds = uint32(payload, at: start + 5) else { return nil }
        return Answer(id: id, kind: kind, milliseconds: milliseconds, text: String(decoding: payload[(start + 9)...], as: UTF8.self))
    }

    /// Collects bytes as they arrive and hands out whole payloads.
    public struct Reader: Sendable {
        private var buffer: [UInt8] = []

        /// An empty reader.
        public init() {}

        /// Adds bytes read from the stream.
        public mutating func append(_ bytes: some Sequence<UInt8>) { buffer += bytes }

        /// The next whole payload, nil when more bytes are needed; throws when the length is out of bounds (the
        /// stream is not this protocol, or lost its place).
        public mutating func next() throws(RecognizerFrameError) -> ArraySlice<UInt8>? {
            guard let length = RecognizerFrame.uint32(buffer[...], at: 0) else { return nil }
            guard length <= RecognizerFrame.maxPayloadBytes else { throw RecognizerFrameError(length: Int(length)) }
            guard buffer.count >= 4 + Int(length) else { return nil }
            let payload = Array(buffer[4..<(4 + Int(length))])
            buffer.removeFirst(4 + Int(length))
            return payload[...]
        }
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }

    static func uint32(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt32? {
        guard index >= bytes.startIndex, index + 4 <= bytes.endIndex else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[index + $1]) << (8 * UInt32($1)) }
    }
}

/// A frame whose length cannot be right: the stream is out of step, so the connection is dropped.
public struct RecognizerFrameError: Error, Sendable, CustomStringConvertible {
    /// The length read.
    public var length: Int

    /// Why it was refused.
    public var description: String {
        "recogniser frame of \(length) bytes is over the \(RecognizerFrame.maxPayloadBytes)-byte limit (stream out of step)"
    }
}
