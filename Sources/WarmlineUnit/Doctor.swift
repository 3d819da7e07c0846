import Foundation
import Logging
import WarmlineAudio
import WarmlineBoard
import WarmlineSpeech

/// The technician's self-test: checks every part the unit needs and says how to fix what fails.
public struct Doctor {
    /// The validated config to check against.
    public var config: UnitConfig
    /// The config file's path (for the report).
    public var configPath: String
    /// ALSA configuration laid over the system's (test benches and the demo); nil uses the system's.
    public var alsaOverlay: ALSAConfigOverlay?
    /// Where IANA time zones are looked up.
    public var zoneInfoDirectory = "/usr/share/zoneinfo"
    /// The PocketSphinx acoustic model keyword spotting needs.
    public var keywordModelPath = "/usr/share/pocketsphinx/model/en-us/en-us"
    /// Less free space than this on the database's filesystem fails the disk check.
    public var minimumFreeBytes: Int64 = 200 * 1024 * 1024
    /// How long the board may take to take the line back after bypass is released.
    public var bypassReleaseWaitMs = 3000
    /// The dial test counts call progress the board reports (the emulator's network does); off, it hears the tones on
    /// the capture device alone.
    public var progressFromBoard = true
    /// The clock must read at least this year.
    public var minimumYear = 2024
    /// The wall clock (a parameter so tests can set it).
    public var now: @Sendable () -> Date = { Date() }

    /// Makes a doctor for a loaded config.
    public init(config: UnitConfig, configPath: String, alsaOverlay: ALSAConfigOverlay? = nil) {
        self.config = config
        self.configPath = configPath
        self.alsaOverlay = alsaOverlay
    }

    /// Runs every check in order: per line audio, loopback, board link, bypass; then database, disk, prompts, speech, clock.
    public func run() async -> DoctorReport {
        var checks: [DoctorCheck] = []
        // A running service holds the ports: ask it (Doctor+Service.swift) instead of opening them.
        let service = await runningService()
        for line in config.lines {
            if let service {
                checks += serviceLineChecks(line, service: service)
                continue
            }
            checks.append(audioCheck(line, .capture))
            checks.append(audioCheck(line, .playback))
            checks += await boardChecks(line)
        }
        checks.append(databaseCheck())
        checks.append(diskCheck())
        checks += config.languages.map(promptCheck)
        checks.append(keywordSpottingCheck())
        checks.append(handoffCheck())
        checks.append(clockCheck())
        return DoctorReport(configPath: configPath, checks: checks)
    }

    // MARK: Audio

    func audioCheck(_ line: LineConfig, _ direction: AudioDirection) -> DoctorCheck {
        let device = direction == .capture ? line.captureDevice : line.playbackDevice
        let name = "line \(line.number) ALSA \(direction.rawValue) \(device)"
        let asked = AudioFormat(sampleRate: config.sampleRate)
        do {
            let pcm = try ALSAPCM(device: device, direction: direction, asked: asked, config: alsaOverlay)
            guard pcm.format.sampleRate == config.sampleRate else {
                return .fail(name, "opened, but at \(pcm.format.sampleRate) Hz instead of \(config.sampleRate) Hz",
                             fix: "use a device that runs at \(config.sampleRate) Hz (a plug PCM with rate \(config.sampleRate), "
                                + "see /etc/warmline/asound-example.conf); the detectors take \(config.sampleRate) Hz only")
            }
            return .ok(name, "opened at \(pcm.format)")
        } catch {
            let key = direction == .capture ? "capture_device" : "playback_device"
            return .fail(name, "\(error)",
                         fix: "check \(key) of line \(line.number) in the config (`\(direction == .capture ? "arecord" : "aplay") -L` "
                            + "lists devices), that the board's codec is plugged in, and that the service user is in group audio")
        }
    }

    // MARK: Board

    /// Connects to `line`'s board and returns the link (the caller closes it) with its HELLO; on failure the link is
    /// closed and the error thrown. The link's connect and relay notices would interleave with the report: only
    /// warnings go to the log.
    func connectQuietly(_ line: LineConfig, label: String) async throws -> (BoardLink, BoardInfo) {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let link = BoardLink(config: line.boardConfig, logger: logger)
        do {
            return (link, try await link.connect())
        } catch {
            link.close()
            throw error
        }
    }

