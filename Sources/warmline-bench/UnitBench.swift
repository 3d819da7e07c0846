import ArgumentParser
import Foundation
import WarmlineAudio
import WarmlineCore
import WarmlineDSP
import WarmlineSimulation
import WarmlineUnit

/// `warmline-bench unit`: the whole unit on the PulseAudio real-time path: `warmline run` on N emulated lines,
/// real-time callers pressing the emergency digit or saying a distress phrase, then talking; answer, FLASH and dial
/// latencies, READY time, RSS and CPU.
struct UnitBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "warmline run on N emulated lines through PulseAudio: answer/FLASH/dial latency (digit and spoken), READY, RSS, CPU.")

    @Option(help: "Lines (emulators) at once.")
    var lines = 4

    @Option(help: "The firmware host emulator.")
    var emulator = "Firmware/build/host/warmline-emulator"

    @Option(help: "The Prompts directory.")
    var prompts = "Prompts"

    @Option(help: "The warmline binary (default: next to warmline-bench).")
    var warmline: String?

    @Flag(name: .customLong("no-speech"), help: "Run the lines without keyword spotting (DTMF only).")
    var noSpeech = false

    @Option(help: "Seconds of the talking window (every caller talks; CPU and RSS are measured over it).")
    var talkSeconds = 14

    @Option(help: "Also write the measured run's transcript to this file.")
    var transcript: String?

    func run() async throws {
        let binary = warmline ?? (((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
            as NSString).deletingLastPathComponent + "/warmline"
        let work = NSTemporaryDirectory() + "warmline-bench-unit-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        // One PulseAudio server per 8 lines: a server takes 64 clients at most (protocol-native's MAX_CONNECTIONS), and
        // each line is 4 (the unit's capture and playback, the caller's playback and recording). With 16 lines on one
        // server every open past the 64th was refused: the unit answered, could not open the line's audio, and failed
        // every call to bypass ("Connection refused"), which is why the 16-line run answered no calls.
        let servers = try stride(from: 1, through: lines, by: Self.linesPerServer).map { first in
            try PulseAudioServer(sinks: (first...min(lines, first + Self.linesPerServer - 1)).flatMap { ["caller\($0)", "line\($0)"] })
        }
        defer { servers.forEach { $0.stop() } }
        let pulse = { (line: Int) in servers[(line - 1) / Self.linesPerServer] }
        let overlay = (1...lines).map { pulse($0).alsaPCM(name: "line\($0)_in", device: "caller\($0).monitor")
            + pulse($0).alsaPCM(name: "line\($0)_out", device: "line\($0)") }.joined()
        try overlay.write(toFile: work + "/alsa.conf", atomically: true, encoding: .utf8)
        let boards = try (1...lines).map { try BoardEmulator(binary: emulator, logPath: "\(work)/emulator\($0).log") }
        defer { boards.forEach { $0.stop() } }
        var arguments = ["run", "--db", work + "/warmline.sqlite", "--prompts", prompts, "--prompt-cache", work + "/prompt-cache",
                         "--alsa-config", work + "/alsa.conf", "--agent", "desk:201"] + (noSpeech ? ["--no-speech"] : [])
        for (index, board) in boards.enumerated() {
            arguments += ["--line", "\(index + 1):\(board.ptyPath):line\(index + 1)_in:line\(index + 1)_out"]
        }

        // A first start renders the prompts into the cache; the measured start finds them there.
        let warmUp = try ReadyWatcher(binary: binary, arguments: arguments, directory: work, name: "warm-up")
        let warmedUp = try warmUp.waitReady(seconds: 120) != nil
        warmUp.terminate()
        guard warmedUp else { throw ValidationError("warm-up run never became READY:\n\(warmUp.output)") }
        let child = try ReadyWatcher(binary: binary, arguments: arguments, directory: work, name: "measured")
        defer { child.terminate() }
        guard let readyMs = try child.waitReady(seconds: 60) else { throw ValidationError("run never became READY:\n\(child.output)") }
        // A ring while a board still has its line in bypass goes to the agent line, not to Warmline (with 16 lines on two
        // cores the boards took longer than the fixed 1.5 s the bench used to wait, and no call was answered): wait
        // until every board has given its line back.
        let claimMs = try Self.waitClaimed(boards, seconds: 30)
        print("warmline-bench unit: every board gave its line to Warmline \(Int(claimMs)) ms after READY")
        let idleRSS = child.memory().rssKB

        // Digit run: every caller presses the emergency digit; answer, FLASH and dial latencies come from these calls.
        // A caller's audio starts at the ring, and the unit answers when the first ring ends (2 s, then the count): at
        // 2.5 s the key raced the answer, and with 16 lines ringing one after another it was pressed before it on most
        // lines and never heard. 4 s puts it 1.5 s into the greeting on every line.
        let script = try CallerScript([.silence(ms: 4000), .dtmf("9"), .silence(ms: 9000)]).timeline()
        let callers = try Self.ring(boards, pulse: pulse, number: "+1555020", name: "Bench", timelines: boards.map { _ in script })
        var peak = MemoryPeak(child.memory())
        peak.watch(child, seconds: 1)
        let cpuPercent = peak.cpuPercent(child, seconds: 5)
        for caller in callers { _ = try? caller.wait() }
        peak.watch(child, seconds: 4)
        let digitTranscript = child.output
        // the hand-offs left callers with the agent: they hang up before the next run rings
        for board in boards { board.send("hangup") }
        let figures = TranscriptFigures(digitTranscript)

        // Spoken run (keyword spotting on): each caller presses a key the menu does not use, as a marker whose
        // onset the DTMF detector places exactly in line time, then says a sentence that ends on a distress phrase.
        // The phrase ends `markerToSpeechMs` + the clip's last loud sample after the marker's onset.
        var spoken = SpokenDistressFigures()
        if !noSpeech {
            let clips = try Self.distressSpeech(directory: work + "/distress-speech")
            let timelines = try boards.indices.map { index in
                try CallerScript([.silence(ms: 5000), .dtmf(Self.markerKey), .silence(ms: Self.markerToSpeechMs - 200),
                                  .speech(clips[index % clips.count].samples), .silence(ms: 6000)]).timeline()
            }
            _ = try? Self.waitClaimed(boards, seconds: 30)
            let start = child.output.count
            let speakers = try Self.ring(boards, pulse: pulse, number: "+1555040", name: "Speaker", timelines: timelines)
            for caller in speakers { _ = try? caller.wait() }
            // a caller who was not heard is still in the menu: end every call before the talking run rings again
            for board in boards { board.send("hangup") }
            peak.watch(child, seconds: 3)
            spoken = SpokenDistressFigures(String(child.output.dropFirst(start)),
                                           phrases: boards.indices.map { clips[$0 % clips.count].text },
                                           keywordEndAfterMarkerMs: boards.indices.map { index in
                                               Double(Self.markerToSpeechMs) + clips[index % clips.count].speechEndMs },
                                           marker: Self.markerKey)
        }
        let afterSpoken = child.output.count

        // Talking run: the greeting plays for about 2.5 s, then every caller talks (sentences with short
        // pauses) through the window: barge-in, the VAD and voice features, the keyword spotter (when on) and the menu's
        // timeout reprompt (cut again by the talking caller) run at once on every line.
        let speech = try await Self.callerSpeech(directory: work + "/caller-speech")
        // The first ring burst and caller ID take ~2.3 s before the answer.
        var talking: [CallerStep] = [.silence(ms: 5000)]
        var talkingMs = 5000
        while talkingMs < (talkSeconds + 5) * 1000 {
            for clip in speech {
                talking += [.speech(clip), .silence(ms: 700)]
                talkingMs += clip.count * 1000 / 8000 + 700
            }
        }
        let talkScript = try CallerScript(talking).timeline()
        _ = try? Self.waitClaimed(boards, seconds: 30)
        let talkers = try Self.ring(boards, pulse: pulse, number: "+1555030", name: "Talker", timelines: boards.map { _ in talkScript })
        var talkPeak = MemoryPeak(child.memory())
        talkPeak.watch(child, seconds: 3)  // ring, caller ID, answer
        let talkCPUPercent = talkPeak.cpuPercent(child, seconds: Double(talkSeconds))
        let talkTranscript = String(child.output.dropFirst(afterSpoken))
        for board in boards { board.send("hangup") }
        for caller in talkers { _ = try? caller.wait() }
        child.terminate()
        if let transcript { try child.output.write(toFile: transcript, atomically: true, encoding: .utf8) }

        print("warmline-bench unit: \(lines) lines, PulseAudio real-time path, firmware emulator boards, keyword spotting \(noSpeech ? "off" : "on")")
        func row(_ name: String, _ target: String, _ values: [Double], unit: String) {
            let shown = values.isEmpty ? "-" : values.map { String(format: "%.0f", $0) }.joined(separator: ", ") + " \(unit)"
            print("  \(name.padding(toLength: 46, withPad: " ", startingAt: 0)) \(target.padding(toLength: 10, withPad: " ", startingAt: 0)) \(shown)")
        }
        row("ring count reached -> OFF_HOOK acknowledged", "<= 100 ms", figures.offHookMs, unit: "ms")
        row("emergency digit onset -> FLASH acknowledged", "<= 50 ms", figures.digitToFlashMs, unit: "ms")
        if !noSpeech {
            row("distress phrase end -> FLASH acknowledged", "<= 50 ms", spoken.phraseEndToFlashMs, unit: "ms")
            row("  of which keyword hit -> FLASH acknowledged", "", spoken.hitToFlashMs, unit: "ms")
            for line in spoken.summary { print("    \(line)") }
        }
        row("hand-off decision -> agent dialled", "<= 1500 ms", figures.dialledMs, unit: "ms")
        row("process start -> READY", "<= 500 ms", [readyMs], unit: "ms")
        row("RSS, \(lines) lines idle / during calls", "<= 60 MB", [Double(idleRSS) / 1024, Double(peak.rssKB) / 1024], unit: "MB")
        row("  of which anonymous (heap, stacks)", "", [Double(peak.anonymousKB) / 1024], unit: "MB")
        row("CPU with \(lines) active lines (one core)", "<= 25 %", [cpuPercent], unit: "%")
        row("CPU with \(lines) talking callers (one core)", "<= 25 %", [talkCPUPercent], unit: "%")
        // the line process with its PocketSphinx decoders: issue 14's bound with the speech (DTMF alone: the 60 MB row above)
        row("RSS peak, \(lines) talking callers", noSpeech ? "<= 60 MB" : "<= 100 MB", [Double(talkPeak.rssKB) / 1024], unit: "MB")
        row("  of which anonymous (heap, stacks)", "", [Double(talkPeak.anonymousKB) / 1024], unit: "MB")
        row("  PSS at that peak (shared model pages once)", "", [Double(talkPeak.proportionalKB) / 1024], unit: "MB")
        if !noSpeech {
            row("recogniser worker CPU, talking callers", "", [talkPeak.childrenCPUPercent], unit: "%")
            row("line process + worker CPU (one core)", "<= 50 %", [talkCPUPercent + talkPeak.childrenCPUPercent], unit: "%")
            row("recogniser worker RSS peak", "", [Double(talkPeak.childrenKB) / 1024], unit: "MB")
            row("all of the unit's processes, RSS peak", "<= 1024 MB", [Double(talkPeak.totalKB) / 1024], unit: "MB")
            let second = talkTranscript.components(separatedBy: "\n").filter { $0.contains("second pass: not a request") || $0.contains("transcript:") || $0.contains("recogniser answered") }
            print("  (second pass in the talking calls: \(second.count) transcript decisions)")
        }
        let talkLines = talkTranscript.components(separatedBy: "\n")
        print("  (talking window \(talkSeconds) s from answer; in the talking calls: \(talkLines.filter { $0.contains(" play ") }.count) prompts played, "
              + "\(talkLines.filter { $0.contains("barge_in  by=speech") }.count) speech barge-ins, \(talkLines.filter { $0.contains("heard: \"") }.count) keywords heard)")
    }

    /// Waits (polling every 20 ms, up to `seconds`) until every board has its line on Warmline's side of the bypass
    /// relay; returns the milliseconds it took, or throws naming the lines still in bypass.
    static func waitClaimed(_ boards: [BoardEmulator], seconds: Double) throws -> Double {
        let start = MonotonicClock.seconds()
        while !boards.allSatisfy(\.lineIsWarmlines) {
            guard MonotonicClock.seconds() - start < seconds else {
                let held = boards.indices.filter { !boards[$0].lineIsWarmlines }.map { "L\($0 + 1)" }
                throw ValidationError("boards still in bypass after \(Int(seconds)) s: \(held.joined(separator: ", "))")
            }
            usleep(20_000)
        }
        return (MonotonicClock.seconds() - start) * 1000
    }

    /// Rings every board (caller ID `number` + line, name `name` + line) and starts its real-time caller on its timeline.
    static func ring(_ boards: [BoardEmulator], pulse: (Int) -> PulseAudioServer, number: String, name: String,
                     timelines: [CallerTimeline]) throws -> [RealTimeCaller] {
        try (1...boards.count).map { line in
            boards[line - 1].send("ring \(number)\(line) \"\(name) \(line)\"")
            let timeline = timelines[line - 1]
            return try RealTimeCaller(server: pulse(line), sink: "caller\(line)", source: "line\(line).monitor",
                                      timeline: timeline, totalFrames: timeline.samples.count)
        }
    }

    /// Lines per PulseAudio server (4 clients a line, 64 a server).
    static let linesPerServer = 8

    /// The spoken run's marker: a key the main menu has no option for (heard, refused as invalid, nothing else).
    static let markerKey = "5"
    /// From the marker's onset to the sentence's first sample (the key sounds 100 ms, then 100 ms of gap).
    static let markerToSpeechMs = 500

    /// Sentences ending on a distress phrase, in the demo callers' voice (flite slt, else espeak-ng), with the
    /// end of speech (last sample within 30 dB of the clip's peak, as in `warmline-bench speech`).
    static func distressSpeech(directory: String) throws -> [(text: String, samples: [Int16], speechEndMs: Double)] {
        let sentences = ["please help me", "call an ambulance", "this is an emergency", "call the police"]
        return try sentences.map { text in
            let samples = try CallerSpeech.render(text, directory: directory)
            return (text, samples, Double(LevelMeter.speechEndFrame(samples)) * 1000 / 8000)
        }
    }

    /// Caller sentences rendered with espeak-ng at the line rate; none holds a keyword, so the calls stay in the menu.
    static func callerSpeech(directory: String) async throws -> [[Int16]] {
        let sentences = [
            "I am calling from the station near the river, about the train that was late this morning.",
            "The weather was warm and the road was quiet, so I walked along the water for a while.",
            "My brother moved to a small town in the north last winter, and he likes it there.",
        ]
        let renderer = PromptRenderer(cacheDirectory: directory)
        let ids = sentences.indices.map { "caller\($0)" }
        _ = try await renderer.render(PromptCatalog(language: "en", prompts: Dictionary(uniqueKeysWithValues: zip(ids, sentences))))
        return try zip(ids, sentences).map { try WAVFile.read(path: renderer.path(language: "en", id: $0, text: $1)).samples }
    }
}

