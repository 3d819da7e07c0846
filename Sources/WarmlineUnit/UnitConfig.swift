import Foundation
import WarmlineBoard
import WarmlineCore
import WarmlineDSP

/// The whole unit's configuration (`/etc/warmline/warmline.yaml`); every field has a default that works.
public struct UnitConfig: Sendable, Equatable {
    /// Default location of the config file.
    public static let defaultPath = "/etc/warmline/warmline.yaml"

    /// The phone lines this unit serves (a 4-port board is 4 lines).
    public var lines: [LineConfig] = [LineConfig()]
    /// Languages offered to callers, default first (each needs Prompts/<lang>/prompts.yaml).
    public var languages: [String] = ["en"]
    /// Country tone plan name for call-progress detection ("us", "uk", "eu", "tr", "ua").
    public var tonePlan: String = "eu"
    /// Audio sample rate of every line (8000: the detectors and the spotter take 8 kHz line audio only).
    public var sampleRate: Int = 8000
    /// Directory holding menu.yaml and the per-language prompt files.
    public var promptsDirectory: String = "/usr/share/warmline/Prompts"
    /// Directory of rendered prompt audio.
    public var promptCacheDirectory: String = "/var/cache/warmline/prompts"
    /// SQLite database file.
    public var databasePath: String = "/var/lib/warmline/warmline.sqlite"
    /// The service's control socket (`warmline status`, and `warmline doctor` while the service runs).
    public var controlSocketPath: String = "/run/warmline/control.sock"
    /// Caller numbers and names older than this many days are replaced by pseudonyms (daily, and at start).
    public var retentionDays: Int = 90
    /// IANA time zone of the unit (night hours, expiry read-back), e.g. "Europe/Kyiv".
    public var timeZone: String = "UTC"
    /// Keyword spotting on (falls back to DTMF only when the model or keyword file is missing).
    public var speechEnabled: Bool = true
    /// The second pass: Moonshine base-en in a worker process shared by the lines.
    public var recognizer = RecognizerConfig()
    /// Extra ALSA configuration (asoundrc syntax) laid over the system's, defining the lines' PCMs; nil uses the system's alone.
    public var alsaConfigPath: String?
    /// Call behaviour: emergency number, hand-off targets, day-pass policy, distress weights.
    public var call = CallConfig()
    /// Where granted day passes are reported (`billing:`); no URL: the outbox waits for `warmline passes outbox --mark-sent`.
    public var billing = BillingConfig()

    /// The shipped defaults.
    public init() {}

    /// Where a unit run without a config file (a bench, the demo, a test) puts its control socket: beside its
    /// database, so two such runs never share one and `warmline status --db` finds it.
    public static func controlSocket(besideDatabase databasePath: String) -> String {
        let directory = (databasePath as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/control.sock"
    }

    /// The tone plan this config names.
    public var resolvedTonePlan: TonePlan? { TonePlan.named(tonePlan) }
}

/// The recogniser of the second pass (`recognizer:` in warmline.yaml).
public struct RecognizerConfig: Sendable, Equatable {
    /// Transcribe the first pass's candidates (off: PocketSphinx alone).
    public var enabled = true
    /// Directory of the model files and libraries; nil: the installed one, else the repository's `.cache/models` copy.
    public var modelDirectory: String?
    /// libmoonshine.so to load (another build, e.g. moonshine-voice's aarch64 one); nil: the one in the model directory.
    public var library: String?
    /// The worker executable; nil: beside the running `warmline`, else the installed one.
    public var workerPath: String?
    /// Resident memory above which the worker is replaced (MB).
    public var maxResidentMB = 800
    /// The worker's share of one core over time (percent, 0 = no limit); beyond it lines decide on PocketSphinx alone.
    public var maxCPUPercent = 20

    /// The shipped defaults.
    public init() {}
}

/// One phone line: its audio devices and its board link.
public struct LineConfig: Sendable, Equatable {
    /// Line number as printed on the unit (1-based).
    public var number: Int = 1
    /// ALSA capture device name.
    public var captureDevice: String = "default"
    /// ALSA playback device name.
    public var playbackDevice: String = "default"
    /// Serial device of the line-interface board.
    public var serialDevice: String = "/dev/ttyACM0"
    /// Serial baud rate.
    public var baudRate: Int = 115_200
    /// Rings counted before answering.
    public var answerAfterRings: Int = 1

    /// The shipped defaults for line 1.
    public init() {}

    /// The board link settings for this line.
    public var boardConfig: BoardConfig { BoardConfig(devicePath: serialDevice, baudRate: baudRate) }
}

/// The billing sync (`billing:` in warmline.yaml): the outbox POSTed to the billing system.
public struct BillingConfig: Sendable, Equatable {
    /// The endpoint (https; plain http only to a loopback address); nil: no sync.
    public var url: String?
    /// File holding the bearer token (one line); nil: no Authorization header.
    public var tokenFile: String?
    /// A request unanswered after this long has failed and is retried.
    public var timeoutMs = 10_000
    /// First retry after this long, then twice as long each time.
    public var retryBaseMs = 2_000
    /// Longest wait between retries.
    public var retryMaxMs = 600_000
    /// The running unit syncs at least this often.
    public var intervalMs = 30_000

    /// The shipped defaults.
    public init() {}
}
