import ArgumentParser
import Foundation
import Logging
import Synchronization
import WarmlineAudio
import WarmlineDSP
import WarmlineSimulation
import WarmlineUnit

/// `warmline console --line N`: the technician at the unit is the caller: prompts on the speaker, keys from the
/// keyboard, speech from the microphone, the line's board played by the firmware emulator.
struct Console: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Be the caller on a line at the unit: prompts on the speaker, keys from the keyboard (as DTMF), speech from "
            + "the microphone (ALSA default devices); the line's board is the firmware emulator.",
        discussion: "Press 0-9, * and # to send them as tones; q hangs up. The microphone's audio and the keys reach the line "
            + "through a FIFO read by the ALSA file plugin, so the line runs its real capture path: DTMF detector, keyword "
            + "spotting, the call engine. The call goes to a scratch database in --work-dir.")

    @OptionGroup var config: ConfigOption

    @Option(help: ArgumentHelp("The line whose flow and settings to use.", valueName: "n"))
    var line = 1

    @Option(help: ArgumentHelp("The firmware host emulator that plays the line's board.", valueName: "path"))
    var emulator: String

    @Option(help: ArgumentHelp("ALSA capture device for your voice (null: silence).", valueName: "pcm"))
    var microphone = "default"

    @Option(help: ArgumentHelp("ALSA playback device for the prompts (null: discard).", valueName: "pcm"))
    var speaker = "default"

    @Option(help: ArgumentHelp("Your caller ID (picks the first language through menu.yaml).", valueName: "number"))
    var caller = "+15550199"

    @Option(name: .customLong("work-dir"), help: ArgumentHelp("Scratch directory (the FIFO, the database).", valueName: "dir"))
    var workDirectory = "/tmp/warmline-console"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = label.hasPrefix("warmline.board") ? .critical : .warning
            return handler
        }
        // The microphone FIFO's reader closes at the end of the call: a write then is EPIPE, not a fatal signal.
        signal(SIGPIPE, SIG_IGN)
        let unit = try config.load()
        guard let lineConfig = unit.lines.first(where: { $0.number == line }) else {
            throw CommandFailure.badInput("--line \(line): the config has lines \(unit.lines.map { String($0.number) }.joined(separator: ", "))")
        }
        guard FileManager.default.isExecutableFile(atPath: emulator) else {
            throw CommandFailure.badInput("--emulator \(emulator) is not an executable (build it: make -C Firmware emulator)")
        }
        let work = URL(fileURLWithPath: workDirectory).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let fifo = work + "/microphone.fifo"
        try? FileManager.default.removeItem(atPath: fifo)
        guard mkfifo(fifo, 0o600) == 0 else { throw CommandFailure.runtime("cannot make \(fifo): \(String(cString: strerror(errno)))") }
        let unitOverlayText = try unit.alsaConfigPath.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? ""
        let overlayPath = work + "/console-alsa.conf"
        try (unitOverlayText + "\n" + ALSAConfigOverlay.fileCapture(name: Self.lineCapture, rawInput: fifo))
            .write(toFile: overlayPath, atomically: true, encoding: .utf8)
        let microphoneOverlay = unitOverlayText.isEmpty ? nil : try ALSAConfigOverlay(unitOverlayText)

        let board = try BoardEmulator(binary: emulator, logPath: work + "/emulator.log")
        defer { board.stop() }
        var consoleConfig = unit
        var consoleLine = lineConfig
        consoleLine.serialDevice = board.ptyPath
        consoleLine.captureDevice = Self.lineCapture
        consoleLine.playbackDevice = speaker
        consoleConfig.lines = [consoleLine]
        consoleConfig.alsaConfigPath = overlayPath
        consoleConfig.databasePath = work + "/warmline.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: consoleConfig.databasePath + suffix) }

        let feeder = MicrophoneFeeder(microphone: microphone, overlay: microphoneOverlay, fifo: fifo, sampleRate: unit.sampleRate)
        defer { feeder.stop() }
        let runner = try UnitRunner(config: consoleConfig, transcript: { ConsoleOutput.line($0) })
        try await runner.start()
        let keyboard = Keyboard { key in
            if key == "q" {
                ConsoleOutput.line("console: you hang up")
                board.send("hangup")
            } else {
                feeder.press(key)
            }
        }
        defer { keyboard.restore() }
        ConsoleOutput.line("console: line \(line) rings as \(caller); keys 0-9 * # are sent as tones, q hangs up; "
            + "prompts on '\(speaker)', your voice from '\(microphone)'")
        let claimBy = ContinuousClock.now + .seconds(20)
        while !board.lineIsWarmlines && ContinuousClock.now < claimBy { try await Task.sleep(for: .milliseconds(20)) }
        board.send("ring \(caller) \"Console\"")
        while runner.lines.first?.results.isEmpty ?? true { try await Task.sleep(for: .milliseconds(50)) }
        let result = runner.lines.first?.results.first
        await runner.stop()
        if let result { ConsoleOutput.line("console: call over: \(result.outcome), \(result.endReason); database \(consoleConfig.databasePath)") }
    }

    /// The PCM the line captures from: the file plugin reading the microphone FIFO.
    static let lineCapture = "warmline_console_line"
}