    func boardChecks(_ line: LineConfig) async -> [DoctorCheck] {
        let linkName = "line \(line.number) board link \(line.serialDevice)"
        let loopbackName = "line \(line.number) test tone loopback"
        let bypassName = "line \(line.number) bypass relay"
        let link: BoardLink, info: BoardInfo
        do {
            (link, info) = try await connectQuietly(line, label: "warmline.doctor.board")
        } catch {
            let unreachable = "board not reachable (see the board link check)"
            return [
                .fail(linkName, "\(error)",
                      fix: "check serial_device of line \(line.number) in the config (`ls -l /dev/serial/by-id/`), the USB/serial "
                        + "cable and the board's power, that no other warmline holds the port (`systemctl stop warmline`), "
                        + "and that the service user is in group dialout"),
                .skip(loopbackName, unreachable),
                .skip(bypassName, unreachable),
            ]
        }
        defer { link.close() }
        let versions = "HELLO: protocol \(info.protocolVersion), firmware \(info.firmwareVersion)"
        return [
            .ok(linkName, versions),
            // The wire protocol has no audio loopback command; say so rather than pretend.
            .skip(loopbackName, "board firmware \(info.firmwareVersion) (protocol \(info.protocolVersion)) has no audio loopback; "
                  + "place a test call to hear the audio path"),
            await bypassCheck(link, name: bypassName, restore: info.bypassEngaged),
        ]
    }

    func bypassCheck(_ link: BoardLink, name: String, restore: Bool) async -> DoctorCheck {
        do {
            // The board takes the line back only with heartbeats flowing and the line idle.
            link.setHeartbeatTimer(enabled: true)
            try await link.setBypass(true)
            let engaged = try await link.status().bypassEngaged
            try await link.setBypass(false)
            var released = try await link.status().bypassEngaged
            let deadline = ContinuousClock.now + .milliseconds(bypassReleaseWaitMs)
            while released && ContinuousClock.now < deadline {
                // A heartbeat of our own each round: on a loaded machine the timer's may come late, the board's
                // watchdog then counts the host as silent, and a silent host is not given the line back.
                link.heartbeat()
                try await Task.sleep(for: .milliseconds(20))
                released = try await link.status().bypassEngaged
            }
            try await link.setBypass(restore)
            guard engaged, !released else {
                return .fail(name, "asked bypass on then off, board reported \(engaged ? "on" : "off") then \(released ? "on" : "off") "
                             + "after \(bypassReleaseWaitMs) ms",
                             fix: "the board takes the line back only when the line is idle: hang up any call on it and run "
                                + "`warmline doctor` again; if it still fails, check the bypass relay on the board "
                                + "(the line stays with the human agent line until it is repaired)")
            }
            return .ok(name, "toggled on and off, read back from the board; left \(restore ? "on (bypass)" : "off")")
        } catch {
            return .fail(name, "\(error)", fix: "check the board's power and firmware; run `warmline doctor` again, "
                         + "and replace the board if the relay keeps failing")
        }
    }

    // MARK: Files and clock

    func promptCheck(_ language: String) -> DoctorCheck {
        let name = "prompts \(language)"
        let renderCommand = "run `warmline prompts render --prompts \(config.promptsDirectory) --cache \(config.promptCacheDirectory) "
            + "--lang \(language) --rate \(config.sampleRate)`"
        var settings = PromptRenderSettings()
        settings.sampleRate = config.sampleRate
        let library: PromptLibrary
        do {
            library = try PromptLibrary(root: config.promptsDirectory, languages: [language],
                                        cacheDirectory: config.promptCacheDirectory, settings: settings)
        } catch let error as RecordedPromptError {
            return .fail(name, error.problems.joined(separator: "; "),
                         fix: "convert or remove the recordings named, then run `warmline doctor` again")
        } catch {
            return .fail(name, "\(error)", fix: "install the prompts under prompts_dir (\(config.promptsDirectory)) "
                         + "or correct prompts_dir in the config")
        }
        let renderer = library.renderer
        let recorded = library.recordings[language] ?? [:]
        do {
            let texts = try library.catalogs[language]?.renderTexts().filter { recorded[$0.id] == nil } ?? []
            var bad: [String] = []
            for (id, text) in texts where (try? renderer.verify(path: renderer.path(language: language, id: id, text: text))) == nil {
                bad.append(id)
            }
            guard bad.isEmpty else {
                let sample = bad.sorted().prefix(3).joined(separator: ", ") + (bad.count > 3 ? ", ..." : "")
                return .fail(name, "\(bad.count) of \(texts.count) prompt files missing or bad (\(sample))", fix: renderCommand)
            }
            let recordedNote = recorded.isEmpty ? "" : ", \(recorded.count) recorded"
            return .ok(name, "\(texts.count) prompt files rendered and verified at \(config.sampleRate) Hz\(recordedNote)")
        } catch {
            return .fail(name, "\(error)", fix: "correct the prompt text file, then \(renderCommand)")
        }
    }

