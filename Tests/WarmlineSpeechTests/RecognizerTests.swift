import Foundation
import Synchronization
import Testing
import WarmlineTestScheduling
@testable import WarmlineSpeech

/// The repository's `make deps` copy of Moonshine base-en, and whether it is there.
enum InstalledRecognizer {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let model = RecognizerModel(directory: root + "/" + RecognizerModel.cacheDirectory)
    static let isInstalled = (try? model.validateFiles()) != nil
    static let skipReason: Comment = "Moonshine base-en is not in \(RecognizerModel.cacheDirectory): run `make deps`"

    static func start(_ adjust: (inout Recognizer.Configuration) -> Void = { _ in }) throws -> Recognizer {
        var configuration = Recognizer.Configuration(model: model)
        adjust(&configuration)
        let recognizer = Recognizer(configuration: configuration)
        let status = recognizer.waitUntilSettled(timeoutMs: 60_000)
        guard status.isReady else {
            recognizer.stop()
            throw SpeechSetupError(file: model.directory, reason: "recogniser did not start: \(status)")
        }
        return recognizer
    }
}

@Suite("Recogniser worker with the real model", .serialized, .holdsItsThread, .enabled(if: InstalledRecognizer.isInstalled, InstalledRecognizer.skipReason))
struct RecognizerTests {
    static let keywords = Result { try KeywordList.load(file: RenderedSpeech.promptsDirectory + "/en/keywords.yaml") }