/// The highest RSS (with its anonymous part and its proportional set size) seen while sampling a child.
struct MemoryPeak {
    var rssKB: Int
    var anonymousKB: Int
    var proportionalKB: Int
    /// The highest RSS of the unit's other processes (the recogniser worker) and of all its processes together.
    var childrenKB = 0
    var totalKB = 0
    /// CPU of the other processes over the last `cpuPercent` window, in % of one core.
    var childrenCPUPercent = 0.0

    init(_ sample: (rssKB: Int, anonymousKB: Int, proportionalKB: Int)) {
        (rssKB, anonymousKB, proportionalKB) = sample
    }

    /// Samples every 100 ms for `seconds`.
    mutating func watch(_ child: ReadyWatcher, seconds: Double) {
        let start = MonotonicClock.seconds()
        while MonotonicClock.seconds() - start < seconds {
            usleep(100_000)
            let sample = child.memory()
            if sample.rssKB > rssKB { (rssKB, anonymousKB, proportionalKB) = sample }
            let children = child.childrenMemoryKB()
            childrenKB = max(childrenKB, children)
            totalKB = max(totalKB, sample.rssKB + children)
        }
    }

    /// The child's CPU use over the next `seconds`, in % of one core, sampling memory meanwhile.
    mutating func cpuPercent(_ child: ReadyWatcher, seconds: Double) -> Double {
        let cpuStart = child.cpuSeconds()
        let childrenStart = child.childrenCPUSeconds()
        let wallStart = MonotonicClock.seconds()
        watch(child, seconds: seconds)
        let wall = MonotonicClock.seconds() - wallStart
        childrenCPUPercent = (child.childrenCPUSeconds() - childrenStart) / wall * 100
        return (child.cpuSeconds() - cpuStart) / wall * 100
    }
}

