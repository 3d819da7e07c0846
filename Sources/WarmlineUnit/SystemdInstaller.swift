import Foundation
import WarmlineSpeech

/// Installs the unit's systemd service, default config and ALSA example under a prefix (`/` on a real unit).
public struct SystemdInstaller: Sendable {
    /// Root everything is written under (a staging directory, or `/`).
    public var prefix: String
    /// The `warmline` binary the service runs, as seen on the installed system.
    public var executablePath: String
    /// The config file the service reads, as seen on the installed system.
    public var configPath: String

    /// Where the service file goes, relative to the prefix.
    public static let unitRelativePath = "etc/systemd/system/warmline.service"
    /// Where the ALSA example goes, relative to the prefix.
    public static let alsaExampleRelativePath = "etc/warmline/asound-example.conf"

    /// Makes an installer; `configPath` is also where the default config is written (under the prefix).
    public init(prefix: String = "/", executablePath: String, configPath: String = UnitConfig.defaultPath) {
        self.prefix = prefix
        self.executablePath = executablePath
        self.configPath = configPath
    }

    /// One file the installer handled.
    public struct InstalledFile: Sendable, Equatable, CustomStringConvertible {
        /// Full path under the prefix.
        public var path: String
        /// False when an existing file was kept as it was.
        public var written: Bool
        /// What the file is.
        public var what: String

        /// `wrote PATH (what)` or `kept PATH (exists, not overwritten)`.
        public var description: String {
            written ? "wrote \(path) (\(what))" : "kept  \(path) (\(what) exists; not overwritten)"
        }
    }

    /// Writes the service, the config (unless one exists) and the ALSA example; returns what it did, in order.
    public func install() throws -> [InstalledFile] {
        let unit = try write(Self.unitRelativePath, unitText(), what: "systemd unit", overwrite: true)
        let config = try write(String(configPath.drop { $0 == "/" }), EffectiveConfigPrinter.yaml(UnitConfig(), comments: true),
                               what: "default config", overwrite: false)
        let alsa = try write(Self.alsaExampleRelativePath, Self.alsaExample, what: "ALSA config example", overwrite: true)
        return [unit, config, alsa] + (try installRecognizer())
    }

    /// The recogniser's worker (from beside `executablePath`) and Moonshine base-en (from `recognizerModel`, by default
    /// the repository's `make deps` copy) under `/usr/lib/warmline`, each file checked on the way; when either is
    /// missing nothing is copied and the unit runs on PocketSphinx alone, which the returned entry says.
    public func installRecognizer(recognizerModel: RecognizerModel = RecognizerModel(directory: RecognizerModel.cacheDirectory))
        throws -> [InstalledFile] {
        let worker = URL(fileURLWithPath: executablePath).deletingLastPathComponent().appendingPathComponent(Recognizer.workerName).path
        let workerTarget = (prefix as NSString).appendingPathComponent(String(Recognizer.installedWorkerPath.drop { $0 == "/" }))
        let modelTarget = (prefix as NSString).appendingPathComponent(String(RecognizerModel.installedDirectory.drop { $0 == "/" }))
        let manager = FileManager.default
        guard manager.isExecutableFile(atPath: worker), (try? recognizerModel.validateFiles()) != nil else {
            return [InstalledFile(path: modelTarget, written: false,
                                  what: "recogniser (no worker beside \(executablePath) or no model in \(recognizerModel.directory): "
                                      + "run `make deps`; until then spoken requests are decided by PocketSphinx alone)")]
        }
        try manager.createDirectory(atPath: modelTarget, withIntermediateDirectories: true)
        var files = [InstalledFile]()
        for name in [RecognizerModel.encoderFile, RecognizerModel.decoderFile, RecognizerModel.tokenizerFile,
                     RecognizerModel.libraryFile, RecognizerModel.onnxRuntimeFile] {
            let target = modelTarget + "/" + name
            if manager.fileExists(atPath: target) { try manager.removeItem(atPath: target) }
            try manager.copyItem(atPath: recognizerModel.path(name), toPath: target)
            files.append(InstalledFile(path: target, written: true, what: "recogniser model file"))
        }
        if manager.fileExists(atPath: workerTarget) { try manager.removeItem(atPath: workerTarget) }
        try manager.copyItem(atPath: worker, toPath: workerTarget)
        files.append(InstalledFile(path: workerTarget, written: true, what: "recogniser worker"))
        return files
    }

    /// The service file: notify-type with a 5 s watchdog, restarted always, reloaded with SIGHUP.
    public func unitText() -> String {
        """
        [Unit]
        Description=Warmline fallback IVR: hands callers in distress to a person fast
        Documentation=file:\(configPath)
        After=sound.target
        Wants=sound.target

        [Service]
        # READY after the board HELLO and the ALSA open; WATCHDOG from the audio loops.
        Type=notify
        NotifyAccess=main
        WatchdogSec=5s
        ExecStart=\(Self.quotedArgument(executablePath)) run --config \(Self.quotedArgument(configPath))
        # SIGHUP reloads the menu and prompts between calls; a bad reload keeps the old flow.
        ExecReload=/bin/kill -HUP $MAINPID
        Restart=always
        RestartSec=1s
        TimeoutStopSec=10s
        SupplementaryGroups=audio dialout

        [Install]
        WantedBy=multi-user.target

        """
    }

    /// The ALSA example (Config/asound-example.conf): the board's codec as `warmline_line1`, and the file-plugin stand-in.
    public static let alsaExample = """
        # ALSA devices for Warmline (copy the parts you need to /etc/asound.conf).
        # Each line in warmline.yaml names a capture_device and a playback_device.

        # Line 1 on the board's codec (card "Warmline", device 0): 8 kHz mono S16 through plug for rate/format.
        pcm.warmline_line1 {
            type plug
            slave {
                pcm "hw:Warmline,0"
                rate 8000
                channels 1
                format S16_LE
            }
        }

        # Without a sound card: capture reads raw S16 from a file or FIFO, playback is written to a WAV file.
        pcm.warmline_file_in {
            type file
            slave.pcm { type null }
            file "/dev/null"
            infile "/var/lib/warmline/caller.raw"
            format "raw"
        }
        pcm.warmline_file_out {
            type file
            slave.pcm { type null }
            file "/var/lib/warmline/line1-out.wav"
            format "wav"
        }

        """

    /// A systemd command-line word: quoted when it holds spaces or quotes.
    static func quotedArgument(_ word: String) -> String {
        guard word.contains(where: { $0 == " " || $0 == "\"" || $0 == "\\" }) else { return word }
        return "\"" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func write(_ relativePath: String, _ text: String, what: String, overwrite: Bool) throws -> InstalledFile {
        let path = (prefix as NSString).appendingPathComponent(relativePath)
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            return InstalledFile(path: path, written: false, what: what)
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return InstalledFile(path: path, written: true, what: what)
    }
}
