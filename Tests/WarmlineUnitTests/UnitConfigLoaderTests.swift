import Foundation
import Testing
import WarmlineCore
@testable import WarmlineUnit

@Suite("UnitConfigLoader")
struct UnitConfigLoaderTests {
    let loader = UnitConfigLoader()

    func problems(_ yaml: String) -> [ConfigProblem] {
        do {
            _ = try loader.parse(yaml, file: "w.yaml")
            return []
        } catch {
            return error.problems
        }
    }

    @Test("a queue announcement period of 0 or less, or a silent hand-off later than 30 s, is refused with its line")
    func queueAndSilentLimits() {
        let found = problems("""
        call:
          silent_handoff_ms: 45000
        queue:
          announce_every_ms: 0
          retry_every_ms: -5
        """).map(\.description)
        #expect(found.count == 3)
        #expect(found[0].hasPrefix("w.yaml:2: 'call.silent_handoff_ms'"))
        #expect(found[1].hasPrefix("w.yaml:4: 'queue.announce_every_ms'"))
        #expect(found[2].hasPrefix("w.yaml:5: 'queue.retry_every_ms'"))
    }

    @Test("the queue and the silent-caller timers are read into the call config")
    func queueRead() throws {
        let config = try loader.parse("queue: {announce_every_ms: 20000, bypass_after_ms: 120000}\ncall: {silent_handoff_ms: 20000}\n",
                                      file: "w.yaml")
        #expect(config.call.queue.announceEveryMs == 20_000)
        #expect(config.call.queue.bypassAfterMs == 120_000)
        #expect(config.call.silentHandoffMs == 20_000)
    }

    @Test("an empty file gives the shipped defaults")
    func emptyIsDefaults() throws {
        #expect(try loader.parse("", file: "w.yaml") == UnitConfig())
    }

