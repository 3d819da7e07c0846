import Foundation
import WarmlineSpeech

/// Installs the unit's systemd service, default config and ALSA example under a prefix (`/` on a real unit).
public struct SystemdInstaller: Sendable {
    /// A step of the install that failed, with what to do.
    public struct InstallError: Error, Sendable, CustomStringConvertible {
        /// What failed.
        public var reason: String
        /// The reason.
        public var description: String { reason }
    }

    /// Root everything is written under (a staging directory, or `/`).
    public var prefix: String
    /// The `warmline` binary the service runs, as seen on the installed system.
    public var executablePath: String
    /// The config file the service reads, as seen on the installed system.
    public var configPath: String
    /// The unit serves a network surface (a dashboard or /metrics): it may then open AF_INET/AF_INET6 sockets.
    /// Nothing in today's config does, so the unit gets no network at all.
    public var network = false

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
        let config = try write(String(configPath.drop { $0 == "/" }), EffectiveConfigPrinter.yaml(UnitConfig(), comments: true),
                               what: "default config", overwrite: false)
        // The sandbox opens only the serial devices the config names: read them from the config the unit will run with.
        var unitConfig = UnitConfig()
        var what = "systemd unit"
        do {
            unitConfig = try UnitConfigLoader().load(path: config.path)
        } catch {
            what += " (\(config.path) does not load, so only the default serial device is allowed; fix it and install again)"
        }
        what += "; serial devices allowed: " + Self.serialDevices(unitConfig).joined(separator: ", ")
            + " (install again after changing serial_device)"
        let unit = try write(Self.unitRelativePath, unitText(config: unitConfig), what: what, overwrite: true)
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

    /// The service file: notify-type with a 5 s watchdog, restarted always, reloaded with SIGHUP, and sandboxed: the
    /// `warmline` user, no capabilities, a read-only system, and only the sound card and `config`'s serial devices.
    public func unitText(config: UnitConfig = UnitConfig()) -> String {
        var sandbox = [
            "# Least privilege: its own user, the sound card and the configured serial ports; nothing else.",
            "User=\(Self.serviceUser)",
            "Group=\(Self.serviceUser)",
            "SupplementaryGroups=\(Self.serviceGroups.joined(separator: " "))",
            "# /var/lib/warmline (the database) and /var/cache/warmline (rendered prompts), 0750, owned by the user.",
            "StateDirectory=warmline",
            "StateDirectoryMode=0750",
            "CacheDirectory=warmline",
            "CacheDirectoryMode=0750",
            "# /run/warmline: the control socket (`warmline status`), 0660 in a 0750 directory of group warmline.",
            "RuntimeDirectory=warmline",
            "RuntimeDirectoryMode=0750",
            "UMask=0027",
        ]
        let writable = Self.writablePaths(config)
        if !writable.isEmpty { sandbox.append("ReadWritePaths=" + writable.map(Self.quotedArgument).joined(separator: " ")) }
        sandbox += [
            "NoNewPrivileges=yes",
            "CapabilityBoundingSet=",
            "AmbientCapabilities=",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "PrivateTmp=yes",
            "PrivateMounts=yes",
            "DevicePolicy=closed",
        ]
        sandbox += Self.serialDevices(config).map { "DeviceAllow=\(Self.quotedArgument($0)) rw" }
        sandbox.append("DeviceAllow=char-alsa rw")
        if network {
            sandbox.append("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6")
        } else {
            sandbox += ["PrivateNetwork=yes", "RestrictAddressFamilies=AF_UNIX", "IPAddressDeny=any"]
        }
        sandbox += [
            "SystemCallFilter=@system-service",
            "SystemCallErrorNumber=EPERM",
            "SystemCallArchitectures=native",
            "ProtectKernelTunables=yes",
            "ProtectKernelModules=yes",
            "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes",
            "ProtectClock=yes",
            "ProtectHostname=yes",
            "ProtectProc=invisible",
            "RestrictNamespaces=yes",
            "RestrictRealtime=yes",
            "RestrictSUIDSGID=yes",
            "LockPersonality=yes",
            "RemoveIPC=yes",
            "# The recogniser worker (ONNX Runtime) runs under this: RecognizerSandboxTests transcribe speech through its filter.",
            "MemoryDenyWriteExecute=yes",
            "# PrivateUsers= stays off: device access goes through the supplementary groups audio and dialout, which its user",
            "# namespace leaves unmapped; not verified on a running systemd, and the exposure is within the bar without it.",
        ]
        return """
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

            \(sandbox.joined(separator: "\n"))

            [Install]
            WantedBy=multi-user.target

            """
    }

