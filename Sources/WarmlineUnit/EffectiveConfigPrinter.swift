import Foundation
import WarmlineCore

/// Writes a `UnitConfig` back as `warmline.yaml` text: every key, in the loader's layout.
public enum EffectiveConfigPrinter {
    /// The config as YAML; with `comments`, each key carries its one-line explanation (the shipped default file).
    public static func yaml(_ config: UnitConfig, comments: Bool = false) -> String {
        var out = Output(comments: comments)
        if comments {
            out.raw("# Warmline unit configuration (/etc/warmline/warmline.yaml).")
            out.raw("# Every key is optional; the values below are the defaults. Check edits with `warmline config check`.")
        }
        out.key("country", quoted(config.call.dayPass.country.code),
                "ISO code of the country: caller IDs and subscriber numbers are read as dialled there")
        out.key("sample_rate", config.sampleRate, "audio sample rate of every line: 8000 (the only rate the detectors take)")
        out.key("tone_plan", quoted(config.tonePlan), "call-progress tones of the network: us, uk, eu, tr, ua")
        out.key("languages", "[" + config.languages.map(quoted).joined(separator: ", ") + "]",
                "languages offered to callers, default first; each needs prompts_dir/<lang>")
        out.key("time_zone", quoted(config.timeZone), "IANA time zone for night hours and expiry read-back")
        out.key("speech", config.speechEnabled, "keyword spotting on (DTMF only when the model is missing)")
        out.key("recognizer", nil, "second pass: Moonshine base-en confirms spoken requests (PocketSphinx alone without it)")
        out.key("enabled", config.recognizer.enabled, "transcribe the first pass's candidates", indent: 1)
        if let directory = config.recognizer.modelDirectory {
            out.key("model_dir", quoted(directory), "model files and libraries", indent: 1)
        } else {
            out.raw("  # model_dir: \"/usr/lib/warmline/moonshine\"  # model files and libraries (unset: installed, else .cache/models)")
        }
        if let library = config.recognizer.library {
            out.key("library", quoted(library), "libmoonshine.so to load instead of the model directory's", indent: 1)
        } else {
            out.raw("  # library: \"/usr/lib/warmline/moonshine/libmoonshine.so\"  # another build, e.g. aarch64 (unset: model_dir's)")
        }
        if let worker = config.recognizer.workerPath {
            out.key("worker", quoted(worker), "the recogniser worker executable", indent: 1)
        } else {
            out.raw("  # worker: \"/usr/lib/warmline/warmline-recognizer\"  # the worker (unset: beside warmline, else installed)")
        }
        out.key("max_resident_mb", config.recognizer.maxResidentMB, "worker replaced above this resident memory", indent: 1)
        out.key("max_cpu_percent", config.recognizer.maxCPUPercent,
                "worker's share of one core; beyond it sentences go to PocketSphinx alone (0 = no limit)", indent: 1)
        out.key("emergency_number", quoted(config.call.emergencyNumber), "national emergency number the greeting names")
        out.key("database", quoted(config.databasePath), "SQLite file of calls, events and decisions")
        out.key("control_socket", quoted(config.controlSocketPath), "the running service answers `warmline status` here")
        out.key("retention_days", config.retentionDays, "caller numbers and names older than this become pseudonyms (daily purge)")
        out.key("prompts_dir", quoted(config.promptsDirectory), "menu.yaml and the per-language prompt texts")
        out.key("prompt_cache_dir", quoted(config.promptCacheDirectory), "rendered prompt audio")
        if let path = config.alsaConfigPath {
            out.key("alsa_config", quoted(path), "ALSA config laid over the system one for these devices")
        } else {
            out.raw("# alsa_config: \"/etc/warmline/asound.conf\"  # ALSA config laid over the system one (unset: none)")
        }
        out.key("lines", nil, "one entry per phone line (a 4-port board is 4 lines)")
        for line in config.lines {
            out.item("number", line.number, "line number as printed on the unit")
            out.key("capture_device", quoted(line.captureDevice), "ALSA capture device", indent: 2)
            out.key("playback_device", quoted(line.playbackDevice), "ALSA playback device", indent: 2)
            out.key("serial_device", quoted(line.serialDevice), "serial device of the line-interface board", indent: 2)
            out.key("baud_rate", line.baudRate, "serial speed (ignored by ptys)", indent: 2)
            out.key("answer_after_rings", line.answerAfterRings, "rings before answering", indent: 2)
        }
        let call = config.call
        out.key("call", nil, "call timing")
        out.key("speech_barge_in_ms", call.speechBargeInMs, "caller speech this long pauses a prompt (it restarts when they stop)",
                indent: 1)
        out.key("silent_prompt_ms", call.silentPromptMs, "no speech or key this long after the safety sentence: \"press 5 twice\"",
                indent: 1)
        out.key("silent_handoff_ms", call.silentHandoffMs, "no speech or key this long from the answer: urgent hand-off (<= 30000)",
                indent: 1)
        out.key("person_bound_ms", call.personBoundMs, "a caller still in the menu after this long goes to a person", indent: 1)
        out.key("max_prompt_ms", call.maxPromptMs, "a prompt never reported finished counts as done after this", indent: 1)
        out.key("keyword_min_confidence", call.keywordMinConfidence, "keyword hits below this are logged and ignored", indent: 1)
        out.key("callback_within_minutes", call.callbackWithinMinutes, "callback promise spoken to the caller", indent: 1)
        out.key("callback_confirm_digit", quoted(String(call.callbackConfirmDigit)), "key that accepts the callback offer",
                indent: 1)
        out.key("callback_reply_ms", call.callbackReplyMs, "wait this long for that key before recording the callback",
                indent: 1)
        let handoff = call.handoff
        out.key("queue", nil, "a caller who asked for a person waits here when every target failed; never hung up on")
        out.key("announce_every_ms", call.queue.announceEveryMs, "position and wait announced about this often", indent: 1)
        out.key("retry_every_ms", call.queue.retryEveryMs, "the targets are tried again this often", indent: 1)
        out.key("bypass_after_ms", call.queue.bypassAfterMs, "then the line goes to the bypass relay (agent line)", indent: 1)
        out.key("wait_per_caller_ms", call.queue.waitPerCallerMs, "estimated wait per caller, for the announcement", indent: 1)
        out.key("handoff", nil, "warm transfer to a person")
        out.key("flash_ms", handoff.flashMs, "hook-flash length", indent: 1)
        out.key("dial_tone_wait_ms", handoff.dialToneWaitMs, "wait for dial tone after the flash", indent: 1)
        out.key("whisper_max_ms", handoff.whisperMaxMs, "longest whisper to the agent", indent: 1)
        if handoff.targets.isEmpty {
            out.key("targets", "[]", "agents tried in order, e.g. [{name: \"desk\", dial: \"201\", ring_timeout_ms: 20000}]",
                    indent: 1)
        } else {
            out.key("targets", nil, "agents tried in order", indent: 1)
            for target in handoff.targets {
                out.item("name", quoted(target.name), "name for the logs", indent: 2)
                out.key("dial", quoted(target.dial), "digits to dial (, = pause)", indent: 3)
                out.key("ring_timeout_ms", target.ringTimeoutMs, "give up on this target after ringing this long", indent: 3)
            }
        }
        let pass = call.dayPass
        out.key("day_pass", nil, "emergency day pass for subscribers with no balance")
        out.key("balance_threshold", pass.balanceThresholdMinorUnits, "eligible at or below this balance (minor units)",
                indent: 1)
        out.key("cooldown_days", pass.cooldownDays, "at most one pass per subscriber in this many days (one open at a time)",
                indent: 1)
        out.key("max_per_hour", pass.unitMaxPerHour, "at most this many passes granted by the whole unit in any hour", indent: 1)
        out.key("duration_hours", pass.durationHours, "how long a pass lasts", indent: 1)
        out.key("fail_open_in_distress", pass.failOpenInDistress,
                "balance unknown and caller in distress: a provisional pass and an urgent hand-off", indent: 1)
        out.key("distress_score", pass.distressScore, "spoken distress score (words, voice; never keys) for that provisional pass",
                indent: 1)
        out.key("confirm_digit", quoted(String(pass.confirmDigit)), "key that takes the pass", indent: 1)
        out.key("decline_digit", quoted(String(pass.declineDigit)), "key that declines it", indent: 1)
        let distress = call.distress
        out.key("distress", nil, "distress score: signals add their weight when they reach their threshold")
        out.key("handoff_score", distress.handoffScore, "hand off at once at or above this score", indent: 1)
        out.key("key_mashing_window_ms", distress.keyMashingWindowMs, "window for key mashing", indent: 1)
        out.key("baseline_ms", distress.baselineMs, "the caller's own voice baseline is taken over this long", indent: 1)
        out.key("baseline_min_samples", distress.baselineMinSamples, "voiced samples needed before the baseline counts", indent: 1)
        out.key("repeat_caller_window_minutes", distress.repeatCallerWindowMinutes, "window for repeat calls", indent: 1)
        out.key("night_weight", distress.nightWeight, "weight of a call in night hours", indent: 1)
        out.key("night_start_hour", distress.nightStartHour, "night starts at this local hour", indent: 1)
        out.key("night_end_hour", distress.nightEndHour, "night ends at this local hour", indent: 1)
        out.key("signals", nil, "weight and threshold per signal", indent: 1)
        for (signal, keyPath) in UnitConfigLoader.signalRules {
            let rule = distress[keyPath: keyPath]
            out.key(signal.rawValue, "{weight: \(rule.weight), threshold: \(rule.threshold)}", signalHelp[signal] ?? "",
                    indent: 2)
        }
        let billing = config.billing
        out.key("billing", nil, "day passes reported to billing; a pass is active once billing acknowledged it")
        if let url = billing.url {
            out.key("url", quoted(url), "endpoint each outbox entry is POSTed to", indent: 1)
        } else {
            out.raw("  # url: \"https://billing.example/daypass\"  # endpoint (https; unset: no sync, `passes outbox --mark-sent`)")
        }
        if let file = billing.tokenFile {
            out.key("token_file", quoted(file), "bearer token, one line", indent: 1)
        } else {
            out.raw("  # token_file: \"/etc/warmline/billing.token\"  # bearer token, one line (unset: none sent)")
        }
        out.key("timeout_ms", billing.timeoutMs, "no answer this long: the attempt failed", indent: 1)
        out.key("retry_base_ms", billing.retryBaseMs, "first retry after this long, doubling each time", indent: 1)
        out.key("retry_max_ms", billing.retryMaxMs, "longest wait between retries", indent: 1)
        out.key("interval_ms", billing.intervalMs, "the running unit syncs at least this often", indent: 1)
        return out.text
    }