    @Test("every section is read into the model, with the line sample rate driving the engine's frame rate")
    func readsEverySection() throws {
        let yaml = """
        sample_rate: 8000
        tone_plan: us
        languages: [en, uk]
        time_zone: Europe/Kyiv
        speech: off
        emergency_number: "911"
        database: /tmp/w.sqlite
        prompts_dir: \(checkoutRoot)/Prompts
        prompt_cache_dir: /tmp/cache
        alsa_config: /etc/warmline/asound.conf
        lines:
          - number: 3
            capture_device: hw:1
            playback_device: hw:1
            serial_device: /dev/ttyUSB1
            answer_after_rings: 3
          - capture_device: hw:2
            playback_device: hw:2
            serial_device: /dev/ttyUSB2
        call:
          person_bound_ms: 45000
          keyword_min_confidence: 0.7
        handoff:
          flash_ms: 300
          targets:
            - name: night desk
              dial: "201"
              ring_timeout_ms: 15000
            - dial: "0,555"
        day_pass:
          cooldown_days: 3
          confirm_digit: "9"
        distress:
          handoff_score: 1.5
          signals:
            key_mashing: {weight: 0.8, threshold: 6}
        """
        let config = try loader.parse(yaml, file: "w.yaml")
        #expect(config.sampleRate == 8000 && config.call.framesPerSecond == 8000)
        #expect(config.tonePlan == "us" && config.resolvedTonePlan?.name == "us")
        #expect(config.languages == ["en", "uk"])
        #expect(config.timeZone == "Europe/Kyiv")
        #expect(config.speechEnabled == false)
        #expect(config.call.emergencyNumber == "911")
        #expect(config.databasePath == "/tmp/w.sqlite" && config.promptCacheDirectory == "/tmp/cache")
        #expect(config.alsaConfigPath == "/etc/warmline/asound.conf")
        #expect(config.lines.map(\.number) == [3, 2])
        #expect(config.lines[0].answerAfterRings == 3 && config.lines[0].serialDevice == "/dev/ttyUSB1")
        #expect(config.lines[1].captureDevice == "hw:2" && config.lines[1].answerAfterRings == 1)
        #expect(config.call.personBoundMs == 45000 && config.call.keywordMinConfidence == 0.7)
        #expect(config.call.handoff.flashMs == 300)
        #expect(config.call.handoff.targets == [HandoffTarget(name: "night desk", dial: "201", ringTimeoutMs: 15000),
                                                HandoffTarget(name: "target 2", dial: "0,555")])
        #expect(config.call.dayPass.cooldownDays == 3 && config.call.dayPass.confirmDigit == "9")
        #expect(config.call.distress.handoffScore == 1.5)
        #expect(config.call.distress.keyMashing == SignalRule(weight: 0.8, threshold: 6))
    }

    @Test("a line without a number takes its position; two lines with one number are refused")
    func lineNumbers() throws {
        let config = try loader.parse("""
        lines:
          - {capture_device: a, playback_device: a, serial_device: /dev/a}
          - {capture_device: b, playback_device: b, serial_device: /dev/b}
        """, file: "w.yaml")
        #expect(config.lines.map(\.number) == [1, 2])
        let found = problems("""
        lines:
          - {number: 1, capture_device: a, playback_device: a, serial_device: /dev/a}
          - {number: 1, capture_device: b, playback_device: b, serial_device: /dev/b}
        """)
        #expect(found.map(\.description) == [
            "w.yaml:3: lines[1].number '1' is already used by lines[0] (line 2); each line needs its own",
        ])
    }

    @Test("two lines on one ALSA device or one serial device are refused at the second line")
    func duplicateDevices() {
        let found = problems("""
        lines:
          - number: 1
            capture_device: hw:0
            playback_device: hw:0
            serial_device: /dev/ttyACM0
          - number: 2
            capture_device: hw:0
            playback_device: hw:1
            serial_device: /dev/ttyACM0
        """)
        #expect(found.map(\.line) == [7, 9])
        #expect(found.first?.reason.contains("capture_device 'hw:0' is already used by lines[0] (line 3)") == true)
        #expect(found.last?.reason.contains("serial_device '/dev/ttyACM0'") == true)
    }

    @Test("two lines left on the default device are refused, saying the key is not set")
    func duplicateDefaults() {
        let found = problems("""
        lines:
          - {number: 1, serial_device: /dev/a}
          - {number: 2, serial_device: /dev/b}
        """)
        #expect(found.map(\.description) == [
            "w.yaml:3: lines[1].capture_device 'default' (the default: the key is not set) is already used by lines[0] (line 2); each line needs its own",
            "w.yaml:3: lines[1].playback_device 'default' (the default: the key is not set) is already used by lines[0] (line 2); each line needs its own",
        ])
    }

    @Test("an unknown key is refused with the closest known key as a hint, at its line")
    func unknownKeySuggestion() {
        let found = problems("""
        sample_rate: 8000
        tone_plna: eu
        handoff:
          flsh_ms: 500
          colour: red
        """)
        #expect(found.map(\.description) == [
            "w.yaml:2: unknown key 'tone_plna' (did you mean 'tone_plan'?)",
            "w.yaml:4: unknown key 'handoff.flsh_ms' (did you mean 'flash_ms'?)",
            "w.yaml:5: unknown key 'handoff.colour'",
        ])
    }

    @Test("every problem in the file is reported, in line order, not just the first")
    func collectsAll() throws {
        let found = problems("""
        sample_rate: 44100
        tone_plan: mars
        time_zone: Mars/Olympus
        speech: maybe
        emergency_number: ""
        languages: [en, xx]
        prompts_dir: \(checkoutRoot)/Prompts
        handoff:
          flash_ms: -5
          targets:
            - {name: desk, dial: ""}
            - {name: desk2, dial: "201", ring_timeout_ms: -1}
        day_pass:
          cooldown_days: many
          confirm_digit: "12"
        distress:
          signals:
            loud: {weight: 1}
        """)
        try #require(found.map(\.line) == [1, 2, 3, 4, 5, 6, 9, 11, 12, 14, 15, 18])
        #expect(found[0].reason.hasPrefix("'sample_rate' is 44100; it must be 8000 ("))
        #expect(found[1].reason.hasPrefix("unknown tone plan 'mars'"))
        #expect(found[2].reason.hasPrefix("unknown time zone 'Mars/Olympus'"))
        #expect(found[3].reason == "'speech' must be true or false, not 'maybe'")
        #expect(found[4].reason.contains("is empty"))
        #expect(found[5].reason == "unknown language 'xx': no \(checkoutRoot)/Prompts/xx")
        #expect(found[6].reason == "'handoff.flash_ms' is -5; it must be between 50 and 2000")
        #expect(found[7].reason == "'handoff.targets[0].dial' is empty; give the digits to dial")
        #expect(found[8].reason == "'handoff.targets[1].ring_timeout_ms' is -1; it must be between 0 and 3600000")
        #expect(found[9].reason == "'day_pass.cooldown_days' must be a whole number, not 'many'")
        #expect(found[10].reason == "'day_pass.confirm_digit' must be one phone key (0-9, * or #), not '12'")
        #expect(found[11].reason.hasPrefix("unknown key 'distress.signals.loud'"))
    }

    @Test("sample_rate 16000 is refused at its line, because the detectors and the spotter take 8 kHz line audio only")
    func sixteenKilohertzRefused() {
        let found = problems("speech: on\nsample_rate: 16000\n")
        #expect(found.map(\.line) == [2])
        #expect(found.first?.description.hasPrefix("w.yaml:2: 'sample_rate' is 16000; it must be 8000 (the DTMF, voice") == true,
                "\(found)")
        #expect(found.first?.reason.contains("resample") == true)
    }

    @Test("every sample rate the config accepts is one a line's detectors can be built for (the others are refused)",
          arguments: [8000, 11025, 16000, 22050, 44100, 48000])
    func acceptedRateBuildsDetectors(rate: Int) {
        // Before the fix 16000 was accepted and this listener trapped: the first call would have stopped the unit.
        guard let config = try? loader.parse("sample_rate: \(rate)\n", file: "w.yaml") else {
            #expect(rate != 8000)
            return
        }
        _ = LineListener(sampleRate: config.call.framesPerSecond, tonePlan: config.resolvedTonePlan)
        #expect(config.sampleRate == rate && config.call.framesPerSecond == rate)
    }

    @Test("a value of the wrong shape (a list where a number goes) is refused")
    func wrongType() {
        let found = problems("sample_rate: [8000]\nlines: {number: 1}\n")
        #expect(found.map(\.description) == [
            "w.yaml:1: 'sample_rate' must be a whole number, not a list",
            "w.yaml:2: 'lines' must be a list",
        ])
    }

    @Test("a tone plan name close to a known one is suggested")
    func tonePlanHint() {
        #expect(problems("tone_plan: ua1").first?.reason.contains("did you mean 'ua'?") == true)
    }

    @Test("a zone name that climbs out of the zoneinfo directory is refused; a real zone is accepted")
    func zoneTraversal() {
        #expect(problems("time_zone: ../../etc/passwd").count == 1)
        #expect(problems("time_zone: America/New_York").isEmpty)
    }

    @Test("text that is not YAML is refused with the parser's line")
    func notYAML() {
        let found = problems("sample_rate: 8000\nlines: [\n  - a\n")
        #expect(found.count == 1)
        #expect(found.first?.reason.hasPrefix("not valid YAML") == true)
        #expect((found.first?.line ?? 0) >= 2)
    }

    @Test("a missing config file is one problem that says how to get the default one")
    func missingFile() {
        do {
            _ = try loader.load(path: "/nonexistent/warmline.yaml")
            Issue.record("a missing file loaded")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.description.hasPrefix("/nonexistent/warmline.yaml:1: cannot read the config file"))
            #expect(error.description.contains("warmline install"))
        }
    }

    @Test("the shipped Config/warmline.yaml loads to exactly the defaults")
    func shippedDefaults() throws {
        #expect(try loader.load(path: "\(checkoutRoot)/Config/warmline.yaml") == UnitConfig())
    }

    @Test("country is read and validated at its line; the default is the US; day pass limits have safe defaults")
    func country() throws {
        #expect(UnitConfig().call.dayPass.country.code == "us")
        #expect(UnitConfig().call.dayPass.cooldownDays == 30)
        #expect(UnitConfig().call.dayPass.unitMaxPerHour == 10)
        let config = try loader.parse("country: UA\nday_pass: {max_per_hour: 4, cooldown_days: 60}\n", file: "w.yaml")
        #expect(config.call.dayPass.country.callingCode == "380")
        #expect(config.call.dayPass.unitMaxPerHour == 4)
        #expect(config.call.dayPass.cooldownDays == 60)
        let found = problems("time_zone: UTC\ncountry: narnia\nday_pass:\n  max_per_hour: 0\n").map(\.description)
        #expect(found.count == 2)
        #expect(found.first?.hasPrefix("w.yaml:2: unknown country 'narnia'; caller IDs are read as dialled there. Known: us, ca,") == true)
        #expect(found.last == "w.yaml:4: 'day_pass.max_per_hour' is 0; it must be between 1 and 1000")
    }

    @Test("an emergency number that is not a short national number, or any huge value, is refused without being echoed")
    func boundedValues() {
        #expect(problems("emergency_number: \"1121121121\"\n").map(\.description)
            == ["w.yaml:1: 'emergency_number' must be the national emergency number, 2 to 6 digits (112, 911, 999), not '1121121121'"])
        let long = String(repeating: "1", count: 5000)
        let found = problems("emergency_number: \"\(long)\"\n").map(\.description)
        #expect(found == ["w.yaml:1: 'emergency_number' is 5000 bytes long; a value is at most 4096"])
        #expect(problems("emergency_number: \"911\"\n").isEmpty)
        #expect(problems("emergency_number: \"9\"\n").count == 1)
    }

    @Test("a config over 256 KB, or with more YAML nodes than a config ever has, is refused before it is read")
    func boundedFile() {
        let big = "# " + String(repeating: "x", count: UnitConfigLoader.maximumFileBytes) + "\n"
        #expect(problems(big).map(\.description)
            == ["w.yaml:1: the file is \(big.utf8.count) bytes; a config is at most 262144 bytes, nothing was read"])
        let many = "lines:\n" + String(repeating: "  - {number: 1}\n", count: 2000)
        #expect(problems(many).map(\.description) == ["w.yaml:1: more than 5000 YAML nodes; a config has a few hundred, nothing was read"])
    }
}