    /// The distinct serial devices of `config`'s lines, in line order.
    static func serialDevices(_ config: UnitConfig) -> [String] {
        var seen = Set<String>()
        return config.lines.map(\.serialDevice).filter { seen.insert($0).inserted }
    }

    /// Directories the service writes that StateDirectory= and CacheDirectory= do not cover (a database or prompt
    /// cache configured elsewhere); ProtectSystem=strict makes everything else read-only.
    static func writablePaths(_ config: UnitConfig) -> [String] {
        let covered = ["/var/lib/warmline", "/var/cache/warmline"]
        let wanted = [(config.databasePath as NSString).deletingLastPathComponent, config.promptCacheDirectory]
        var seen = Set<String>()
        return wanted.filter { path in
            !covered.contains { path == $0 || path.hasPrefix($0 + "/") } && seen.insert(path).inserted
        }
    }

    // MARK: - The service user

    /// The system user the service runs as (its own group has the same name).
    public static let serviceUser = "warmline"
    /// The groups it joins: the sound card's and the serial ports'.
    public static let serviceGroups = ["audio", "dialout"]
    /// The command that creates the user: a system account with its own group, no login and no home of its own.
    public static let useraddCommand = ["/usr/sbin/useradd", "--system", "--user-group", "--groups", serviceGroups.joined(separator: ","),
                                        "--home-dir", "/var/lib/warmline", "--no-create-home", "--shell", "/usr/sbin/nologin",
                                        serviceUser]

    /// Runs a tool and returns its exit status and what it printed.
    public typealias ToolRunner = @Sendable ([String]) throws -> (status: Int32, output: String)

    /// Creates the `warmline` user when installing onto the real system (prefix `/`) as root; under another prefix,
    /// or without root, it only says which command would create it. Returns a line for the technician.
    public func createServiceAccount(runner: ToolRunner = SystemdInstaller.runTool) throws -> String {
        try Self.accountStep(onRealSystem: prefix == "/" || prefix.isEmpty, isRoot: geteuid() == 0,
                             userExists: getpwnam(Self.serviceUser) != nil, runner: runner)
    }

    static func accountStep(onRealSystem: Bool, isRoot: Bool, userExists: Bool, runner: ToolRunner) throws -> String {
        let command = useraddCommand.joined(separator: " ")
        guard onRealSystem else { return "would run (files only under --prefix): \(command)" }
        if userExists { return "kept  user \(serviceUser) (exists; check it is in groups \(serviceGroups.joined(separator: ", ")))" }
        guard isRoot else { return "not root: user \(serviceUser) was not created; as root run: \(command)" }
        let result = try runner(useraddCommand)
        guard result.status == 0 else {
            throw InstallError(reason: "\(command) failed (exit \(result.status)): \(result.output)")
        }
        return "created user \(serviceUser) (groups \(serviceGroups.joined(separator: ", ")))"
    }

    /// Runs `command` (an absolute path and its arguments); stdout and stderr together.
    @Sendable public static func runTool(_ command: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.first ?? "/bin/false")
        process.arguments = Array(command.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output.trimmingCharacters(in: .whitespacesAndNewlines))
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
