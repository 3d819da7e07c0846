import Foundation
import WarmlineConfig
import WarmlineCore
import WarmlineDSP
import WarmlineText

/// Reads `warmline.yaml` into a `UnitConfig`: every key optional, every bad value reported as `file:line: reason`.
public struct UnitConfigLoader: Sendable {
    /// Where IANA time zones are looked up.
    public var zoneInfoDirectory: String

    /// Makes a loader that validates time zones against `zoneInfoDirectory`.
    public init(zoneInfoDirectory: String = "/usr/share/zoneinfo") {
        self.zoneInfoDirectory = zoneInfoDirectory
    }

    /// Reads and validates the file at `path`; throws every problem found.
    public func load(path: String = UnitConfig.defaultPath) throws(ConfigError) -> UnitConfig {
        try loadWithWarnings(path: path).config
    }

    /// Like `load`, with the warnings: valid settings that are dangerous on a live line (`file:line: reason`).
    public func loadWithWarnings(path: String = UnitConfig.defaultPath) throws(ConfigError) -> (config: UnitConfig, warnings: [ConfigProblem]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(problems: [ConfigProblem(file: path, line: 1,
                reason: "cannot read the config file (missing or not readable); `warmline install` writes the default one")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(problems: [ConfigProblem(file: path, line: 1, reason: "the file is not UTF-8 text")])
        }
        return try parseWithWarnings(text, file: path)
    }

    /// Largest config file read (the shipped one is ~5 KB): a bigger one is refused before it is parsed.
    public static let maximumFileBytes = 256 * 1024
    /// Most YAML nodes in a config (the shipped one has ~200).
    public static let maximumNodes = 5_000

    /// Validates YAML text; `file` names it in problems. An empty text gives the defaults.
    public func parse(_ text: String, file: String) throws(ConfigError) -> UnitConfig {
        try parseWithWarnings(text, file: file).config
    }

    /// Like `parse`, with the warnings (valid but dangerous settings), in file order.
    public func parseWithWarnings(_ text: String, file: String) throws(ConfigError) -> (config: UnitConfig, warnings: [ConfigProblem]) {
        var reader = ConfigReader(file: file)
        var config = UnitConfig()
        let root: YAMLNode?
        do throws(YAMLReadFailure) {
            root = try YAMLDocument.compose(text, maximumBytes: Self.maximumFileBytes, maximumNodes: Self.maximumNodes)
        } catch {
            throw ConfigError(problems: [Self.problem(error, file: file)])
        }
        if let root { read(root, into: &config, &reader) }
        config.call.framesPerSecond = config.sampleRate
        let warnings = ConfigWarnings.check(config, file: file, root: root)
        if !reader.problems.isEmpty {
            // Stable: problems on one line keep the order they were found in.
            let ordered = reader.problems.enumerated().sorted { ($0.element.line ?? 1, $0.offset) < ($1.element.line ?? 1, $1.offset) }
            throw ConfigError(problems: ordered.map(\.element))
        }
        return (config, warnings)
    }

    static let topKeys = ["country", "sample_rate", "tone_plan", "languages", "time_zone", "speech", "recognizer", "emergency_number",
                          "database", "control_socket", "retention_days", "prompts_dir", "prompt_cache_dir", "alsa_config", "lines", "call", "queue", "handoff", "day_pass",
                          "distress", "billing"]
    /// Keys with no default value: the default config shows them commented out.
    static let unsetByDefaultKeys = ["alsa_config"]
    static let billingKeys = ["url", "token_file", "timeout_ms", "retry_base_ms", "retry_max_ms", "interval_ms"]
    static let recognizerKeys = ["enabled", "model_dir", "library", "worker", "max_resident_mb", "max_cpu_percent"]
    static let lineKeys = ["number", "capture_device", "playback_device", "serial_device", "baud_rate", "answer_after_rings"]
    static let queueKeys = ["announce_every_ms", "retry_every_ms", "bypass_after_ms", "wait_per_caller_ms"]
    static let callKeys = ["speech_barge_in_ms", "silent_prompt_ms", "silent_handoff_ms", "person_bound_ms", "max_prompt_ms", "keyword_min_confidence",
                           "callback_within_minutes", "callback_confirm_digit", "callback_reply_ms"]
    static let handoffKeys = ["flash_ms", "dial_tone_wait_ms", "whisper_max_ms", "targets"]
    static let targetKeys = ["name", "dial", "ring_timeout_ms"]
    static let dayPassKeys = ["balance_threshold", "cooldown_days", "max_per_hour", "duration_hours", "fail_open_in_distress",
                              "distress_score", "confirm_digit", "decline_digit"]
    static let distressKeys = ["handoff_score", "key_mashing_window_ms", "baseline_ms", "baseline_min_samples",
                               "repeat_caller_window_minutes", "night_weight", "night_start_hour", "night_end_hour", "signals"]
    static let ruleKeys = ["weight", "threshold"]
    /// Signals configured as weight + threshold (night hours have their own keys).
    static var signalRules: [(DistressSignal, WritableKeyPath<DistressConfig, SignalRule>)] { [
        (.emergencyDigit, \.emergencyDigit), (.distressKeyword, \.distressKeyword), (.keyMashing, \.keyMashing),
        (.repeatedInvalid, \.repeatedInvalid), (.repeatedZero, \.repeatedZero), (.raisedVoice, \.raisedVoice),
        (.raisedPitch, \.raisedPitch), (.repeatCaller, \.repeatCaller), (.zeroBalance, \.zeroBalance),
    ] }
    static let msRange = 0...3_600_000
    static let positive = 1...Int.max

    private func read(_ root: YAMLNode, into config: inout UnitConfig, _ r: inout ConfigReader) {
        let top = r.entries(root, "", known: Self.topKeys)
        // The ALSA loop could run at 16 kHz, but the DTMF, voice-activity and call-progress detectors and the keyword
        // spotter take 8 kHz line audio only: any other rate would stop the unit at its first call.
        if let node = top["sample_rate"], let rate = r.int(node, "sample_rate", 1...Int.max) {
            if rate == 8000 { config.sampleRate = rate } else {
                r.fail(node.line, "'sample_rate' is \(rate); it must be 8000 (the DTMF, voice and call-progress detectors "
                    + "and the keyword spotter work on 8000 Hz line audio only; let ALSA resample, e.g. a plug PCM with rate 8000)")
            }
        }
        if let node = top["tone_plan"], let name = r.string(node, "tone_plan") {
            if TonePlan.named(name) != nil { config.tonePlan = name } else {
                let names = TonePlan.builtIn.map(\.name)
                let hint = ConfigReader.closest(to: name, in: names).map { "did you mean '\($0)'? " } ?? ""
                r.fail(node.line, "unknown tone plan '\(name)'; \(hint)known plans: \(names.joined(separator: ", "))")
            }
        }
        if let node = top["time_zone"], let zone = r.string(node, "time_zone") {
            if isKnownZone(zone) { config.timeZone = zone } else {
                r.fail(node.line, "unknown time zone '\(zone)' (not in \(zoneInfoDirectory)); use an IANA name such as Europe/Kyiv")
            }
        }
        if let node = top["speech"], let on = r.bool(node, "speech") { config.speechEnabled = on }
        if let node = top["recognizer"] { readRecognizer(node, into: &config.recognizer, &r) }
        if let node = top["emergency_number"], let number = r.dialString(node, "emergency_number") {
            // the greeting speaks it: a national emergency number is a few digits (112, 911, 999, 000, 1122)
            if (2...6).contains(number.count), number.allSatisfy(\.isNumber) { config.call.emergencyNumber = number } else {
                r.fail(node.line, "'emergency_number' must be the national emergency number, 2 to 6 digits (112, 911, 999), "
                    + "not \(ConfigReader.shown(number))")
            }
        }
        if let node = top["country"], let code = r.string(node, "country") {
            if let country = DialingCountry.named(code) { config.call.dayPass.country = country } else {
                r.fail(node.line, "unknown country \(ConfigReader.shown(code)); caller IDs are read as dialled there. Known: "
                    + DialingCountry.known.map(\.code).joined(separator: ", "))
            }
        }
        if let node = top["database"], let path = r.string(node, "database") { config.databasePath = path }
        if let node = top["control_socket"], let path = r.string(node, "control_socket") {
            if path.utf8.count < 108, path.hasPrefix("/") { config.controlSocketPath = path } else {
                r.fail(node.line, "control_socket \(ConfigReader.shown(path)) must be an absolute path shorter than 108 bytes "
                    + "(a Unix socket address), e.g. \"/run/warmline/control.sock\"")
            }
        }
        if let node = top["retention_days"], let days = r.int(node, "retention_days", Self.retentionRange) { config.retentionDays = days }
        if let node = top["prompts_dir"], let path = r.string(node, "prompts_dir") { config.promptsDirectory = path }
        if let node = top["prompt_cache_dir"], let path = r.string(node, "prompt_cache_dir") { config.promptCacheDirectory = path }
        if let node = top["alsa_config"], let path = r.string(node, "alsa_config") {
            config.alsaConfigPath = path
        }
        if let node = top["languages"] { readLanguages(node, into: &config, &r) }
        if let node = top["lines"] { readLines(node, into: &config, &r) }
        if let node = top["call"] { readCall(node, into: &config.call, &r) }
        if let node = top["queue"] { readQueue(node, into: &config.call.queue, &r) }
        if let node = top["handoff"] { readHandoff(node, into: &config.call.handoff, &r) }
        if let node = top["day_pass"] { readDayPass(node, into: &config.call.dayPass, &r) }
        if let node = top["distress"] { readDistress(node, into: &config.call.distress, &r) }
        if let node = top["billing"] { readBilling(node, into: &config.billing, &r) }
        checkRetention(config, top, &r)
    }

    /// Days caller data may be kept: at least one, at most ten years.
    static let retentionRange = 1...3650

    /// The purge must not hide a pass the day-pass cooldown still has to see.
    private func checkRetention(_ config: UnitConfig, _ top: [String: YAMLNode], _ r: inout ConfigReader) {
        let cooldown = config.call.dayPass.cooldownDays
        guard config.retentionDays < cooldown else { return }
        let retentionNode = top["retention_days"]
        let line = retentionNode?.line ?? top["day_pass"]?.mapping?["cooldown_days"]?.line ?? 1
        let setting = retentionNode == nil ? " (the default: the key is not set)" : ""
        r.fail(line, "retention_days is \(config.retentionDays)\(setting), shorter than day_pass.cooldown_days (\(cooldown)): "
            + "the purge would hide the passes the cooldown counts; keep caller data at least \(cooldown) days")
    }

    private func isKnownZone(_ zone: String) -> Bool {
        guard !zone.hasPrefix("/"), !zone.split(separator: "/").contains("..") else { return false }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: "\(zoneInfoDirectory)/\(zone)", isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }

    private func readLanguages(_ node: YAMLNode, into config: inout UnitConfig, _ r: inout ConfigReader) {
        guard let items = r.items(node, "languages") else { return }
        guard !items.isEmpty else { return r.fail(node.line, "'languages' is empty; name at least one (e.g. [en])") }
        var languages: [String] = []
        var promptsExist: ObjCBool = false
        // Languages are checked against the prompts only where the prompts are installed; doctor reports a missing prompts_dir.
        let checkPrompts = FileManager.default.fileExists(atPath: config.promptsDirectory, isDirectory: &promptsExist)
            && promptsExist.boolValue
        for (index, item) in items.enumerated() {
            guard let language = r.string(item, "languages[\(index)]") else { continue }
            if languages.contains(language) {
                r.fail(item.line, "language '\(language)' is listed twice")
            } else if checkPrompts && !FileManager.default.fileExists(atPath: "\(config.promptsDirectory)/\(language)") {
                r.fail(item.line, "unknown language '\(language)': no \(config.promptsDirectory)/\(language)")
            } else {
                languages.append(language)
            }
        }
        if languages.count == items.count { config.languages = languages }
    }

    private func readLines(_ node: YAMLNode, into config: inout UnitConfig, _ r: inout ConfigReader) {
        guard let items = r.items(node, "lines") else { return }
        guard !items.isEmpty else { return r.fail(node.line, "'lines' is empty; a unit serves at least one line") }
        var lines: [LineConfig] = []
        var seen: [String: (index: Int, line: Int)] = [:]  // "what=value" → first line using it, for duplicates
        for (index, item) in items.enumerated() {
            let path = "lines[\(index)]"
            var line = LineConfig()
            line.number = index + 1
            let keys = r.entries(item, path, known: Self.lineKeys)
            if let n = keys["number"], let v = r.int(n, "\(path).number", 1...64) { line.number = v }
            if let n = keys["capture_device"], let v = r.string(n, "\(path).capture_device") { line.captureDevice = v }
            if let n = keys["playback_device"], let v = r.string(n, "\(path).playback_device") { line.playbackDevice = v }
            if let n = keys["serial_device"], let v = r.string(n, "\(path).serial_device") { line.serialDevice = v }
            if let n = keys["baud_rate"], let v = r.int(n, "\(path).baud_rate", 1200...4_000_000) { line.baudRate = v }
            if let n = keys["answer_after_rings"], let v = r.int(n, "\(path).answer_after_rings", 1...20) { line.answerAfterRings = v }
            let checks: [(String, String, YAMLNode?)] = [
                ("number", String(line.number), keys["number"]),
                ("capture_device", line.captureDevice, keys["capture_device"]),
                ("playback_device", line.playbackDevice, keys["playback_device"]),
                ("serial_device", line.serialDevice, keys["serial_device"]),
            ]
            for (what, value, keyNode) in checks {
                let at = keyNode?.line ?? item.line
                if let first = seen["\(what)=\(value)"] {
                    let unset = keyNode == nil ? " (the default: the key is not set)" : ""
                    r.fail(at, "\(path).\(what) '\(value)'\(unset) is already used by lines[\(first.index)] (line \(first.line)); "
                        + "each line needs its own")
                } else {
                    seen["\(what)=\(value)"] = (index, at)
                }
            }
            lines.append(line)
        }
        config.lines = lines
    }

    private func readCall(_ node: YAMLNode, into call: inout CallConfig, _ r: inout ConfigReader) {
        let keys = r.entries(node, "call", known: Self.callKeys)
        if let n = keys["speech_barge_in_ms"], let v = r.int(n, "call.speech_barge_in_ms", Self.msRange) { call.speechBargeInMs = v }
        if let n = keys["person_bound_ms"], let v = r.int(n, "call.person_bound_ms", Self.msRange) { call.personBoundMs = v }
        if let n = keys["silent_prompt_ms"], let v = r.int(n, "call.silent_prompt_ms", 1000...30_000) { call.silentPromptMs = v }
        // The Silent Solution: an open line with no speech and no key goes to a person as urgent within 30 s.
        if let n = keys["silent_handoff_ms"], let v = r.int(n, "call.silent_handoff_ms", 5000...30_000) { call.silentHandoffMs = v }
        if let n = keys["max_prompt_ms"], let v = r.int(n, "call.max_prompt_ms", Self.msRange) { call.maxPromptMs = v }
        if let n = keys["keyword_min_confidence"], let v = r.double(n, "call.keyword_min_confidence", 0...1) {
            call.keywordMinConfidence = v
        }
        if let n = keys["callback_within_minutes"], let v = r.int(n, "call.callback_within_minutes", 1...10_080) {
            call.callbackWithinMinutes = v
        }
        if let n = keys["callback_confirm_digit"], let v = r.digit(n, "call.callback_confirm_digit") { call.callbackConfirmDigit = v }
        if let n = keys["callback_reply_ms"], let v = r.int(n, "call.callback_reply_ms", Self.msRange) { call.callbackReplyMs = v }
    }

    private func readRecognizer(_ node: YAMLNode, into recognizer: inout RecognizerConfig, _ r: inout ConfigReader) {
        let keys = r.entries(node, "recognizer", known: Self.recognizerKeys)
        if let n = keys["enabled"], let v = r.bool(n, "recognizer.enabled") { recognizer.enabled = v }
        if let n = keys["model_dir"], let v = r.string(n, "recognizer.model_dir") { recognizer.modelDirectory = v }
        if let n = keys["library"], let v = r.string(n, "recognizer.library") { recognizer.library = v }
        if let n = keys["worker"], let v = r.string(n, "recognizer.worker") { recognizer.workerPath = v }
        // below ~500 MB the model does not load at all; the worker is replaced when it passes this after an answer
        if let n = keys["max_resident_mb"], let v = r.int(n, "recognizer.max_resident_mb", 500...8000) { recognizer.maxResidentMB = v }
        if let n = keys["max_cpu_percent"], let v = r.int(n, "recognizer.max_cpu_percent", 0...100) { recognizer.maxCPUPercent = v }
    }

    private func readQueue(_ node: YAMLNode, into queue: inout QueueConfig, _ r: inout ConfigReader) {
        let keys = r.entries(node, "queue", known: Self.queueKeys)
        // A period of 0 would announce (or dial) in a loop: every period is at least a second.
        if let n = keys["announce_every_ms"], let v = r.int(n, "queue.announce_every_ms", 1000...600_000) { queue.announceEveryMs = v }
        if let n = keys["retry_every_ms"], let v = r.int(n, "queue.retry_every_ms", 1000...600_000) { queue.retryEveryMs = v }
        if let n = keys["bypass_after_ms"], let v = r.int(n, "queue.bypass_after_ms", 0...3_600_000) { queue.bypassAfterMs = v }
        if let n = keys["wait_per_caller_ms"], let v = r.int(n, "queue.wait_per_caller_ms", 1000...3_600_000) {
            queue.waitPerCallerMs = v
        }
    }

    private func readHandoff(_ node: YAMLNode, into handoff: inout HandoffConfig, _ r: inout ConfigReader) {
        let keys = r.entries(node, "handoff", known: Self.handoffKeys)
        if let n = keys["flash_ms"], let v = r.int(n, "handoff.flash_ms", 50...2000) { handoff.flashMs = v }
        if let n = keys["dial_tone_wait_ms"], let v = r.int(n, "handoff.dial_tone_wait_ms", Self.msRange) { handoff.dialToneWaitMs = v }
        if let n = keys["whisper_max_ms"], let v = r.int(n, "handoff.whisper_max_ms", Self.msRange) { handoff.whisperMaxMs = v }
        guard let list = keys["targets"], let items = r.items(list, "handoff.targets") else { return }
        var targets: [HandoffTarget] = []
        for (index, item) in items.enumerated() {
            let path = "handoff.targets[\(index)]"
            let fields = r.entries(item, path, known: Self.targetKeys)
            let name = fields["name"].flatMap { r.string($0, "\(path).name") } ?? "target \(index + 1)"
            guard let dialNode = fields["dial"] else {
                r.fail(item.line, "'\(path)' has no 'dial': give the digits to dial")
                continue
            }
            guard let dial = r.dialString(dialNode, "\(path).dial") else { continue }
            var target = HandoffTarget(name: name, dial: dial)
            if let n = fields["ring_timeout_ms"], let v = r.int(n, "\(path).ring_timeout_ms", Self.msRange) { target.ringTimeoutMs = v }
            targets.append(target)
        }
        handoff.targets = targets
    }

    private func readDayPass(_ node: YAMLNode, into policy: inout DayPassPolicy, _ r: inout ConfigReader) {
        let keys = r.entries(node, "day_pass", known: Self.dayPassKeys)
        if let n = keys["balance_threshold"], let v = r.int(n, "day_pass.balance_threshold", Int.min...Int.max) {
            policy.balanceThresholdMinorUnits = v
        }
        if let n = keys["cooldown_days"], let v = r.int(n, "day_pass.cooldown_days", 0...365) { policy.cooldownDays = v }
        if let n = keys["max_per_hour"], let v = r.int(n, "day_pass.max_per_hour", 1...1000) { policy.unitMaxPerHour = v }
        if let n = keys["duration_hours"], let v = r.int(n, "day_pass.duration_hours", 1...720) { policy.durationHours = v }
        if let n = keys["fail_open_in_distress"], let v = r.bool(n, "day_pass.fail_open_in_distress") { policy.failOpenInDistress = v }
        if let n = keys["distress_score"], let v = r.double(n, "day_pass.distress_score", 0...100) { policy.distressScore = v }
        if let n = keys["confirm_digit"], let v = r.digit(n, "day_pass.confirm_digit") { policy.confirmDigit = v }
        if let n = keys["decline_digit"], let v = r.digit(n, "day_pass.decline_digit") { policy.declineDigit = v }
        if policy.confirmDigit == policy.declineDigit, let n = keys["decline_digit"] ?? keys["confirm_digit"] {
            r.fail(n.line, "day_pass.confirm_digit and day_pass.decline_digit are both '\(policy.confirmDigit)'; they must differ")
        }
    }

    private func readDistress(_ node: YAMLNode, into distress: inout DistressConfig, _ r: inout ConfigReader) {
        let keys = r.entries(node, "distress", known: Self.distressKeys)
        if let n = keys["handoff_score"], let v = r.double(n, "distress.handoff_score", 0.01...100) { distress.handoffScore = v }
        if let n = keys["key_mashing_window_ms"], let v = r.int(n, "distress.key_mashing_window_ms", Self.msRange) {
            distress.keyMashingWindowMs = v
        }
        if let n = keys["baseline_ms"], let v = r.int(n, "distress.baseline_ms", Self.msRange) { distress.baselineMs = v }
        if let n = keys["baseline_min_samples"], let v = r.int(n, "distress.baseline_min_samples", 1...10_000) {
            distress.baselineMinSamples = v
        }
        if let n = keys["repeat_caller_window_minutes"], let v = r.int(n, "distress.repeat_caller_window_minutes", 1...10_080) {
            distress.repeatCallerWindowMinutes = v
        }
        if let n = keys["night_weight"], let v = r.double(n, "distress.night_weight", 0...100) { distress.nightWeight = v }
        if let n = keys["night_start_hour"], let v = r.int(n, "distress.night_start_hour", 0...23) { distress.nightStartHour = v }
        if let n = keys["night_end_hour"], let v = r.int(n, "distress.night_end_hour", 0...23) { distress.nightEndHour = v }
        guard let signalsNode = keys["signals"] else { return }
        let signals = r.entries(signalsNode, "distress.signals", known: Self.signalRules.map(\.0.rawValue))
        for (signal, keyPath) in Self.signalRules {
            guard let ruleNode = signals[signal.rawValue] else { continue }
            let path = "distress.signals.\(signal.rawValue)"
            let fields = r.entries(ruleNode, path, known: Self.ruleKeys)
            if let n = fields["weight"], let v = r.double(n, "\(path).weight", 0...100) { distress[keyPath: keyPath].weight = v }
            if let n = fields["threshold"], let v = r.double(n, "\(path).threshold", -1_000_000...1_000_000) {
                distress[keyPath: keyPath].threshold = v
            }
        }
    }

    private func readBilling(_ node: YAMLNode, into billing: inout BillingConfig, _ r: inout ConfigReader) {
        let keys = r.entries(node, "billing", known: Self.billingKeys)
        if let n = keys["url"], let v = r.string(n, "billing.url") {
            // the token goes with every request: https, or plain http only to this machine (a local relay, the tests)
            let parts = URLComponents(string: v)
            let scheme = parts?.scheme?.lowercased()
            let host = (parts?.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
            let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
            if scheme == "https" && !host.isEmpty || scheme == "http" && loopback { billing.url = v } else {
                r.fail(n.line, "'billing.url' \(ConfigReader.shown(v)) must be https://... (plain http only to 127.0.0.1, localhost or [::1])")
            }
        }
        if let n = keys["token_file"], let v = r.string(n, "billing.token_file") { billing.tokenFile = v }
        if let n = keys["timeout_ms"], let v = r.int(n, "billing.timeout_ms", 100...300_000) { billing.timeoutMs = v }
        if let n = keys["retry_base_ms"], let v = r.int(n, "billing.retry_base_ms", 10...3_600_000) { billing.retryBaseMs = v }
        if let n = keys["retry_max_ms"], let v = r.int(n, "billing.retry_max_ms", 10...86_400_000) { billing.retryMaxMs = v }
        if let n = keys["interval_ms"], let v = r.int(n, "billing.interval_ms", 100...86_400_000) { billing.intervalMs = v }
    }

    /// The refusal of a text the YAML reader would not parse, in the config's words.
    private static func problem(_ failure: YAMLReadFailure, file: String) -> ConfigProblem {
        switch failure {
        case .tooLarge(let bytes, let limit):
            ConfigProblem(file: file, line: 1, reason: "the file is \(bytes) bytes; a config is at most \(limit) bytes, nothing was read")
        case .tooManyNodes(let limit):
            ConfigProblem(file: file, line: 1, reason: "more than \(limit) YAML nodes; a config has a few hundred, nothing was read")
        case .syntax(let error):
            ConfigProblem(file: file, line: error.line, reason: "not valid YAML: \(error.problem)")
        }
    }
}
