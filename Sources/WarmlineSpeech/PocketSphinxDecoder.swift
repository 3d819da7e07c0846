import CPocketSphinx
import Foundation

/// One PocketSphinx decoder (acoustic model + dictionary) with a keyword search and, optionally, a
/// language-model search for confirmation; not thread-safe, owned by one line's worker.
final class PocketSphinxDecoder {
    /// A word or keyphrase the decoder found, with frames at 100 per second from utterance start.
    struct Segment: Hashable {
        var word: String
        var startFrame: Int
        var endFrame: Int
        var probability: Int32
    }

    private let decoder: OpaquePointer
    private(set) var activeSearch: String = ""

    /// The search `-kws` creates (PocketSphinx's PS_DEFAULT_SEARCH).
    static let keywordSearch = "_default"
    static let confirmSearch = "lm"

    /// Loads the model for `keyphrases` (`phrase /threshold/` lines); `dictionaryText` replaces the model's
    /// dictionary (nil: the whole dictionary); `languageModel` adds the confirm search.
    init(model: SpeechModel, keyphrases: String, dictionaryText: String?, languageModel: String?,
         liveCMN: Bool = true) throws(SpeechSetupError) {
        PocketSphinxDecoder.silenceLogOnce
        // Streaming needs live cepstral mean normalisation; the model's feat.params says batch and would win over -cmn.
        let featParams = try Self.temporaryFile("feat", try Self.lineFeatureParameters(model, liveCMN: liveCMN))
        defer { try? FileManager.default.removeItem(atPath: featParams) }
        let keyphraseFile = try Self.temporaryFile("kws", keyphrases)
        defer { try? FileManager.default.removeItem(atPath: keyphraseFile) }
        var dictionary = model.dictionary
        if let dictionaryText { dictionary = try Self.temporaryFile("dict", dictionaryText) }
        defer { if dictionaryText != nil { try? FileManager.default.removeItem(atPath: dictionary) } }
        var arguments = ["warmline", "-hmm", model.acousticModel, "-dict", dictionary,
                         "-samprate", "16000", "-featparams", featParams, "-kws", keyphraseFile,
                         // report a keyphrase the frame its score first crosses the threshold, not 10 frames
                         // later (PocketSphinx's default waits for the best score; the hand-off cannot wait)
                         "-kws_delay", "0"]
        // the confirmation pass needs the first-pass word sequence only: skip the flat and lattice passes
        if languageModel != nil { arguments += ["-fwdflat", "no", "-bestpath", "no", "-maxhmmpf", "3000", "-maxwpf", "10"] }
        arguments += model.extraArguments
        var cStrings = arguments.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        guard let config = wl_ps_config(Int32(cStrings.count), &cStrings) else {
            throw .decoderRefused(model.acousticModel, "bad decoder arguments \(arguments.dropFirst().joined(separator: " "))")
        }
        guard let decoder = wl_ps_init(config) else {
            throw .decoderRefused(model.acousticModel, "PocketSphinx could not load the model or the keyphrase list")
        }
        self.decoder = decoder
        activeSearch = Self.keywordSearch
        if let languageModel {
            guard wl_ps_set_lm_file(decoder, Self.confirmSearch, languageModel) == 0 else {
                throw .decoderRefused(languageModel, "PocketSphinx could not load the language model")
            }
        }
    }

    /// The model's feature parameters with live or batch CMN.
    private static func lineFeatureParameters(_ model: SpeechModel, liveCMN: Bool) throws(SpeechSetupError) -> String {
        let source = model.acousticModel + "/feat.params"
        guard let data = FileManager.default.contents(atPath: source) else {
            throw SpeechSetupError(file: source, reason: "acoustic model has no readable feat.params")
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        lines.removeAll { $0.hasPrefix("-cmn ") }
        lines += [liveCMN ? "-cmn live" : "-cmn batch"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `text` to a new temp file for the decoder to read at load (PocketSphinx takes paths only).
    private static func temporaryFile(_ kind: String, _ text: String) throws(SpeechSetupError) -> String {
        let path = NSTemporaryDirectory() + "warmline-\(kind)-\(getpid())-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw SpeechSetupError(file: path, reason: "cannot write the decoder's \(kind) file")
        }
        return path
    }

    deinit {
        wl_ps_free(decoder)
    }

    private static let silenceLogOnce: Void = { wl_ps_silence_log() }()

    /// Switches search (only between utterances).
    func use(search name: String) {
        guard name != activeSearch, wl_ps_set_search(decoder, name) == 0 else { return }
        activeSearch = name
    }

    /// Starts an utterance.
    func startUtterance() { wl_ps_start_utt(decoder) }

    /// Ends the utterance (final hypothesis becomes available).
    func endUtterance() { wl_ps_end_utt(decoder) }

    /// Feeds 16-bit samples at the model's rate.
    func process(_ samples: UnsafeBufferPointer<Int16>, wholeUtterance: Bool = false) {
        guard let base = samples.baseAddress, !samples.isEmpty else { return }
        wl_ps_process_raw(decoder, base, samples.count, wholeUtterance ? 1 : 0)
    }

    /// The current hypothesis text, nil when there is none.
    func hypothesis() -> String? {
        guard let text = wl_ps_get_hyp(decoder) else { return nil }
        let string = String(cString: text)
        return string.isEmpty ? nil : string
    }

    /// Segments of the current hypothesis (for KWS: each detection, for LM: each word).
    func segments() -> [Segment] {
        var result: [Segment] = []
        var iterator = wl_ps_seg_iter(decoder)
        while let segment = iterator {
            var startFrame: Int32 = 0
            var endFrame: Int32 = 0
            wl_ps_seg_frames(segment, &startFrame, &endFrame)
            let probability = wl_ps_seg_prob(segment)
            let word = wl_ps_seg_word(segment).map { String(cString: $0) } ?? ""
            result.append(Segment(word: word, startFrame: Int(startFrame), endFrame: Int(endFrame),
                                  probability: probability))
            iterator = wl_ps_seg_next(segment)
        }
        return result
    }

    /// The live cepstral mean normalisation's state (empty when the decoder has none); take and put back
    /// only between utterances.
    var cepstralMeanState: [Float] {
        get {
            var state = [Float](repeating: 0, count: Int(wl_ps_cmn_state_size(decoder)))
            if !state.isEmpty { state.withUnsafeMutableBufferPointer { wl_ps_cmn_save(decoder, $0.baseAddress) } }
            return state
        }
        set {
            guard newValue.count == Int(wl_ps_cmn_state_size(decoder)), !newValue.isEmpty else { return }
            newValue.withUnsafeBufferPointer { wl_ps_cmn_restore(decoder, $0.baseAddress) }
        }
    }

    /// Frames (100 per second) processed in the current utterance.
    var framesInUtterance: Int { Int(wl_ps_get_n_frames(decoder)) }
}
