import Foundation
import WarmlineAudio
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

    /// Root everything is installed under: `/` on a unit, or a directory holding a self-contained deployment whose
    /// files name their paths inside it (a test bench, `/opt/warmline`). Nothing outside it is touched.
    public var prefix: String
    /// The `warmline` binary to install (the one running, normally); `warmline-recognizer` is looked for beside it.
    public var sourceExecutable: String
    /// The Prompts directory to install (menu.yaml, texts, keywords, recordings).
    public var sourcePrompts: String
    /// The Moonshine model `make deps` fetched; installed only when every file checks out.
    public var sourceModel: RecognizerModel
    /// The unit serves a network surface (a dashboard or /metrics): it may then open AF_INET/AF_INET6 sockets.
    /// Nothing in today's config does, so the unit gets no network at all.
    public var network = false

    /// Where the service file goes, relative to the prefix.
    public static let unitRelativePath = "etc/systemd/system/warmline.service"
    /// Where the ALSA example goes, relative to the prefix.
    public static let alsaExampleRelativePath = "etc/warmline/asound-example.conf"
    /// Where the binaries go, relative to the prefix.
    public static let binRelativePath = "usr/local/bin"
    /// Where the prompts go, relative to the prefix (the default `prompts_dir`).
    public static let promptsRelativePath = "usr/share/warmline/Prompts"
    /// Where the recogniser's model goes, relative to the prefix.
    public static let modelRelativePath = "usr/lib/warmline/moonshine"
    /// The database's directory, relative to the prefix.
    public static let dataRelativePath = "var/lib/warmline"
    /// The rendered prompts' directory, relative to the prefix (the default `prompt_cache_dir`).
    public static let cacheRelativePath = "var/cache/warmline/prompts"

    /// Makes an installer for `prefix` from the running binary, the repository's Prompts and `make deps`'s model.
    public init(prefix: String = "/", sourceExecutable: String, sourcePrompts: String = "Prompts",
                sourceModel: RecognizerModel = RecognizerModel(directory: RecognizerModel.cacheDirectory)) {
        self.prefix = prefix.isEmpty ? "/" : prefix
        self.sourceExecutable = sourceExecutable
        self.sourcePrompts = sourcePrompts
        self.sourceModel = sourceModel
    }

    /// Whether this installs onto the running system (prefix `/`), where the user is created and ownership set.
    public var onRealSystem: Bool { URL(fileURLWithPath: prefix).standardizedFileURL.path == "/" }

    /// `relative` under the prefix, as an absolute path.
    public func path(_ relative: String) -> String {
        onRealSystem ? "/" + relative : URL(fileURLWithPath: prefix).standardizedFileURL.path + "/" + relative
    }

    /// The installed `warmline` the unit runs.
    public var executablePath: String { path(Self.binRelativePath + "/warmline") }
    /// The config file the unit reads (written only when missing).
    public var configPath: String { path("etc/warmline/warmline.yaml") }

    /// The config `install` writes when none exists: the defaults, with every path inside the prefix.
    public func defaultConfig() -> UnitConfig {
        var config = UnitConfig()
        guard !onRealSystem else { return config }
        config.promptsDirectory = path(Self.promptsRelativePath)
        config.promptCacheDirectory = path(Self.cacheRelativePath)
        config.databasePath = path(Self.dataRelativePath + "/warmline.sqlite")
        if (try? sourceModel.validateFiles()) != nil { config.recognizer.modelDirectory = path(Self.modelRelativePath) }
        return config
    }

    /// One file the installer handled.
    public struct InstalledFile: Sendable, Equatable, CustomStringConvertible {
        /// Full path under the prefix.
        public var path: String
        /// False when an existing file was kept as it was (or, for an optional part, when it was not installed).
        public var written: Bool
        /// What the file is.
        public var what: String

        /// Makes an entry.
        public init(path: String, written: Bool, what: String) {
            self.path = path
            self.written = written
            self.what = what
        }

        /// `wrote PATH (what)` or `kept PATH (exists, not overwritten)`.
        public var description: String {
            written ? "wrote \(path) (\(what))" : "kept  \(path) (\(what) exists; not overwritten)"
        }
    }

    /// What `deploy` did, step by step, and what the technician does next.
    public struct Report: Sendable {
        /// One line per step, in order (`installed`, `wrote`, `kept`, `created`, `skipped`).
        public var steps: [String] = []
        /// The installed config file.
        public var configPath: String
        /// The installed binary.
        public var executablePath: String
        /// Whether the installer ran on the real system (the `systemctl` steps apply).
        public var onRealSystem: Bool

        /// The next steps, in the order a technician takes them: edit, check, self-test, test call, then enable.
        public var nextSteps: [String] {
            let warmline = onRealSystem ? "warmline" : executablePath
            let config = onRealSystem ? "" : " --config \(configPath)"
            var steps = [
                "1. edit \(configPath): lines (serial_device, capture_device, playback_device), handoff.targets, emergency_number, "
                    + "tone_plan, country, time_zone",
                "2. \(warmline) config check\(config)",
                "3. \(warmline) doctor\(config)   (and `--dial-test 1` to dial the first hand-off target)",
                "4. \(warmline) test-call\(config) --line 1 --keys 1   (or call the line yourself while it runs)",
            ]
            steps.append(onRealSystem ? "5. systemctl daemon-reload && systemctl enable --now warmline; "
                + "watch calls with `journalctl -u warmline -f`"
                : "5. on the unit: install with --prefix / (or copy the unit file), then systemctl enable --now warmline")
            return steps
        }
    }

    /// Deploys everything: the user, the binaries, the prompts (rendered into the cache), the model, the data and
    /// cache directories, the config (kept if present), the ALSA example and the unit pointing at the installed binary.
    /// `onStep` hears each step as it is done, so a failure later still leaves what was done on the screen.
    public func deploy(runner: ToolRunner = SystemdInstaller.runTool, onStep: (String) -> Void = { _ in }) async throws -> Report {
        var report = Report(configPath: configPath, executablePath: executablePath, onRealSystem: onRealSystem)
        func done(_ steps: [String]) {
            steps.forEach(onStep)
            report.steps += steps
        }
        done([try await createServiceAccount(runner: runner)])
        done(try installBinaries().map(\.description))
        done([try installPrompts().description])
        done(try installRecognizer().map(\.description))
        done(try install().map(\.description))
        let config = (try? UnitConfigLoader().load(path: configPath)) ?? defaultConfig()
        let outside = [config.databasePath, config.promptCacheDirectory, config.promptsDirectory].filter { !isInside($0) }
        guard outside.isEmpty else {
            // a kept config that names paths outside the prefix: under --prefix nothing outside it is touched
            done(["skipped directories and prompt rendering: \(configPath) names paths outside \(prefix) "
                + "(\(outside.joined(separator: ", "))); nothing outside the prefix is touched"])
            return report
        }
        done(try await makeDataDirectories(config, runner: runner))
        done([await renderPrompts(config)])
        return report
    }

    /// Whether `path` is under the prefix (everything is, on the real system).
    func isInside(_ path: String) -> Bool {
        onRealSystem || URL(fileURLWithPath: path).standardizedFileURL.path.hasPrefix(self.path(""))
    }

    /// Writes the config (unless one exists), the service and the ALSA example; returns what it did, in order.
    public func install() throws -> [InstalledFile] {
        let config = try write(configPath, EffectiveConfigPrinter.yaml(defaultConfig(), comments: true),
                               what: "default config", overwrite: false, mode: 0o640)
        // The sandbox opens only the serial devices the config names: read them from the config the unit will run with.
        var unitConfig = defaultConfig()
        var what = "systemd unit running \(executablePath)"
        do {
            unitConfig = try UnitConfigLoader().load(path: config.path)
        } catch {
            what += " (\(config.path) does not load, so only the default serial device is allowed; fix it and install again)"
        }
        what += "; serial devices allowed: " + Self.serialDevices(unitConfig).joined(separator: ", ")
            + " (install again after changing serial_device)"
        let unit = try write(path(Self.unitRelativePath), unitText(config: unitConfig), what: what, overwrite: true, mode: 0o644)
        let alsa = try write(path(Self.alsaExampleRelativePath), Self.alsaExample, what: "ALSA config example", overwrite: true,
                             mode: 0o644)
        return [unit, config, alsa]
    }

    /// Copies `warmline` and, when built beside it, `warmline-recognizer` into the prefix's `usr/local/bin` (0755).
    public func installBinaries() throws -> [InstalledFile] {
        let manager = FileManager.default
        guard manager.isExecutableFile(atPath: sourceExecutable) else {
            throw InstallError(reason: "\(sourceExecutable) is not an executable to install (build it: swift build -c release)")
        }
        var files = [try copy(sourceExecutable, to: executablePath, what: "the warmline binary", mode: 0o755)]
        let worker = URL(fileURLWithPath: sourceExecutable).deletingLastPathComponent().appendingPathComponent(Recognizer.workerName).path
        let workerTarget = path(Self.binRelativePath + "/" + Recognizer.workerName)
        if manager.isExecutableFile(atPath: worker) {
            files.append(try copy(worker, to: workerTarget, what: "the recogniser worker", mode: 0o755))
        } else {
            files.append(InstalledFile(path: workerTarget, written: false,
                                       what: "recogniser worker (none beside \(sourceExecutable): build it with "
                                           + "`swift build --product warmline-recognizer`; until then PocketSphinx decides alone)"))
        }
        return files
    }

    /// Copies the Prompts directory (replacing the installed one: prompts are part of the release, not the config).
    public func installPrompts() throws -> InstalledFile {
        let target = path(Self.promptsRelativePath)
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: sourcePrompts + "/menu.yaml", isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw InstallError(reason: "\(sourcePrompts)/menu.yaml is missing: run install from the repository root, or give --prompts")
        }
        try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let staging = target + ".new"
        try? manager.removeItem(atPath: staging)
        try manager.copyItem(atPath: sourcePrompts, toPath: staging)
        if manager.fileExists(atPath: target) { try manager.removeItem(atPath: target) }
        try manager.moveItem(atPath: staging, toPath: target)
        return InstalledFile(path: target, written: true, what: "menu flow, prompt texts, keywords and recordings")
    }

    /// Moonshine base-en (from `sourceModel`, by default the repository's `make deps` copy) into the prefix's
    /// `usr/lib/warmline/moonshine`, each file checked on the way; when it is missing nothing is copied and the unit
    /// runs on PocketSphinx alone, which the returned entry says.
    public func installRecognizer() throws -> [InstalledFile] {
        let modelTarget = path(Self.modelRelativePath)
        let manager = FileManager.default
        guard (try? sourceModel.validateFiles()) != nil else {
            return [InstalledFile(path: modelTarget, written: false,
                                  what: "recogniser model (none in \(sourceModel.directory): run `make deps`; "
                                      + "until then the unit runs on PocketSphinx alone)")]
        }
        try manager.createDirectory(atPath: modelTarget, withIntermediateDirectories: true)
        var files = [InstalledFile]()
        for name in [RecognizerModel.encoderFile, RecognizerModel.decoderFile, RecognizerModel.tokenizerFile,
                     RecognizerModel.libraryFile, RecognizerModel.onnxRuntimeFile] {
            files.append(try copy(sourceModel.path(name), to: modelTarget + "/" + name, what: "recogniser model file", mode: 0o644))
        }
        if sourceModel.hasFoldedDecoder {
            let name = RecognizerModel.foldedDecoderFile
            files.append(try copy(sourceModel.path(name), to: modelTarget + "/" + name, what: "recogniser model file (folded decoder)", mode: 0o644))
        }
        return files
    }

    /// The database's and the rendered prompts' directories, 0750, owned by the service user on the real system.
    func makeDataDirectories(_ config: UnitConfig, runner: ToolRunner) async throws -> [String] {
        let directories = [(config.databasePath as NSString).deletingLastPathComponent, config.promptCacheDirectory]
        var steps: [String] = []
        for directory in directories {
            let existed = FileManager.default.fileExists(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
            _ = chmod(directory, 0o750)
            steps.append("\(existed ? "kept " : "made ") \(directory) (0750)")
        }
        guard onRealSystem else {
            steps.append("skipped ownership (under --prefix): the directories stay owned by \(NSUserName())")
            return steps
        }
        guard geteuid() == 0, getpwnam(Self.serviceUser) != nil else {
            steps.append("skipped ownership (not root, or no user \(Self.serviceUser)): as root run "
                + "chown -R \(Self.serviceUser):\(Self.serviceUser) \(directories.joined(separator: " "))")
            return steps
        }
        for directory in directories {
            let result = try await runner(["/bin/chown", "-R", "\(Self.serviceUser):\(Self.serviceUser)", directory])
            guard result.status == 0 else { throw InstallError(reason: "chown \(directory) failed: \(result.output)") }
        }
        let result = try await runner(["/bin/chgrp", Self.serviceUser, configPath])
        if result.status != 0 { steps.append("could not give \(configPath) to group \(Self.serviceUser): \(result.output)") }
        steps.append("owned by \(Self.serviceUser): \(directories.joined(separator: ", ")); \(configPath) readable by its group")
        return steps
    }

    /// Renders the config's prompts with espeak-ng into its cache, so the first call does not wait for them.
    func renderPrompts(_ config: UnitConfig) async -> String {
        var settings = PromptRenderSettings()
        settings.sampleRate = config.sampleRate
        do {
            let library = try PromptLibrary(root: config.promptsDirectory, languages: config.languages,
                                            cacheDirectory: config.promptCacheDirectory, settings: settings)
            var counts: [String] = []
            for language in config.languages {
                let report = try await library.render(language: language)
                counts.append("\(language) \(report.rendered.count + report.cached.count)")
            }
            return "rendered prompts into \(config.promptCacheDirectory) (\(counts.joined(separator: ", ")); verified)"
        } catch {
            return "prompts NOT rendered (\(error)); fix that, then `warmline prompts render --config \(configPath)`"
        }
    }

    /// What `uninstall` removed or kept.
    public func uninstall(purge: Bool, runner: ToolRunner = SystemdInstaller.runTool) async throws -> [String] {
        var steps: [String] = []
        if onRealSystem {
            if geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/bin/systemctl") {
                let result = try await runner(["/bin/systemctl", "disable", "--now", "warmline"])
                steps.append("systemctl disable --now warmline: exit \(result.status)")
            } else {
                steps.append("first, as root: systemctl disable --now warmline")
            }
        }
        let config = (try? UnitConfigLoader().load(path: configPath)) ?? defaultConfig()
        var remove = [path(Self.unitRelativePath), executablePath, path(Self.binRelativePath + "/" + Recognizer.workerName),
                      path(Self.promptsRelativePath), path(Self.modelRelativePath), path(Self.alsaExampleRelativePath)]
        let data = [configPath, (config.databasePath as NSString).deletingLastPathComponent, config.promptCacheDirectory]
            .filter(isInside)
        if purge { remove += data }
        for target in remove where FileManager.default.fileExists(atPath: target) {
            try FileManager.default.removeItem(atPath: target)
            steps.append("removed \(target)")
        }
        if !purge {
            for target in data where FileManager.default.fileExists(atPath: target) {
                steps.append("kept    \(target) (the config and the call records; `--purge` removes them)")
            }
        }
        if onRealSystem {
            steps.append(purge ? "the user \(Self.serviceUser) stays (remove it with `userdel \(Self.serviceUser)`)"
                : "the user \(Self.serviceUser) stays; run `systemctl daemon-reload`")
        }
        return steps
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
    public typealias ToolRunner = @Sendable ([String]) async throws -> (status: Int32, output: String)

    /// Creates the `warmline` user when installing onto the real system (prefix `/`) as root; under another prefix,
    /// or without root, it only says which command would create it. Returns a line for the technician.
    public func createServiceAccount(runner: ToolRunner = SystemdInstaller.runTool) async throws -> String {
        try await Self.accountStep(onRealSystem: onRealSystem, isRoot: geteuid() == 0,
                             userExists: getpwnam(Self.serviceUser) != nil, runner: runner)
    }

    static func accountStep(onRealSystem: Bool, isRoot: Bool, userExists: Bool, runner: ToolRunner) async throws -> String {
        let command = useraddCommand.joined(separator: " ")
        guard onRealSystem else { return "skipped user \(serviceUser) (under --prefix nothing outside it is touched); on the unit: \(command)" }
        if userExists { return "kept  user \(serviceUser) (exists; check it is in groups \(serviceGroups.joined(separator: ", ")))" }
        guard isRoot else { return "not root: user \(serviceUser) was not created; as root run: \(command)" }
        let result = try await runner(useraddCommand)
        guard result.status == 0 else {
            throw InstallError(reason: "\(command) failed (exit \(result.status)): \(result.output)")
        }
        return "created user \(serviceUser) (groups \(serviceGroups.joined(separator: ", ")))"
    }

    /// Runs `command` (an absolute path and its arguments); stdout and stderr together.
    @Sendable public static func runTool(_ command: [String]) async throws -> (status: Int32, output: String) {
        let outcome = try await HelperTool.run(command, mergingOutput: true)
        return (outcome.status, outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))
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

    private func write(_ path: String, _ text: String, what: String, overwrite: Bool, mode: Int) throws -> InstalledFile {
        if !overwrite && FileManager.default.fileExists(atPath: path) {
            return InstalledFile(path: path, written: false, what: what)
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        _ = chmod(path, mode_t(mode))
        return InstalledFile(path: path, written: true, what: what)
    }

    private func copy(_ source: String, to target: String, what: String, mode: Int) throws -> InstalledFile {
        let manager = FileManager.default
        try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A new file renamed over the old one: a running unit keeps its open binary, the next start gets the new one.
        let staging = target + ".new"
        try? manager.removeItem(atPath: staging)
        try manager.copyItem(atPath: source, toPath: staging)
        _ = chmod(staging, mode_t(mode))
        guard rename(staging, target) == 0 else {
            throw InstallError(reason: "cannot move \(staging) to \(target): \(String(cString: strerror(errno)))")
        }
        return InstalledFile(path: target, written: true, what: what)
    }
}
