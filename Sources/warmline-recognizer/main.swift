// warmline-recognizer: Moonshine base-en in a process of its own, shared by every line (see RecognizerFrame for the
// protocol on stdin/stdout). Loads the model once, answers one request at a time, exits when stdin closes.
import Foundation
import Glibc
import WarmlineSpeech

func usage() -> Never {
    writeError("usage: warmline-recognizer --model DIR [--library LIBMOONSHINE] [--keywords KEYWORDS.YAML]   (DIR holds Moonshine base-en "
               + "and libmoonshine.so, as `make deps` unpacks it; the keywords file's matcher.verify phrasings are scored against "
               + "the audio when a transcript is no request)")
    exit(64)
}

func writeError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// Writes every byte to stdout; false when the supervisor has gone.
func send(_ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
        if written < 0, errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}

func milliseconds(_ duration: Duration) -> UInt32 {
    UInt32(clamping: duration.milliseconds)
}

/// Closes every descriptor above stderr: whatever the unit had open without close-on-exec (ALSA, the serial port)
/// must not stay open in the worker.
func closeInheritedDescriptors() {
    guard let directory = opendir("/proc/self/fd") else { return }
    var inherited: [Int32] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if let fd = Int32(name), fd > 2, fd != dirfd(directory) { inherited.append(fd) }
    }
    closedir(directory)
    inherited.forEach { close($0) }
}

closeInheritedDescriptors()
var options: [String: String] = [:]
do {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard arguments.count.isMultiple(of: 2) else { usage() }
    for index in stride(from: 0, to: arguments.count, by: 2) {
        guard ["--model", "--library", "--keywords"].contains(arguments[index]), options[arguments[index]] == nil else { usage() }
        options[arguments[index]] = arguments[index + 1]
    }
}
guard let modelDirectory = options["--model"] else { usage() }
let model = RecognizerModel(directory: modelDirectory, library: options["--library"])
let clock = ContinuousClock()
let loadStart = clock.now

/// What reads the clips: Warmline's own decode of the ONNX models (biased toward request words, never empty on speech),
/// or libmoonshine's plain one where ONNX Runtime's C API cannot be driven directly (another runtime build).
enum Reader {
    case search(MoonshineSearch)
    case library(MoonshineTranscriber)

    /// The answer: its kind (transcript, verified: verification put it in place of the free transcript, unconfirmed: the
    /// confirming read's words, then the separator and the first read's) and text.
    func transcribe(line samples: [Int16], matcher: PhraseMatcher?, trace: VerifyTrace?) throws(SpeechSetupError)
        -> (text: String, kind: RecognizerFrame.Kind) {
        switch self {
        case .search(let search): try verified(search, samples, matcher: matcher, trace: trace)
        case .library(let transcriber): (try transcriber.transcribe(line: samples), .transcript)
        }
    }

    private func verified(_ search: MoonshineSearch, _ samples: [Int16], matcher: PhraseMatcher?, trace: VerifyTrace?)
        throws(SpeechSetupError) -> (text: String, kind: RecognizerFrame.Kind) {
        guard let matcher, let verifier = matcher.verifier else { return (try search.transcribe(line: samples), .transcript) }
        let outcome = try verifier.transcribe(line: samples, search: search, matcher: matcher)
        if let trace {
            let tried = outcome.tried.map { "\($0.candidate.phrase.intent.rawValue):\($0.candidate.text)=" + String(format: "%.3f@%.2f", $0.score, $0.candidate.coverage) }
            let fields = [outcome.free, matcher.decide(outcome.free).kind.rawValue, outcome.freeScore.map { String(format: "%.3f", $0) } ?? "-",
                          outcome.accepted?.text ?? "-"] + tried
                + (outcome.confirmation.map { ["confirm:\($0)=" + (outcome.unconfirmed ? "unconfirmed" : "confirmed")] } ?? [])
            trace.write(fields.joined(separator: "\t") + "\n")
        }
        if outcome.unconfirmed {
            return (outcome.text + String(RecognizerFrame.unconfirmedSeparator) + (outcome.accepted?.text ?? outcome.free), .unconfirmed)
        }
        return (outcome.text, outcome.accepted != nil ? .verified : .transcript)
    }
}

/// The keywords file's matcher (its `verify:` phrasings drive verification); nil without `--keywords`.
let matcher: PhraseMatcher? = {
    guard let file = options["--keywords"] else { return nil }
    do {
        return try PhraseMatcher.load(file: file)
    } catch {
        writeError("warmline-recognizer: no verification, the keywords file is unusable: \(error)")
        return nil
    }
}()

/// Tuning aid: with WARMLINE_VERIFY_TRACE=FILE, one tab-separated line per utterance (free transcript, the matcher's verdict
/// on it, its score or "-", the reading accepted or "-", then every reading scored as class:text=score@coverage, coverage the share of words it changes,
/// then for a request in a long transcript confirm:text=confirmed or unconfirmed) is appended there.
let verifyTrace: VerifyTrace? = ProcessInfo.processInfo.environment["WARMLINE_VERIFY_TRACE"].flatMap(VerifyTrace.init)

/// An append-only text file.
final class VerifyTrace {
    let handle: FileHandle

    init?(path: String) {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    func write(_ line: String) { handle.write(Data(line.utf8)) }
}

func loadReader() throws(SpeechSetupError) -> Reader {
    do {
        let search = try MoonshineSearch(model: model)
        // the first decode sizes ONNX Runtime's buffers: pay for it here, not on a caller's words
        _ = try search.transcribe(wideband: [Float](repeating: 0, count: 16000), speech: false)
        return .search(search)
    } catch {
        writeError("warmline-recognizer: own decode unavailable, using libmoonshine's: \(error)")
    }
    let transcriber = try MoonshineTranscriber(model: model)
    _ = try transcriber.transcribe(wideband: [Float](repeating: 0, count: 16000))
    return .library(transcriber)
}

let transcriber: Reader
do {
    transcriber = try loadReader()
} catch {
    _ = send(RecognizerFrame.answer(.init(id: 0, kind: .refused, milliseconds: milliseconds(clock.now - loadStart), text: error.description)))
    writeError("warmline-recognizer: \(error)")
    exit(2)
}
guard send(RecognizerFrame.answer(.init(id: 0, kind: .ready, milliseconds: milliseconds(clock.now - loadStart), text: model.directory))) else { exit(0) }

var reader = RecognizerFrame.Reader()
var buffer = [UInt8](repeating: 0, count: 65536)
while true {
    let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if count < 0, errno == EINTR { continue }
    guard count > 0 else { exit(0) }  // the supervisor closed the stream or is gone
    reader.append(buffer[..<count])
    do {
        while let payload = try reader.next() {
            guard let request = RecognizerFrame.parseRequest(payload) else {
                writeError("warmline-recognizer: malformed request of \(payload.count) bytes")
                exit(65)
            }
            let start = clock.now
            let answer: RecognizerFrame.Answer
            do {
                let read = try transcriber.transcribe(line: request.samples, matcher: matcher, trace: verifyTrace)
                answer = .init(id: request.id, kind: read.kind, milliseconds: milliseconds(clock.now - start),
                               text: read.text)
            } catch {
                answer = .init(id: request.id, kind: .failed, milliseconds: milliseconds(clock.now - start), text: error.description)
            }
            guard send(RecognizerFrame.answer(answer)) else { exit(0) }
        }
    } catch {
        writeError("warmline-recognizer: \(error)")
        exit(65)
    }
}
