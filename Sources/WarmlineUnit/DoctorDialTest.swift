import Foundation
import Synchronization
import WarmlineAudio
import WarmlineBoard
import WarmlineDSP

/// `warmline doctor --dial-test LINE`: seize the line, hear dial tone, dial the first hand-off target, hear ringback
/// or answer, hang up; one check per step. Tones are heard two ways, whichever comes first: the capture device through
/// `CallProgressDetector` (the config's tone plan), and call progress the board reports (the emulator's network does).
extension Doctor {
    /// Runs the dial test on line `lineNumber`; the line must be idle. Each step is a check; later steps SKIP after a FAIL.
    public func dialTest(lineNumber: Int) async -> [DoctorCheck] {
        let name = "line \(lineNumber) dial test"
        guard let line = config.lines.first(where: { $0.number == lineNumber }) else {
            return [.fail(name, "no line \(lineNumber) in the config (lines: \(config.lines.map { String($0.number) }.joined(separator: ", ")))",
                          fix: "give a line number from the config's lines:")]
        }
        guard let target = config.call.handoff.targets.first else {
            return [.fail(name, "no hand-off targets to dial", fix: "add handoff.targets (name, dial) to the config")]
        }
        let link: BoardLink, info: BoardInfo
        do {
            (link, info) = try await connectQuietly(line, label: "warmline.doctor.dial")
        } catch {
            return [.fail("\(name): board", "\(error)", fix: "run `warmline doctor` first: the board link check says what to do")]
        }
        defer { link.close() }
        let heard = HeardTones()
        let fromBoard = progressFromBoard
        let pump = Task {
            for await event in link.events where fromBoard {
                if case .callProgress(let progress) = event { heard.board(progress) }
            }
        }
        defer { pump.cancel() }
        let listener = config.resolvedTonePlan.map { plan in
            ToneListener(device: line.captureDevice, overlay: alsaOverlay, plan: plan, sampleRate: config.sampleRate, heard: heard)
        }
        defer { listener?.stop() }
        var checks: [DoctorCheck] = []
        let restoreBypass = info.bypassEngaged
        do {
            link.setHeartbeatTimer(enabled: true)
            if info.bypassEngaged {
                try await link.setBypass(false)
                guard try await waitUntil(ms: bypassReleaseWaitMs, { try await link.status().bypassEngaged == false }, link) else {
                    return [.fail("\(name): take the line", "the board kept the line on the bypass relay",
                                  fix: "hang up any call on line \(lineNumber) and run the dial test again")]
                }
            }
            try await link.offHook()
            checks.append(.ok("\(name): off-hook", "line seized (firmware \(info.firmwareVersion))"))
            let dialTone = await wait(for: [.dialTone], heard: heard, ms: config.call.handoff.dialToneWaitMs + 1000, link: link)
            guard let dialTone else {
                checks.append(.fail("\(name): dial tone", "none within \(config.call.handoff.dialToneWaitMs + 1000) ms "
                                    + "(\(listener?.summary ?? "no tone plan"))",
                                    fix: "check the exchange line is plugged into the board's LINE port and tone_plan "
                                        + "'\(config.tonePlan)' matches the network"))
                try await hangUp(link, restoreBypass: restoreBypass)
                return checks
            }
            checks.append(.ok("\(name): dial tone", "heard (\(dialTone.source))"))
            try await link.dial(target.dial)
            checks.append(.ok("\(name): dial", "dialled \(target.name) (\(target.dial))"))
            let progress = await wait(for: [.ringback, .answered, .busy], heard: heard, ms: target.ringTimeoutMs, link: link)
            switch progress?.tone {
            case .ringback?, .answered?:
                checks.append(.ok("\(name): far end", "\(progress?.tone.rawValue ?? "") (\(progress?.source ?? ""))"))
                if progress?.tone == .ringback,
                   let answer = await wait(for: [.answered], heard: heard, ms: target.ringTimeoutMs, link: link) {
                    checks.append(.ok("\(name): answer", "\(target.name) answered (\(answer.source))"))
                }
            case .busy?:
                checks.append(.fail("\(name): far end", "busy (\(progress?.source ?? ""))",
                                    fix: "\(target.dial) is busy or not reachable from this line: check the extension "
                                        + "and that the PBX allows hook-flash transfer from it"))
            default:
                checks.append(.fail("\(name): far end", "no ringback or answer within \(target.ringTimeoutMs) ms",
                                    fix: "check \(target.name)'s digits (\(target.dial)) and the PBX's dial plan"))
            }
            try await hangUp(link, restoreBypass: restoreBypass)
            checks.append(.ok("\(name): hang up", "on-hook; bypass relay \(restoreBypass ? "on (line to the agent)" : "off")"))
        } catch {
            checks.append(.fail(name, "\(error)", fix: "check the board's power and link, then run the dial test again"))
            try? await hangUp(link, restoreBypass: restoreBypass)
        }
        return checks
    }

