import CMoonshineRuntime
import Foundation

/// Moonshine base-en decoded by Warmline itself, one decoder step at a time through ONNX Runtime's C API, instead of
/// libmoonshine's plain greedy decode. Two things change what the recogniser hears:
/// - a clip with speech in it never reads as nothing: libmoonshine's decode often ends before the first word on a short
///   or unclear phrase ("it's an emergency" came back empty on the tune split, and "It's an emergency." once the end
///   was not allowed as the first token);
/// - contextual biasing: the tokens that start a request word, or continue one the transcript has begun, get `bonus`
///   added to their logits, so a word the audio supports about as well as its nearest rival wins ("Call police" over
///   "Call Nepalese"). Neutral speech is not pushed into requests: the phrase matcher still needs a request's words
///   around the keyword, and a mention or negation still turns it down.
///
/// Lives only in the `warmline-recognizer` worker, like libmoonshine; one runtime thread per model, so a decode takes
/// one core and leaves the other to the lines.
public final class MoonshineSearch {
    /// How the search runs.
    public struct Settings: Sendable, Equatable {
        /// Words whose tokens get the bonus (lower case; each also biased capitalised, as a sentence starts).
        public var biasWords: [String] = Settings.requestWords
        /// Added to a biased token's logit (0 turns biasing off).
        public var bonus: Float = 2
        /// Threads the runtime may use per model (the worker serves every line one clip at a time).
        public var threads: Int32 = 1
        /// Whether ONNX Runtime keeps its CPU memory arena. With the wheel's decoder a step costs about half the CPU
        /// with it (60-70 ms against 140-170 ms on this machine: every step dequantises all weights into fresh
        /// buffers); with the folded decoder a step's buffers are small either way. The arena is bounded by the
        /// longest clip the recogniser is sent (`second_pass.window_ms`, 6 s).
        public var arena = true
        /// Whether to load the folded decoder (`RecognizerModel.foldedDecoderFile`) when `make deps` made it: the same
        /// logits for about a fifth of the CPU per step. Off: the wheel's decoder, as before.
        public var foldedDecoder = true
        /// Most tokens read per second of audio (a decode that loops on a phrase stops there).
        public var tokensPerSecond = 6.5

        /// The defaults.
        public init() {}

        /// The words of Prompts/en/keywords.yaml's requests that name what the caller needs or is going through: the
        /// first-pass keyphrases of the distress and person classes and the matcher's request words. English only, as
        /// the model is.
        public static let requestWords = [
            "help", "police", "ambulance", "emergency", "danger", "hurt", "hurting", "paramedics", "cops", "911",
            "knife", "gun", "weapon", "fire", "bleeding", "stabbed", "shot", "unconscious", "breathe", "overdose",
            "kill", "attacking", "hitting", "beating", "following", "breaking", "broke", "safe", "scared",
            "person", "operator", "agent", "human", "someone", "somebody", "representative",
        ]
    }

    /// The model it loaded.
    public let model: RecognizerModel
    /// The settings it runs with.
    public let settings: Settings
    /// The model's token table.
    public let tokenizer: MoonshineTokenizer
    /// The decoder file it loaded (the folded one or the wheel's).
    public let decoderPath: String
    /// Decoder calls made since it was loaded (one per token of a greedy decode, one per forced score).
    public private(set) var decoderCalls = 0
    private let bias: KeywordBias
    private let handle: OpaquePointer
    private var logits: [Float]

    /// Opens ONNX Runtime from the model directory and loads both models (about a second).
    public init(model: RecognizerModel, settings: Settings = Settings()) throws(SpeechSetupError) {
        try model.validateFiles()
        self.model = model
        self.settings = settings
        tokenizer = try MoonshineTokenizer(contentsOf: model.path(RecognizerModel.tokenizerFile))
        bias = KeywordBias(words: settings.biasWords, tokenizer: tokenizer)
        decoderPath = settings.foldedDecoder ? model.searchDecoderPath : model.path(RecognizerModel.decoderFile)
        var error = [CChar](repeating: 0, count: 512)
        var opened: OpaquePointer?
        let status = wl_moonshine_open(model.onnxRuntimePath, model.path(RecognizerModel.encoderFile), decoderPath,
                                       settings.threads, settings.arena ? 1 : 0, &opened, &error, error.count)
        guard status == 0, let opened else {
            throw SpeechSetupError(file: model.directory, reason: "cannot run Moonshine through ONNX Runtime: \(Self.message(error))")
        }
        handle = opened
        logits = [Float](repeating: 0, count: Int(WL_MOONSHINE_LOGITS))
    }