    @Test("rendered requests are transcribed in the worker and the matcher calls them distress; a mention stays a mention",
          arguments: [("someone is hurting me", "slt", PhraseDecision.Kind.distress), ("call the police", "slt", .distress),
                      ("the police station is near the market", "kal", .mention)])
    func transcribesRealSpeech(text: String, voice: String, kind: PhraseDecision.Kind) throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render(text, engine: .flite(voice))
        let outcome = recognizer.transcribe(audio, timeoutMs: 20_000)
        let transcript = try #require(outcome.text, "\(outcome)")
        let words = transcript.lowercased().filter { $0.isLetter || $0 == " " }
        #expect(words == text, "heard '\(transcript)'")
        let decision = try #require(try Self.keywords.get().matcher).decide(transcript)
        #expect(decision.kind == kind, "\(decision)")
        if case .transcript(let details) = outcome {
            #expect(details.decodeMs > 0 && details.decodeMs <= details.waitedMs)
            #expect(abs(details.audioMs - audio.count / 8) <= 1)
            // the words as the recogniser read them, not a reading its verification put in
            #expect(!details.verified)
        }
    }

    @Test("a reading the worker's verification put in place of its free transcript comes back marked as verified")
    func verifiedReadingIsMarked() throws {
        let keywordsFile = RenderedSpeech.promptsDirectory + "/en/keywords.yaml"
        // Moonshine reads espeak-ng's "send the police" as "Tend the police." (en+f2, en-us+f2, en-us+m3 and en+f5 alike)
        let audio = try RenderedSpeech.render("send the police", engine: .espeak(["-v", "en-us+m3"]))
        let plain = try InstalledRecognizer.start()
        let free = plain.transcribe(audio, timeoutMs: 20_000)
        plain.stop()
        let verifying = try InstalledRecognizer.start { $0.keywordsFile = keywordsFile }
        defer { verifying.stop() }
        let outcome = verifying.transcribe(audio, timeoutMs: 20_000)
        guard case .transcript(let freeRead) = free, case .transcript(let read) = outcome else {
            Issue.record("no transcript: \(free) / \(outcome)")
            return
        }
        #expect(!freeRead.verified)
        #expect(freeRead.text.lowercased().filter(\.isLetter) != "sendthepolice", "the free read is already the request: '\(freeRead.text)'")
        #expect(read.verified, "'\(read.text)'")
        #expect(read.text.lowercased().filter(\.isLetter) == "sendthepolice", "'\(read.text)'")
    }

    @Test("a worker killed in the middle of a request answers that request at once, and a new worker is started straight away and serves (the 5 s figure: warmline-bench speech)")
    func killedWorkerComesBack() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let firstPID = try #require(recognizer.statistics.workerPID)
        let audio = try RenderedSpeech.render("please help me someone is hurting me and I need an ambulance right now", engine: .flite("slt"))
        // the answer and its time are taken on the supervisor's thread, as a line would get them: a test thread starved
        // by other suites on this 2-core machine must not count against the recogniser
        let answer = Mutex<(outcome: RecognizerOutcome, at: ContinuousClock.Instant)?>(nil)
        let answered = DispatchSemaphore(value: 0)
        recognizer.submit(audio + audio, timeoutMs: 20_000) { outcome in
            answer.withLock { $0 = (outcome, .now) }
            answered.signal()
        }
        // the decode takes most of a second at least: kill as soon as the worker has the request (a real process on
        // the wall clock: look every millisecond)
        let sentBy = ContinuousClock.now + .seconds(5)
        while recognizer.statistics.sent == 0, ContinuousClock.now < sentBy { usleep(1000) }
        let killedAt = ContinuousClock.now
        #expect(kill(firstPID, SIGKILL) == 0)
        #expect(answered.wait(timeout: .now() + .seconds(20)) == .success)
        let (result, answeredAt) = try #require(answer.withLock { $0 })
        guard case .unavailable(let reason) = result else {
            Issue.record("expected unavailable, got \(result)")
            return
        }
        #expect(reason.contains("killed by signal 9 (SIGKILL)"), "\(reason)")
        // answered by the supervisor on the worker's death, not by the request's 20 s timeout
        #expect(answeredAt - killedAt < .seconds(15))
        // straight back: a first death is restarted with no back-off (.restarting would mean a wait before the start)
        let afterDeath = recognizer.status
        switch afterDeath {
        case .starting, .ready: break
        case .restarting, .unavailable: Issue.record("a first death must restart at once, not \(afterDeath)")
        }
        // the 5 s bound itself is a wall-clock figure: `warmline-bench speech` measures it on a quiet machine (its
        // "worker killed mid-request" rows); here, with every suite sharing 2 cores, the new worker only has to come back
        let status = recognizer.waitUntilSettled(timeoutMs: 60_000)
        #expect(status.isReady, "\(status)")
        let secondPID = try #require(recognizer.statistics.workerPID)
        #expect(secondPID != firstPID)
        #expect(recognizer.statistics.starts == 2)
        #expect(recognizer.transcribe(try RenderedSpeech.render("call the police", engine: .flite("kal")), timeoutMs: 20_000).text != nil)
    }

    @Test("a worker killed while it is still taking a request in says how it ended (killed by SIGKILL), not that it stopped reading")
    func killedWhileTakingARequest() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let pid = try #require(recognizer.statistics.workerPID)
        // stopped, the worker reads nothing: 30 s of audio (480 kB) fills the socket and the supervisor waits in send
        #expect(kill(pid, SIGSTOP) == 0)
        let answer = Mutex<RecognizerOutcome?>(nil)
        let answered = DispatchSemaphore(value: 0)
        recognizer.submit([Int16](repeating: 300, count: 240_000), timeoutMs: 20_000) { outcome in
            answer.withLock { $0 = outcome }
            answered.signal()
        }
        // a real process on the wall clock: look every millisecond for the request to be on its way, then let the
        // supervisor block on the full socket
        let sentBy = ContinuousClock.now + .seconds(5)
        while recognizer.statistics.sent == 0, ContinuousClock.now < sentBy { usleep(1000) }
        usleep(200_000)
        #expect(kill(pid, SIGKILL) == 0)
        #expect(answered.wait(timeout: .now() + .seconds(10)) == .success)
        guard case .unavailable(let reason) = try #require(answer.withLock { $0 }) else {
            Issue.record("expected unavailable, got \(String(describing: answer.withLock { $0 }))")
            return
        }
        #expect(reason.contains("killed by signal 9 (SIGKILL)") && reason.hasSuffix("during the request"), "\(reason)")
        #expect(recognizer.waitUntilSettled(timeoutMs: 10_000).isReady)
    }

    @Test("the worker inherits no descriptor of the unit's above stderr (a file being written stays runnable)")
    func workerInheritsNoDescriptors() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-inherit-\(UUID().uuidString)").path
        // opened without O_CLOEXEC, as Foundation's mkstemp-based atomic writes are
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let pid = try #require(recognizer.statistics.workerPID)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        let targets = descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
        #expect(!targets.isEmpty)
        #expect(!targets.contains(path), "\(targets)")
    }

    @Test("a worker that stops answering (SIGSTOP) is killed after the hang limit and replaced; its caller had its timeout")
    func hungWorkerIsReplaced() throws {
        let recognizer = try InstalledRecognizer.start { $0.hangLimitMs = 1500 }
        defer { recognizer.stop() }
        let firstPID = try #require(recognizer.statistics.workerPID)
        #expect(kill(firstPID, SIGSTOP) == 0)
        let audio = try RenderedSpeech.render("call the police", engine: .flite("kal"))
        #expect(recognizer.transcribe(audio, timeoutMs: 300) == .timedOut(afterMs: 300))
        // a real process on the wall clock: look every 20 ms for the supervisor to give up on it
        let givenUpBy = ContinuousClock.now + .seconds(5)
        while recognizer.statistics.starts < 2, ContinuousClock.now < givenUpBy { usleep(20_000) }
        let status = recognizer.waitUntilSettled(timeoutMs: 10_000)
        #expect(status.isReady, "\(status)")
        #expect(recognizer.statistics.workerPID != firstPID)
        #expect(recognizer.statistics.lastStopReason?.contains("gave no answer within 1500 ms") == true)
        // half a second of audio: decoded well within the short hang limit even by a debug build on a busy machine
        let next = recognizer.transcribe([Int16](repeating: 16, count: 4000), timeoutMs: 20_000)
        #expect(next.text != nil, "\(next)")
    }

    @Test("a click of a few samples or no audio at all gets an empty transcript, and the worker lives on (ONNX Runtime aborts on them)")
    func tinyUtterances() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        for count in [0, 1, 10, 400] {
            let outcome = recognizer.transcribe([Int16](repeating: 16, count: count), timeoutMs: 20_000)
            #expect(outcome.text != nil, "\(count) samples: \(outcome)")
        }
        #expect(recognizer.statistics.starts == 1)
    }

    @Test("a caller is answered by its timeout while the worker is still decoding, and the late answer is dropped")
    func timeoutBoundsTheWait() throws {
        let recognizer = try InstalledRecognizer.start()
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render("please help me someone is hurting me and I need an ambulance right now", engine: .flite("slt"))
        let start = ContinuousClock.now
        let outcome = recognizer.transcribe(audio + audio, timeoutMs: 50)
        #expect(outcome == .timedOut(afterMs: 50))
        #expect(ContinuousClock.now - start < .milliseconds(500))
        // the worker carries on and then takes the next utterance: it first finishes the 8 s clip, which took over 20 s
        // once beside the folded-decoder CPU test and both end-to-end lanes on the 2-core CI machine, hence a minute
        let next = recognizer.transcribe(try RenderedSpeech.render("call the police", engine: .flite("kal")), timeoutMs: 60_000)
        #expect(next.text?.lowercased().contains("police") == true, "\(next)")
        #expect(recognizer.statistics.timedOut == 1)
    }

    @Test("a worker over its memory limit is replaced after its answer, and the next utterance goes to the new one")
    func memoryLimitReplacesTheWorker() throws {
        let recognizer = try InstalledRecognizer.start { $0.maxResidentMB = 1 }
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render("call the police", engine: .flite("kal"))
        #expect(recognizer.transcribe(audio, timeoutMs: 20_000).text != nil)
        #expect(recognizer.statistics.lastStopReason?.contains("limit 1 MB") == true)
        #expect(recognizer.waitUntilSettled(timeoutMs: 10_000).isReady)
        #expect(recognizer.transcribe(audio, timeoutMs: 20_000).text != nil)
        #expect(recognizer.statistics.starts >= 2)
        #expect(recognizer.statistics.peakResidentMB > 100)
    }

    @Test("a full queue answers busy at once instead of holding the caller")
    func boundedQueue() throws {
        let recognizer = try InstalledRecognizer.start { $0.queueCapacity = 1 }
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render("please help me someone is hurting me", engine: .flite("slt"))
        let answers = Answers()
        for _ in 0..<3 { recognizer.submit(audio, timeoutMs: 20_000) { answers.add($0) } }
        // one in the worker or queued, one queued: the third has no room
        #expect(answers.wait(for: 3, timeoutMs: 30_000).contains { if case .busy = $0 { true } else { false } })
        #expect(recognizer.statistics.busy >= 1)
    }

    @Test("a worker near its memory limit is replaced while the recogniser is idle, not in front of the next sentence")
    func idleReplacement() throws {
        // a margin as wide as the limit: any worker counts as near it once it has answered
        let recognizer = try InstalledRecognizer.start {
            $0.maxResidentMB = 4000
            $0.idleReplaceMarginMB = 4000
            $0.idleReplaceAfterMs = 300
        }
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render("please help me", engine: .flite("slt"))
        #expect(recognizer.transcribe(audio, timeoutMs: 20_000).text?.lowercased().contains("help") == true)
        let first = try #require(recognizer.statistics.workerPID)
        // quiet after the answer: the supervisor replaces the worker and the new one loads
        let deadline = Date(timeIntervalSinceNow: 20)
        while Date() < deadline, recognizer.statistics.workerPID.map({ $0 == first }) ?? true || !recognizer.status.isReady {
            usleep(50_000)
        }
        let statistics = recognizer.statistics
        #expect(statistics.starts == 2, "\(statistics)")
        #expect(statistics.lastStopReason?.contains("while idle") == true, "\(statistics)")
        // the next sentence goes to the new worker, which answers
        #expect(recognizer.transcribe(audio, timeoutMs: 20_000).text?.lowercased().contains("help") == true)
    }

    @Test("past its CPU share the recogniser answers busy at once, and its worker's CPU is what was charged")
    func cpuShare() throws {
        let recognizer = try InstalledRecognizer.start {
            $0.maxCPUPercent = 1
            $0.cpuBurstMs = 1500
        }
        defer { recognizer.stop() }
        let audio = try RenderedSpeech.render("please help me someone is hurting me", engine: .flite("slt"))
        var outcomes: [RecognizerOutcome] = []
        for _ in 0..<6 { outcomes.append(recognizer.transcribe(audio, timeoutMs: 20_000)) }
        // a full bucket (1.5 s of CPU) takes the first sentences; at 1 % the rest are refused without a wait
        #expect(outcomes.first?.text?.lowercased().contains("help") == true, "\(outcomes)")
        #expect(outcomes.contains { if case .busy = $0 { true } else { false } }, "\(outcomes)")
        let statistics = recognizer.statistics
        #expect(statistics.overBudget >= 1)
        #expect(statistics.decodeCPUMs >= 1500)
        #expect(statistics.sent == statistics.answered)
    }
}

