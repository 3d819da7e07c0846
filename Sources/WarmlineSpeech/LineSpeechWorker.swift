import Foundation
import WarmlineCore
import WarmlineDSP

/// What one line's speech worker heard, in line audio time (frames = 8 kHz samples since the line's first sample).
public enum SpeechEvent: Sendable, Equatable {
    /// A keyword (for the engine: `CallInput.keyword(spotted.hit)`).
    case keyword(SpottedKeyword)
    /// A distress candidate the second pass turned down (log only).
    case keywordRejected(SpottedKeyword)
    /// A summarised stretch of speech (for the engine: `CallInput.voice(segment.features)`).
    case voice(VoiceStressDetector.VoiceSegment)
    /// Raised voice against the caller's baseline, with its values (log and hand-off reasons).
    case voiceStress(VoiceStressDetector.VoiceStress)
    /// Chunks were dropped because the worker fell behind (the audio loop never waits).
    case overrun(droppedChunks: Int, atFrame: Int)
}

/// One line's speech work on its own thread: VAD, keyword spotting and voice stress, fed through a bounded queue.
///
/// The audio loop calls `submit(_:)`, which only copies the chunk into the queue and returns; when the queue
/// is full the chunk is dropped and counted (an `overrun` event says so) rather than blocking the loop.
public final class LineSpeechWorker: @unchecked Sendable {
    /// Events in order; finishes after `finish()`.
    public let events: AsyncStream<SpeechEvent>
    /// Most chunks the queue holds.
    public let capacityChunks: Int
    private let continuation: AsyncStream<SpeechEvent>.Continuation
    private let condition = NSCondition()
    // guarded by condition
    private var queue: [(startFrame: Int, samples: [Int16])] = []
    private var finished = false
    private var dropped = 0
    private var droppedReported = 0
    private var submittedFrames = 0
    private let spotter: KeywordSpotter?
    private var thread: Thread?

    /// Starts the worker; `keywords` nil runs voice stress alone (a DTMF-only language).
    public init(keywords: KeywordList?, capacityChunks: Int = 250) throws(SpeechSetupError) {
        spotter = try keywords.map { list throws(SpeechSetupError) in try KeywordSpotter(keywords: list) }
        self.capacityChunks = capacityChunks
        (events, continuation) = AsyncStream.makeStream(of: SpeechEvent.self, bufferingPolicy: .unbounded)
        let thread = Thread { [self] in run() }
        thread.name = "warmline-speech"
        self.thread = thread
        thread.start()
    }

    /// Queues a chunk of line audio; false when the queue was full and the chunk was dropped.
    @discardableResult
    public func submit(_ samples: [Int16]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let startFrame = submittedFrames
        submittedFrames += samples.count
        guard !finished, queue.count < capacityChunks else {
            dropped += 1
            return false
        }
        queue.append((startFrame, samples))
        condition.signal()
        return true
    }

    /// Chunks dropped so far.
    public var droppedChunks: Int {
        condition.lock()
        defer { condition.unlock() }
        return dropped
    }

    /// Processes what is queued, flushes the open utterance and ends `events`.
    public func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var vad = VoiceActivityDetector()
        var stress = VoiceStressDetector()
        var pendingVAD: [Int16] = []
        var speaking = false
        var frame = 0
        while true {
            condition.lock()
            while queue.isEmpty && !finished { condition.wait() }
            let next = queue.isEmpty ? nil : queue.removeFirst()
            let newlyDropped = dropped - droppedReported
            droppedReported = dropped
            condition.unlock()
            if newlyDropped > 0 { continuation.yield(.overrun(droppedChunks: newlyDropped, atFrame: frame)) }
            guard let (startFrame, chunk) = next else { break }
            if startFrame > frame, let spotter {
                // dropped audio: close the utterance so no keyword spans the gap, and keep line time
                for hit in spotter.flush() { continuation.yield(.keyword(hit)) }
                spotter.skip(frames: startFrame - frame)
                frame = startFrame
            }
            // the VAD decides per 20 ms; the chunk keeps the newest decision (its hangover covers the edges)
            pendingVAD += chunk
            let whole = pendingVAD.count / vad.frameLength * vad.frameLength
            if whole > 0 {
                let decisions = vad.process(Array(pendingVAD[..<whole]))
                pendingVAD.removeFirst(whole)
                if let last = decisions.last { speaking = decisions.contains(where: \.isSpeech) || last.isSpeech }
            }
            for event in stress.process(chunk, isSpeech: speaking) {
                switch event {
                case .segment(let segment): continuation.yield(.voice(segment))
                case .stress(let signal):
                    continuation.yield(.voice(signal.segment))
                    continuation.yield(.voiceStress(signal))
                }
            }
            if let spotter {
                for hit in spotter.process(chunk, isSpeech: speaking) { continuation.yield(.keyword(hit)) }
                for rejected in spotter.rejected { continuation.yield(.keywordRejected(rejected)) }
                spotter.rejected.removeAll()
            }
            frame += chunk.count
        }
        if let spotter {
            for hit in spotter.flush() { continuation.yield(.keyword(hit)) }
        }
        continuation.finish()
    }
}