    deinit { wl_moonshine_close(handle) }

    /// The transcript of 8 kHz line audio, as `MoonshineTranscriber.transcribe(line:)` takes it: interpolated to 16 kHz,
    /// padded to the model's shortest input; nothing when there is no speech in it.
    public func transcribe(line samples: [Int16]) throws(SpeechSetupError) -> String {
        guard !MoonshineTranscriber.trimmedToSpeech(samples).isEmpty else { return "" }
        return try transcribe(wideband: MoonshineTranscriber.wideband(MoonshineTranscriber.padded(samples)), speech: true)
    }

    /// The transcript of 16 kHz samples in -1...1; `speech` says the clip holds speech, so it may not read as nothing.
    public func transcribe(wideband samples: [Float], speech: Bool = true) throws(SpeechSetupError) -> String {
        try transcribeScored(wideband: samples, speech: speech).text
    }

    /// The transcript of 8 kHz line audio with its mean log-probability per token (and end), as `score` gives it, from
    /// the unbiased logits; the audio stays encoded for `scores(of:)`. Nothing (score nil) when there is no speech.
    public func transcribeScored(line samples: [Int16]) throws(SpeechSetupError) -> (text: String, score: Double?) {
        guard !MoonshineTranscriber.trimmedToSpeech(samples).isEmpty else { return ("", nil) }
        return try transcribeScored(wideband: MoonshineTranscriber.wideband(MoonshineTranscriber.padded(samples)), speech: true)
    }

    /// `transcribe(wideband:speech:)` with the transcript's score; nil when the decode stopped at its length cap or on
    /// a repeat rather than at the end token (then `scores(of: [text])` gives it).
    public func transcribeScored(wideband samples: [Float], speech: Bool = true) throws(SpeechSetupError) -> (text: String, score: Double?) {
        try encode(samples)
        var total = 0.0
        var ended = false
        let limit = max(8, Int(Double(samples.count) / 16000 * settings.tokensPerSecond))
        let end = Int32(WL_MOONSHINE_END_TOKEN)
        var tokens: [Int32] = []
        var next = Int32(WL_MOONSHINE_START_TOKEN)
        while tokens.count < limit {
            try step([next])
            let normaliser = Self.logSumExp(logits[..<tokenizer.pieces.count])
            let endLogit = logits[Int(end)]
            if tokens.isEmpty, speech { logits[Int(end)] = -.infinity }
            var boosted: Set<Int32> = []
            if settings.bonus != 0 {
                boosted = bias.boosted(after: tokens)
                for token in boosted { logits[Int(token)] += settings.bonus }
            }
            let best = Self.argmax(logits, count: tokenizer.pieces.count)
            if best == end {
                total += Double(endLogit) - normaliser
                ended = true
                break
            }
            total += Double(logits[Int(best)] - (boosted.contains(best) ? settings.bonus : 0)) - normaliser
            tokens.append(best)
            if Self.trimRepeat(&tokens) { break }
            next = best
        }
        return (tokenizer.text(of: tokens), ended ? total / Double(tokens.count + 1) : nil)
    }

    /// Mean log-probability per token of `text` (then the end of the transcript) as the reading of 16 kHz samples,
    /// teacher-forced in one decoder call: how well the audio supports exactly these words (0 is certain; a different
    /// sentence scores several nats per token lower).
    public func score(wideband samples: [Float], text: String) throws(SpeechSetupError) -> Double {
        try encode(samples)
        return try scoreEncoded(text)
    }

    /// `score` of each text against the audio the last `transcribeScored` or `score` call encoded: one decoder call per
    /// text, no encoder call (verification of a transcript's rival readings).
    public func scores(of texts: [String]) throws(SpeechSetupError) -> [Double] {
        var result: [Double] = []
        for text in texts {
            wl_moonshine_restart(handle)
            result.append(try scoreEncoded(text))
        }
        return result
    }