/// Figures read back from a `warmline run` transcript.
struct TranscriptFigures {
    var offHookMs: [Double] = []
    var digitToFlashMs: [Double] = []
    var dialledMs: [Double] = []

    init(_ transcript: String) {
        var digitAt: [String: (frameMs: Double, onsetMs: Double)] = [:]
        var flashAt: [String: Double] = [:]
        for line in transcript.split(separator: "\n").map(String.init) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let lineName = fields.first else { continue }
            let callMs = fields.count > 1 ? Self.callMs(fields[1]) : nil
            if line.contains("board: OFF_HOOK acknowledged"), let ms = Self.number(before: " ms", in: line) { offHookMs.append(ms) }
            if line.contains("heard: key 9"), let callMs, let onset = Self.number(after: "tone onset ", in: line) {
                digitAt[lineName] = (callMs, onset)
            }
            if line.contains("FLASH 600 ms (caller on hold"), let callMs, flashAt[lineName] == nil { flashAt[lineName] = callMs }
            if line.contains("board: FLASH acknowledged"), let ack = Self.number(before: " ms", in: line),
               let digit = digitAt.removeValue(forKey: lineName), let flash = flashAt[lineName] {
                digitToFlashMs.append(digit.onsetMs + (flash - digit.frameMs) + ack)
            }
            if line.contains("hand-off timings"), let dialled = Self.number(after: "agent dialled ", in: line) { dialledMs.append(dialled) }
        }
    }

    static func callMs(_ stamp: String) -> Double? {
        let parts = stamp.split(separator: ":")
        guard parts.count == 2, let minutes = Double(parts[0]), let seconds = Double(parts[1]) else { return nil }
        return (minutes * 60 + seconds) * 1000
    }

    static func number(after marker: String, in line: String) -> Double? {
        guard let range = line.range(of: marker) else { return nil }
        return Double(line[range.upperBound...].prefix { $0.isNumber || $0 == "." || $0 == "-" })
    }

    static func number(before marker: String, in line: String) -> Double? {
        guard let range = line.range(of: marker) else { return nil }
        let head = line[..<range.lowerBound]
        return Double(String(head.reversed().prefix { $0.isNumber || $0 == "." }.reversed()))
    }
}