@Suite("Recogniser without its model")
struct RecognizerUnavailableTests {
    @Test("a missing model makes the recogniser unavailable at once, saying to run make deps, and every utterance gets that answer")
    func missingModel() {
        let recognizer = Recognizer(configuration: .init(model: RecognizerModel(directory: "/nonexistent/moonshine")))
        defer { recognizer.stop() }
        guard case .unavailable(let reason) = recognizer.status else {
            Issue.record("expected unavailable, got \(recognizer.status)")
            return
        }
        #expect(reason.contains("/nonexistent/moonshine") && reason.contains("make deps"))
        let start = ContinuousClock.now
        #expect(recognizer.transcribe([Int16](repeating: 0, count: 8000), timeoutMs: 5000) == .unavailable(reason: reason))
        #expect(ContinuousClock.now - start < .milliseconds(100))
        #expect(recognizer.status.description.hasSuffix("keyword spotting runs on PocketSphinx alone"))
    }

    @Test("a model directory missing one file names that file")
    func incompleteModel() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-moonshine-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for file in [RecognizerModel.encoderFile, RecognizerModel.decoderFile, RecognizerModel.libraryFile, RecognizerModel.onnxRuntimeFile] {
            #expect(FileManager.default.createFile(atPath: directory + "/" + file, contents: Data()))
        }
        #expect(throws: SpeechSetupError(file: directory + "/tokenizer.bin",
                                         reason: "recogniser model is incomplete: 'tokenizer.bin' missing or unreadable (run `make deps`, which checks each file's SHA-256)")) {
            try RecognizerModel(directory: directory).validateFiles()
        }
    }

    @Test("files that are not a model crash ONNX Runtime on load: after a second try the recogniser says why instead of restarting it",
          .enabled(if: InstalledRecognizer.isInstalled, InstalledRecognizer.skipReason))
    func corruptModel() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-moonshine-bad-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for file in [RecognizerModel.libraryFile, RecognizerModel.onnxRuntimeFile, RecognizerModel.tokenizerFile] {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + file, withDestinationPath: InstalledRecognizer.model.path(file))
        }
        for file in [RecognizerModel.encoderFile, RecognizerModel.decoderFile] {
            #expect(FileManager.default.createFile(atPath: directory + "/" + file, contents: Data("not a model".utf8)))
        }
        let recognizer = Recognizer(configuration: .init(model: RecognizerModel(directory: directory)))
        defer { recognizer.stop() }
        let status = recognizer.waitUntilSettled(timeoutMs: 30_000)
        guard case .unavailable(let reason) = status else {
            Issue.record("expected unavailable, got \(status)")
            return
        }
        #expect(reason.contains(directory) && reason.contains("make deps"), "\(reason)")
        #expect(reason.contains("ORT model verification failed"), "\(reason)")
        #expect(recognizer.statistics.starts == 2)
    }
}

/// Outcomes collected from completions on the supervisor thread.
final class Answers: @unchecked Sendable {
    private let condition = NSCondition()
    private var outcomes: [RecognizerOutcome] = []

    func add(_ outcome: RecognizerOutcome) {
        condition.lock()
        outcomes.append(outcome)
        condition.broadcast()
        condition.unlock()
    }

    func wait(for count: Int, timeoutMs: Int) -> [RecognizerOutcome] {
        let deadline = Date(timeIntervalSinceNow: Double(timeoutMs) / 1000)
        condition.lock()
        defer { condition.unlock() }
        while outcomes.count < count, condition.wait(until: deadline) {}
        return outcomes
    }
}
