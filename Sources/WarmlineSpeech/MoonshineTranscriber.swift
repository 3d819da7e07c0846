import Foundation

/// Moonshine's C API (libmoonshine.so from the moonshine-cpp wheel), opened at run time so that a unit without the
/// model still builds and starts. Lives only in the `warmline-recognizer` worker: ONNX Runtime's arena takes hundreds
/// of MB, and a crash in it must not take a line with it.
public final class MoonshineTranscriber {
    private typealias LoadModel = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, Int32) -> Int32
    private typealias Transcribe = @convention(c) (Int32, UnsafePointer<Float>?, Int, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
    private typealias FreeText = @convention(c) (UnsafeMutablePointer<CChar>?) -> Void
    private typealias FreeModel = @convention(c) (Int32) -> Void

    /// Moonshine's architecture code for the base model (0 is tiny).
    private static let baseArchitecture: Int32 = 1

    private let transcribeFunction: Transcribe
    private let freeText: FreeText
    private let freeModel: FreeModel
    private let handle: Int32
    /// The model it loaded.
    public let model: RecognizerModel

    /// Opens ONNX Runtime and libmoonshine.so from the model directory and loads the model (about a second).
    public init(model: RecognizerModel) throws(SpeechSetupError) {
        try model.validateFiles()
        self.model = model
        // libmoonshine.so needs libonnxruntime.so.1 and has no rpath: load the runtime first, globally, by full path
        guard dlopen(model.onnxRuntimePath, RTLD_NOW | RTLD_GLOBAL) != nil else {
            throw SpeechSetupError(file: model.onnxRuntimePath, reason: "cannot load ONNX Runtime: \(Self.dlerrorText())")
        }
        guard let library = dlopen(model.libraryPath, RTLD_NOW | RTLD_LOCAL) else {
            throw SpeechSetupError(file: model.libraryPath, reason: "cannot load libmoonshine.so: \(Self.dlerrorText())")
        }
        func symbol<T>(_ name: String, as type: T.Type) throws(SpeechSetupError) -> T {
            guard let address = dlsym(library, name) else {
                throw SpeechSetupError(file: model.libraryPath,
                                       reason: "libmoonshine.so has no '\(name)' (expected the moonshine-cpp 0.1.4 C API)")
            }
            return unsafeBitCast(address, to: type)
        }
        let load = try symbol("moonshine_load_model", as: LoadModel.self)
        transcribeFunction = try symbol("moonshine_transcribe", as: Transcribe.self)
        freeText = try symbol("moonshine_free_text", as: FreeText.self)
        freeModel = try symbol("moonshine_free_model", as: FreeModel.self)
        let handle = load(model.path(RecognizerModel.encoderFile), model.path(RecognizerModel.decoderFile),
                          model.path(RecognizerModel.tokenizerFile), Self.baseArchitecture)
        guard handle >= 0 else {
            throw SpeechSetupError(file: model.directory, reason: "Moonshine refused the model files (moonshine_load_model returned \(handle)); "
                                   + "run `make deps` to check them against their SHA-256")
        }
        self.handle = handle
    }

    deinit { freeModel(handle) }

    /// The transcript of 16 kHz mono samples in -1...1.
    public func transcribe(wideband samples: [Float]) throws(SpeechSetupError) -> String {
        var text: UnsafeMutablePointer<CChar>?
        let status = samples.withUnsafeBufferPointer { transcribeFunction(handle, $0.baseAddress, $0.count, &text) }
        guard status == 0 else {
            throw SpeechSetupError(file: model.directory, reason: "moonshine_transcribe failed with error \(status)")
        }
        guard let text else { return "" }
        defer { freeText(text) }
        return String(cString: text)
    }

    /// Shortest line audio handed to the model: its first convolution aborts the process on a few samples, so shorter
    /// audio is padded with silence.
    public static let minimumLineFrames = 4000

    /// The transcript of 8 kHz line audio: interpolated to the 16 kHz the model takes (nothing added above 4 kHz);
    /// nothing in, nothing out.
    public func transcribe(line samples: [Int16]) throws(SpeechSetupError) -> String {
        let speech = Self.trimmedToSpeech(samples)
        guard !speech.isEmpty else { return "" }
        let text = try transcribe(wideband: Self.wideband(Self.padded(samples)))
        // an empty answer for audio with speech in it: once more on the speech alone (on the held-out set trimming
        // every utterance cost as many transcripts as it saved; on empties it saves most)
        guard text.isEmpty, speech.count < samples.count else { return text }
        return try transcribe(wideband: Self.wideband(Self.padded(Array(speech))))
    }

    /// `samples`, padded with silence to `minimumLineFrames` (the model aborts on fewer).
    static func padded(_ samples: [Int16]) -> [Int16] {
        samples.count >= minimumLineFrames ? samples : samples + [Int16](repeating: 0, count: minimumLineFrames - samples.count)
    }

    /// The stretch of `samples` from the first to the last 10 ms frame within 35 dB of the loudest (and above -45 dBFS),
    /// with `marginFrames` either side: Moonshine base-en sometimes answers nothing for a short phrase in half a second
    /// of silence (33 of 553 files of the speech corpus; 31 of them transcribed once trimmed to 100 ms).
    static func trimmedToSpeech(_ samples: [Int16], marginFrames: Int = 800) -> ArraySlice<Int16> {
        let frame = 80
        guard samples.count >= frame else { return samples[...] }
        let levelsDB = stride(from: 0, to: samples.count - frame + 1, by: frame).map { start in
            let energy = samples[start..<(start + frame)].reduce(0.0) { $0 + Double($1) * Double($1) } / Double(frame)
            return 10 * log10(max(energy, 1) / (32768.0 * 32768.0))
        }
        let threshold = max((levelsDB.max() ?? -100) - 35, -45)
        guard let first = levelsDB.firstIndex(where: { $0 >= threshold }),
              let last = levelsDB.lastIndex(where: { $0 >= threshold }) else { return samples[0..<0] }
        return samples[max(0, first * frame - marginFrames)..<min(samples.count, (last + 1) * frame + marginFrames)]
    }

    /// 16 kHz floats in -1...1 for 8 kHz 16-bit line samples.
    static func wideband(_ samples: [Int16]) -> [Float] {
        var interpolator = WidebandFill(fillRMS: 0)
        let wide = samples.withUnsafeBufferPointer { interpolator.process($0) }
        return wide.map { Float($0) / 32768 }
    }

    private static func dlerrorText() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown error"
    }
}