/// A `warmline run` child with a systemd notify socket: READY time, RSS and CPU from /proc.
final class ReadyWatcher {
    let process = Process()
    let socketFD: Int32
    let outputPath: String
    let started: Double

    init(binary: String, arguments: [String], directory: String, name: String) throws {
        let socketPath = "\(directory)/notify-\(name).sock"
        unlink(socketPath)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        socketFD = fd
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in Array(socketPath.utf8.prefix(107)).enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw ValidationError("cannot bind \(socketPath)") }
        outputPath = "\(directory)/\(name).out"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil) else {
            throw ValidationError("cannot create \(outputPath)")
        }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socketPath
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle.nullDevice
        started = MonotonicClock.seconds()
        try process.run()
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Milliseconds from spawn to READY=1, or nil after `seconds`.
    func waitReady(seconds: Double) throws -> Double? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while MonotonicClock.seconds() - started < seconds {
            var descriptor = pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else {
                if !process.isRunning { return nil }
                continue
            }
            let count = recv(socketFD, &buffer, buffer.count, 0)
            if count > 0, String(decoding: buffer[..<count], as: UTF8.self).contains("READY=1") {
                return (MonotonicClock.seconds() - started) * 1000
            }
        }
        return nil
    }

    /// Resident set and its anonymous part (heap, stacks), in kB; the rest is file pages (code and data of the binary
    /// and its libraries, mapped 64 kB around each touched page by the kernel's fault-around). PSS counts a page
    /// mapped twice once: each line's decoder maps the same model files, which RSS counts once per line.
    func memory() -> (rssKB: Int, anonymousKB: Int, proportionalKB: Int) {
        let rollup = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/smaps_rollup", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            let line = rollup.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return (field("Rss"), field("Anonymous"), field("Pss"))
    }

    /// The unit's own children (the recogniser worker), from /proc.
    func childPIDs() -> [Int32] {
        let parent = process.processIdentifier
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            // after the command name: state, then the parent's pid (the next field is the process group, which the unit
            // itself leads: counting by it counted the line process twice, as its own child)
            return pid != parent && fields.count > 1 && Int32(fields[1]) == parent
        }
    }

    /// RSS of the children together, in kB.
    func childrenMemoryKB() -> Int {
        childPIDs().reduce(0) { total, pid in
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
            return total + (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0)
        }
    }

    /// CPU seconds of the children: the live ones, and those the unit has reaped (its cutime and cstime).
    func childrenCPUSeconds() -> Double {
        func times(_ pid: Int32, from first: Int) -> Double {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
            guard fields.count > first + 1, let user = Double(fields[first]), let system = Double(fields[first + 1]) else { return 0 }
            return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
        }
        return times(process.processIdentifier, from: 13) + childPIDs().reduce(0) { $0 + times($1, from: 11) }
    }

    func cpuSeconds() -> Double {
        let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        // After the command name: state is field 3; utime and stime are fields 14 and 15.
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private var closed = false

    func terminate() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<500 where process.isRunning { usleep(10_000) }
        }
        // Never leave a run behind: it would hold the boards' ptys through the next measurement.
        if process.isRunning {
            print("warmline-bench unit: warmline run (pid \(process.processIdentifier)) ignored SIGTERM for 5 s; killed")
            kill(process.processIdentifier, SIGKILL)
            for _ in 0..<200 where process.isRunning { usleep(10_000) }
        }
        if !closed { close(socketFD) }
        closed = true
    }
}