    /// On-hook for longer than an exchange takes for a flash (so the far end is released, not put on hold), then the
    /// bypass relay as it was.
    private func hangUp(_ link: BoardLink, restoreBypass: Bool) async throws {
        try await link.onHook()
        _ = try await waitUntil(ms: Self.hangUpMs, { false }, link)
        if restoreBypass { try await link.setBypass(true) }
    }

    /// How long a hang-up lasts: above the longest flash an exchange accepts (1.5 s).
    static let hangUpMs = 2000

    private func waitUntil(ms: Int, _ condition: () async throws -> Bool, _ link: BoardLink) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(ms)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            link.heartbeat()
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    private func wait(for tones: Set<HeardTones.Tone>, heard: HeardTones, ms: Int, link: BoardLink) async -> HeardTones.Heard? {
        let deadline = ContinuousClock.now + .milliseconds(ms)
        while ContinuousClock.now < deadline {
            if let found = heard.take(tones) { return found }
            link.heartbeat()
            try? await Task.sleep(for: .milliseconds(20))
        }
        return heard.take(tones)
    }
}

/// Call progress heard during the dial test, from the audio or from the board, oldest first.
final class HeardTones: Sendable {
    enum Tone: String, Sendable, Hashable {
        case dialTone = "dial tone"
        case ringback
        case busy
        case answered
    }

    struct Heard: Sendable {
        var tone: Tone
        var source: String
    }

    private let queue = Mutex<[Heard]>([])

    func board(_ progress: CallProgress) {
        let tone: Tone? = switch progress {
        case .dialTone: .dialTone
        case .ringback: .ringback
        case .busy: .busy
        case .answered: .answered
        case .unknown: nil
        }
        if let tone { queue.withLock { $0.append(Heard(tone: tone, source: "reported by the board")) } }
    }

    func audio(_ tone: CallProgressTone, atMs: Int) {
        let mapped: Tone? = switch tone {
        case .dialTone: .dialTone
        case .ringback: .ringback
        case .busy, .reorder: .busy
        }
        if let mapped {
            queue.withLock { $0.append(Heard(tone: mapped, source: "CallProgressDetector on the capture device, \(atMs) ms in")) }
        }
    }

    /// The oldest heard tone among `tones`, removing it and everything before it.
    func take(_ tones: Set<Tone>) -> Heard? {
        queue.withLock { queue in
            guard let index = queue.firstIndex(where: { tones.contains($0.tone) }) else { return nil }
            let found = queue[index]
            queue.removeFirst(index + 1)
            return found
        }
    }
}

/// Reads the line's capture device on its own thread and feeds `CallProgressDetector` (blocking ALSA reads stay off
/// the async threads).
final class ToneListener: Sendable {
    private struct State {
        var stop = false
        var summary = "capture device not opened yet"
    }
    private let state = Mutex(State())

    init(device: String, overlay: ALSAConfigOverlay?, plan: TonePlan, sampleRate: Int, heard: HeardTones) {
        let thread = Thread { [self] in
            listen(device: device, overlay: overlay, plan: plan, sampleRate: sampleRate, heard: heard)
        }
        thread.name = "warmline-dial-test"
        thread.start()
    }

    /// What the audio side did, for a failure message.
    var summary: String { state.withLock { $0.summary } }

    func stop() { state.withLock { $0.stop = true } }

    private func listen(device: String, overlay: ALSAConfigOverlay?, plan: TonePlan, sampleRate: Int, heard: HeardTones) {
        let pcm: ALSAPCM
        do {
            pcm = try ALSAPCM(device: device, direction: .capture, asked: AudioFormat(sampleRate: sampleRate), nonBlocking: false,
                              config: overlay)
        } catch {
            state.withLock { $0.summary = "capture device \(device) did not open: \(error); board-reported progress only" }
            return
        }
        var detector = CallProgressDetector(plan: plan, sampleRate: sampleRate)
        var buffer = [Int16](repeating: 0, count: sampleRate / 50)
        var frames = 0
        _ = pcm.start()
        let started = ContinuousClock.now
        while !state.withLock({ $0.stop }) {
            // Real time: a card's reads block for each period; a file or null plugin answers at once, so pace it.
            let aheadMs = frames * 1000 / sampleRate - Int((ContinuousClock.now - started) / .milliseconds(1))
            if aheadMs > 20 { usleep(useconds_t((aheadMs - 20) * 1000)) }
            let count = buffer.withUnsafeMutableBufferPointer { pcm.read(into: $0) }
            if count < 0 {
                if pcm.recover(from: Int32(count)) < 0 { break }
                continue
            }
            if count == 0 {
                usleep(10_000)  // a file or FIFO at its end: wait for more, do not spin
                continue
            }
            let events = buffer[..<count].withUnsafeBufferPointer { detector.process($0) }
            frames += count
            for event in events where event.kind == .detected { heard.audio(event.tone, atMs: event.frame * 1000 / sampleRate) }
            state.withLock { $0.summary = "\(frames * 1000 / sampleRate) ms of audio from \(device), no \(plan.name) tone in it" }
        }
    }
}