    static let signalHelp: [DistressSignal: String] = [
        .emergencyDigit: "presses of the emergency key",
        .distressKeyword: "confidence of a spoken distress word",
        .keyMashing: "keys within key_mashing_window_ms",
        .repeatedInvalid: "invalid inputs in the call",
        .repeatedZero: "presses of the person key",
        .raisedVoice: "dB louder than the caller's baseline",
        .raisedPitch: "pitch over the caller's baseline, as a ratio",
        .repeatCaller: "earlier calls within repeat_caller_window_minutes",
        .zeroBalance: "known balance at or below this",
    ]

    /// A double-quoted YAML string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private struct Output {
        let comments: Bool
        var text = ""
        static let commentColumn = 52

        mutating func raw(_ line: String) { text += line + "\n" }

        mutating func key(_ key: String, _ value: CustomStringConvertible?, _ help: String, indent: Int = 0) {
            emit(String(repeating: "  ", count: indent) + key + ":" + (value.map { " \($0)" } ?? ""), help)
        }

        /// The first key of a list item (`- key: value`).
        mutating func item(_ key: String, _ value: CustomStringConvertible, _ help: String, indent: Int = 1) {
            emit(String(repeating: "  ", count: indent - 1) + "  - " + key + ": \(value)", help)
        }

        private mutating func emit(_ line: String, _ help: String) {
            guard comments, !help.isEmpty else { return raw(line) }
            let padding = max(1, Self.commentColumn - line.count)
            raw(line + String(repeating: " ", count: padding) + "# " + help)
        }
    }
}