/// The spoken run's figures, per line: what was said and heard, the phrase's end (from the marker key's onset) to
/// FLASH acknowledged, and the unit's own share of it (the hit's period to FLASH acknowledged).
struct SpokenDistressFigures {
    struct Line {
        var said: String
        var heard: String?
        var phraseEndToFlashMs: Double?
        var hitToFlashMs: Double?
    }
    var lines: [Line] = []

    var phraseEndToFlashMs: [Double] { lines.compactMap(\.phraseEndToFlashMs) }
    var hitToFlashMs: [Double] { lines.compactMap(\.hitToFlashMs) }

    init() {}

    init(_ transcript: String, phrases: [String], keywordEndAfterMarkerMs: [Double], marker: String) {
        lines = phrases.map { Line(said: $0) }
        var markerOnset: [Int: Double] = [:]
        var hitAt: [Int: Double] = [:]
        var flashAt: [Int: Double] = [:]
        for line in transcript.split(separator: "\n").map(String.init) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard let lineName = fields.first, let number = Int(lineName.dropFirst()), lines.indices.contains(number - 1),
                  fields.count > 1, let callMs = TranscriptFigures.callMs(fields[1]) else { continue }
            let index = number - 1
            if line.contains("heard: key \(marker)"), markerOnset[index] == nil,
               let before = TranscriptFigures.number(after: "tone onset ", in: line) {
                markerOnset[index] = callMs - before
            }
            if line.contains("heard: \""), hitAt[index] == nil, let quoted = line.split(separator: "\"").dropFirst().first {
                lines[index].heard = String(quoted)
                hitAt[index] = callMs
            }
            if line.contains("FLASH 600 ms (caller on hold"), flashAt[index] == nil { flashAt[index] = callMs }
            if line.contains("board: FLASH acknowledged"), lines[index].phraseEndToFlashMs == nil,
               let ack = TranscriptFigures.number(before: " ms", in: line),
               let onset = markerOnset[index], let flash = flashAt[index], let hit = hitAt[index] {
                lines[index].phraseEndToFlashMs = flash + ack - (onset + keywordEndAfterMarkerMs[index])
                lines[index].hitToFlashMs = max(0, flash - hit) + ack
            }
        }
    }

    /// One line per caller: said, heard, the figure.
    var summary: [String] {
        lines.enumerated().map { index, line in
            "L\(index + 1) said \"\(line.said)\": " + (line.heard.map { "heard '\($0)', " } ?? "not heard")
                + (line.phraseEndToFlashMs.map { String(format: "phrase end -> FLASH acknowledged %.0f ms", $0) } ?? "")
        }
    }
}
