import Foundation

/// Moonshine base-en on disk, as `make deps` unpacks it from the moonshine-cpp 0.1.4 wheel: the model, its tokenizer,
/// libmoonshine.so and the ONNX Runtime it needs, all in one directory.
public struct RecognizerModel: Sendable, Equatable {
    /// The directory holding the files.
    public var directory: String
    /// libmoonshine.so to load when it is not the model directory's (another build, e.g. moonshine-voice's aarch64 one);
    /// its ONNX Runtime (`libonnxruntime.so*`) is taken from beside it.
    public var library: String?

    /// Where an installed unit keeps the model.
    public static let installedDirectory = "/usr/lib/warmline/moonshine"
    /// Where `make deps` puts it for the demo and the tests (relative to the repository root).
    public static let cacheDirectory = ".cache/models/moonshine-base-en"

    /// The ONNX encoder.
    public static let encoderFile = "encoder_model.ort"
    /// The ONNX decoder.
    public static let decoderFile = "decoder_model_merged.ort"
    /// The decoder with its weights folded into floats, derived from `decoderFile` by `make deps`
    /// (Scripts/moonshine-decoder-onnx.py): the same graph and logits, about five times less CPU per decoder step,
    /// because the wheel's file turns its 8-bit weights back into floats on every call. Optional.
    public static let foldedDecoderFile = "decoder_model_folded.ort"
    /// The token table.
    public static let tokenizerFile = "tokenizer.bin"
    /// Moonshine's C API.
    public static let libraryFile = "libmoonshine.so"
    /// The ONNX Runtime libmoonshine.so links against (its soname is libonnxruntime.so.1, so it is opened first).
    public static let onnxRuntimeFile = "libonnxruntime.so.1.22.1"

    /// Describes the model in `directory`.
    public init(directory: String, library: String? = nil) {
        self.directory = directory
        self.library = library
    }

    /// The libmoonshine.so that is loaded.
    public var libraryPath: String { library ?? path(Self.libraryFile) }

    /// The ONNX Runtime loaded before it: the model directory's, or the first `libonnxruntime.so*` beside `library`.
    public var onnxRuntimePath: String {
        guard let library else { return path(Self.onnxRuntimeFile) }
        let folder = URL(fileURLWithPath: library).deletingLastPathComponent().path
        let found = (try? FileManager.default.contentsOfDirectory(atPath: folder))?
            .filter { $0.hasPrefix("libonnxruntime.so") }.sorted().last
        return folder + "/" + (found ?? Self.onnxRuntimeFile)
    }

    /// The installed model when it is there, else the repository's `make deps` copy under `root`.
    public static func locate(root: String = FileManager.default.currentDirectoryPath) -> RecognizerModel {
        let manager = FileManager.default
        if manager.fileExists(atPath: installedDirectory + "/" + libraryFile) { return RecognizerModel(directory: installedDirectory) }
        let cache = root + "/" + cacheDirectory
        if manager.fileExists(atPath: cache + "/" + libraryFile) { return RecognizerModel(directory: cache) }
        return RecognizerModel(directory: installedDirectory)
    }

    /// The decoder Warmline's own search loads: the folded one when it is there and readable, else the wheel's.
    public var searchDecoderPath: String {
        let folded = path(Self.foldedDecoderFile)
        return FileManager.default.isReadableFile(atPath: folded) ? folded : path(Self.decoderFile)
    }

    /// Whether the folded decoder is there (without it a decoder step costs about five times the CPU).
    public var hasFoldedDecoder: Bool { FileManager.default.isReadableFile(atPath: path(Self.foldedDecoderFile)) }

    /// Which decoder the recogniser's own search loads, for `warmline speech check` and `doctor`: the folded one, or the
    /// wheel's with what its absence costs and how to get it.
    public var decoderSummary: String {
        hasFoldedDecoder
            ? "decoder \(Self.foldedDecoderFile) (folded by make deps)"
            : "decoder \(Self.decoderFile), the wheel's: no \(Self.foldedDecoderFile) here, so each decoder step costs about "
                + "five times the CPU (make deps derives it)"
    }

    /// Full path of one of the model's files.
    public func path(_ file: String) -> String { directory + "/" + file }

    /// Checks every file is present and readable; the error names the first missing one and how to get it.
    public func validateFiles() throws(SpeechSetupError) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SpeechSetupError(file: directory, reason: "recogniser model directory missing (run `make deps`, "
                                   + "or copy .cache/models/moonshine-base-en to \(Self.installedDirectory))")
        }
        for file in [path(Self.encoderFile), path(Self.decoderFile), path(Self.tokenizerFile), libraryPath, onnxRuntimePath] {
            guard manager.isReadableFile(atPath: file) else {
                throw SpeechSetupError(file: file, reason: "recogniser model is incomplete: '\(URL(fileURLWithPath: file).lastPathComponent)' "
                                       + "missing or unreadable (run `make deps`, which checks each file's SHA-256)")
            }
        }
    }
}