    private func scoreEncoded(_ text: String) throws(SpeechSetupError) -> Double {
        let target = tokenizer.tokens(of: text) + [Int32(WL_MOONSHINE_END_TOKEN)]
        let input = [Int32(WL_MOONSHINE_START_TOKEN)] + target.dropLast()
        let width = Int(WL_MOONSHINE_LOGITS)
        var rows = [Float](repeating: 0, count: input.count * width)
        var error = [CChar](repeating: 0, count: 512)
        let status = input.map(Int64.init).withUnsafeBufferPointer { ids in
            rows.withUnsafeMutableBufferPointer { wl_moonshine_step(handle, ids.baseAddress, ids.count, $0.baseAddress, &error, error.count) }
        }
        decoderCalls += 1
        guard status == 0 else { throw SpeechSetupError(file: model.directory, reason: "Moonshine decoder: \(Self.message(error))") }
        var total = 0.0
        for (row, token) in target.enumerated() {
            total += Self.logProbability(of: Int(token), in: rows[(row * width)..<(row * width + tokenizer.pieces.count)])
        }
        return total / Double(target.count)
    }

    private func encode(_ samples: [Float]) throws(SpeechSetupError) {
        var error = [CChar](repeating: 0, count: 512)
        var frames: Int64 = 0
        let status = samples.withUnsafeBufferPointer { wl_moonshine_encode(handle, $0.baseAddress, $0.count, &frames, &error, error.count) }
        guard status == 0 else { throw SpeechSetupError(file: model.directory, reason: "Moonshine encoder: \(Self.message(error))") }
    }

    private func step(_ tokens: [Int32]) throws(SpeechSetupError) {
        var error = [CChar](repeating: 0, count: 512)
        let status = tokens.map(Int64.init).withUnsafeBufferPointer { ids in
            logits.withUnsafeMutableBufferPointer { wl_moonshine_step(handle, ids.baseAddress, ids.count, $0.baseAddress, &error, error.count) }
        }
        decoderCalls += 1
        guard status == 0 else { throw SpeechSetupError(file: model.directory, reason: "Moonshine decoder: \(Self.message(error))") }
    }

    static func argmax(_ values: [Float], count: Int) -> Int32 {
        var best = 0
        var bestValue = -Float.infinity
        for index in 0..<min(count, values.count) where values[index] > bestValue {
            best = index
            bestValue = values[index]
        }
        return Int32(best)
    }

    static func logSumExp(_ row: ArraySlice<Float>) -> Double {
        let top = Double(row.max() ?? 0)
        return top + log(row.reduce(0.0) { $0 + exp(Double($1) - top) })
    }

    static func logProbability(of token: Int, in row: ArraySlice<Float>) -> Double {
        let top = Double(row.max() ?? 0)
        let sum = row.reduce(0.0) { $0 + exp(Double($1) - top) }
        return Double(row[row.startIndex + token]) - top - log(sum)
    }

    /// Drops a run of one to four tokens said a third time in a row (the decoder looping on unclear audio: "the body
    /// of the body of the body"); true when it did, and the transcript ends there.
    static func trimRepeat(_ tokens: inout [Int32]) -> Bool {
        for length in 1...4 where tokens.count >= 3 * length {
            let count = tokens.count
            let last = tokens[(count - length)...]
            if last.elementsEqual(tokens[(count - 2 * length)..<(count - length)]),
               last.elementsEqual(tokens[(count - 3 * length)..<(count - 2 * length)]) {
                tokens.removeLast(2 * length)
                return true
            }
        }
        return false
    }
}

/// The tokens of a list of words, for contextual biasing: which tokens would start one of the words, or continue one
/// the transcript has begun.
struct KeywordBias: Sendable {
    /// Each word's token spellings (" help", " Help").
    let sequences: [[Int32]]
    private let starts: Set<Int32>

    init(words: [String], tokenizer: MoonshineTokenizer) {
        var sequences: [[Int32]] = []
        for word in words where !word.isEmpty {
            for spelling in Set([word.lowercased(), word.prefix(1).uppercased() + word.dropFirst().lowercased()]) {
                sequences.append(tokenizer.tokens(of: spelling))
            }
        }
        self.sequences = sequences.filter { !$0.isEmpty }
        starts = Set(self.sequences.map { $0[0] })
    }

    /// The tokens that get the bonus after `tokens`.
    func boosted(after tokens: [Int32]) -> Set<Int32> {
        var boosted = starts
        for sequence in sequences where sequence.count > 1 {
            for matched in 1..<sequence.count where matched <= tokens.count
                && tokens[(tokens.count - matched)...].elementsEqual(sequence[..<matched]) {
                boosted.insert(sequence[matched])
            }
        }
        return boosted
    }
}

extension MoonshineSearch {
    /// The text of a NUL-terminated error buffer the C side filled.
    static func message(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
