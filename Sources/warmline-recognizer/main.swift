// warmline-recognizer: Moonshine base-en in a process of its own, shared by every line (see RecognizerFrame for the
// protocol on stdin/stdout). Loads the model once, answers one request at a time, exits when stdin closes.
import Glibc
import WarmlineSpeech

func usage() -> Never {
    writeError("usage: warmline-recognizer --model DIR [--library LIBMOONSHINE]   (DIR holds Moonshine base-en and libmoonshine.so, as `make deps` unpacks it)")
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
    UInt32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
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
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count == 2 || arguments.count == 4, arguments[0] == "--model" else { usage() }
if arguments.count == 4, arguments[2] != "--library" { usage() }
let model = RecognizerModel(directory: arguments[1], library: arguments.count == 4 ? arguments[3] : nil)
let clock = ContinuousClock()
let loadStart = clock.now

/// What reads the clips: Warmline's own decode of the ONNX models (biased toward request words, never empty on speech),
/// or libmoonshine's plain one where ONNX Runtime's C API cannot be driven directly (another runtime build).
enum Reader {
    case search(MoonshineSearch)
    case library(MoonshineTranscriber)

    func transcribe(line samples: [Int16]) throws(SpeechSetupError) -> String {
        switch self {
        case .search(let search): try search.transcribe(line: samples)
        case .library(let transcriber): try transcriber.transcribe(line: samples)
        }
    }
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
                let text = try transcriber.transcribe(line: request.samples)
                answer = .init(id: request.id, kind: .transcript, milliseconds: milliseconds(clock.now - start), text: text)
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