    /// Who a caller who asks for a person reaches: the targets, or with none the bypass relay alone (said plainly).
    func handoffCheck() -> DoctorCheck {
        let name = "hand-off targets"
        let targets = config.call.handoff.targets
        let queue = config.call.queue
        guard !targets.isEmpty else {
            return .fail(name, "none configured: a caller who asks for a person or is in distress would go straight to the "
                + "bypass relay (the agent line), with no whisper and no queue",
                fix: "add handoff.targets to \(configPath) (name and the extension to dial, e.g. `- {name: desk, dial: \"201\"}`), "
                    + "then `warmline doctor --dial-test 1` dials the first one")
        }
        return .ok(name, targets.map { "\($0.name) (\($0.dial))" }.joined(separator: ", ")
            + "; when all fail the caller waits in the queue, then goes to the bypass relay after \(queue.bypassAfterMs / 1000) s")
    }

    func keywordSpottingCheck() -> DoctorCheck {
        let name = "keyword spotting"
        guard config.speechEnabled else { return .skip(name, "speech is off in the config (DTMF only)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: keywordModelPath, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .fail(name, "acoustic model \(keywordModelPath) is missing",
                         fix: "apt-get install pocketsphinx-en-us, or set `speech: false` to run DTMF only")
        }
        let keywordFiles = config.languages.map { "\(config.promptsDirectory)/\($0)/keywords.yaml" }
            .filter { FileManager.default.fileExists(atPath: $0) }
        // a keywords file that is there but does not parse silently turns spoken distress off: that is a failure
        let broken = zip(config.languages, config.languages.map { "\(config.promptsDirectory)/\($0)/keywords.yaml" })
            .map { SpeechStatus.check(keywordsFile: $1, language: $0).status }.filter(\.isBroken)
        if !broken.isEmpty {
            return .fail(name, broken.map(\.description).joined(separator: "; "),
                         fix: "fix the file (`warmline speech check` names the line), or set `speech: false` to run DTMF only")
        }
        let files = keywordFiles.isEmpty ? "no keywords.yaml (built-in keywords)" : keywordFiles.joined(separator: ", ")
        // the recogniser is optional: without it the first pass decides alone at its tuned cuts
        let settings = config.recognizer
        let recognizer: String
        if !settings.enabled {
            recognizer = "recogniser off in the config: PocketSphinx alone"
        } else {
            let model = RecognizerModel(directory: settings.modelDirectory ?? RecognizerModel.locate().directory, library: settings.library)
            let worker = settings.workerPath ?? Recognizer.defaultWorkerPath()
            do {
                try model.validateFiles()
                recognizer = FileManager.default.isExecutableFile(atPath: worker)
                    ? "recogniser Moonshine base-en in \(model.directory), \(model.decoderSummary), library \(model.libraryPath), worker \(worker) "
                        + "(`warmline speech check` loads it)"
                    : "no recogniser, PocketSphinx alone: worker \(worker) missing (install it with `warmline install`)"
            } catch {
                recognizer = "no recogniser, PocketSphinx alone: \(error)"
            }
        }
        return .ok(name, "model \(keywordModelPath); \(files); \(recognizer)")
    }

    func clockCheck() -> DoctorCheck {
        let name = "clock and time zone"
        let date = now()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let year = calendar.component(.year, from: date)
        guard year >= minimumYear else {
            return .fail(name, "the clock reads year \(year)",
                         fix: "set the clock: `timedatectl set-ntp true` (or `date -s` and `hwclock -w` without network); "
                            + "day-pass expiry and night hours depend on it")
        }
        var isDirectory: ObjCBool = false
        let zonePath = "\(zoneInfoDirectory)/\(config.timeZone)"
        guard FileManager.default.fileExists(atPath: zonePath, isDirectory: &isDirectory), !isDirectory.boolValue,
              let zone = TimeZone(identifier: config.timeZone) else {
            return .fail(name, "time zone '\(config.timeZone)' is not in \(zoneInfoDirectory)",
                         fix: "apt-get install tzdata, or set time_zone to an IANA name such as Europe/Kyiv")
        }
        let offsets: String
        do {
            offsets = try ZoneInfo.load(config.timeZone, directory: zoneInfoDirectory)
                .summary(atSecondsSinceEpoch: Int64(date.timeIntervalSince1970.rounded(.down)))
        } catch {
            return .fail(name, "\(error)", fix: "apt-get install --reinstall tzdata, or set time_zone to another IANA name")
        }
        let formatter = DateFormatter()
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss zzz"
        return .ok(name, "\(formatter.string(from: date)) (\(config.timeZone), \(offsets))")
    }
}