/// Reads the microphone (paced to real time) and writes it, with the tones of the keys pressed mixed in, into the FIFO
/// the line's capture device reads; waits for a reader at each call.
final class MicrophoneFeeder: Sendable {
    private struct State {
        var pending: [Int16] = []
        var stop = false
    }
    private let state = Mutex(State())
    private let sampleRate: Int

    init(microphone: String, overlay: ALSAConfigOverlay?, fifo: String, sampleRate: Int) {
        self.sampleRate = sampleRate
        let thread = Thread { [self] in feed(microphone: microphone, overlay: overlay, fifo: fifo) }
        thread.name = "warmline-console-mic"
        thread.start()
    }

    /// Queues `key` as a 100 ms tone and a 100 ms pause.
    func press(_ key: Character) {
        let frames = sampleRate / 10
        guard let tone = try? DTMFGenerator(sampleRate: Double(sampleRate)).tone(key, durationFrames: frames) else { return }
        state.withLock { $0.pending += tone + [Int16](repeating: 0, count: frames) }
    }

    func stop() { state.withLock { $0.stop = true } }

    private func feed(microphone: String, overlay: ALSAConfigOverlay?, fifo: String) {
        let period = sampleRate / 50
        let pcm = try? ALSAPCM(device: microphone, direction: .capture, asked: AudioFormat(sampleRate: sampleRate), nonBlocking: false,
                               config: overlay)
        if pcm == nil { ConsoleOutput.line("console: microphone '\(microphone)' did not open: keys only") }
        _ = pcm?.start()
        var buffer = [Int16](repeating: 0, count: period)
        let started = ContinuousClock.now
        var frames = 0
        while !state.withLock({ $0.stop }) {
            let fd = open(fifo, O_WRONLY)  // blocks until the line answers and opens its capture
            guard fd >= 0 else { return }
            while !state.withLock({ $0.stop }) {
                buffer.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                if let pcm {
                    let count = buffer.withUnsafeMutableBufferPointer { pcm.read(into: $0) }
                    if count < 0 { _ = pcm.recover(from: Int32(count)) }
                }
                // Real time: a sound card's reads block for each period; the null plugin answers at once, so pace it.
                frames += period
                let aheadMs = frames * 1000 / sampleRate - Int((ContinuousClock.now - started) / .milliseconds(1))
                if aheadMs > 20 { usleep(useconds_t((aheadMs - 20) * 1000)) }
                let tones = state.withLock { state -> [Int16] in
                    let taken = Array(state.pending.prefix(period))
                    state.pending.removeFirst(taken.count)
                    return taken
                }
                for (index, sample) in tones.enumerated() {
                    buffer[index] = Int16(clamping: Int(buffer[index]) + Int(sample))
                }
                let written = buffer.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if written < 0 { break }  // the call ended and the line closed its capture
            }
            close(fd)
        }
    }
}

/// Keys from the terminal one at a time (no Enter needed, not echoed); a pipe is read as it comes.
final class Keyboard: Sendable {
    private let saved: Mutex<termios?>

    init(onKey: @escaping @Sendable (Character) -> Void) {
        var settings = termios()
        if isatty(STDIN_FILENO) == 1, tcgetattr(STDIN_FILENO, &settings) == 0 {
            saved = Mutex(settings)
            var raw = settings
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &raw)
        } else {
            saved = Mutex(nil)
        }
        let thread = Thread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 {
                let key = Character(UnicodeScalar(byte))
                if "0123456789*#q".contains(key) { onKey(key) }
            }
        }
        thread.name = "warmline-console-keys"
        thread.start()
    }

    /// Gives the terminal its settings back.
    func restore() {
        saved.withLock { settings in
            guard var settings else { return }
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &settings)
        }
    }
}
