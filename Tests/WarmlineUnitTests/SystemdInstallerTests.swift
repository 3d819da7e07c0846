import Foundation
import Synchronization
import Testing
import WarmlineAudio
import WarmlineSpeech
@testable import WarmlineUnit

@Suite("SystemdInstaller")
struct SystemdInstallerTests {
    @Test("install writes a notify unit running the installed binary with a 5 s watchdog, the config naming the prefix's paths, and the ALSA example")
    func writesEverything() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let installer = SystemdInstaller(prefix: scratch.path, sourceExecutable: "/bin/true")
        let files = try installer.install()
        #expect(files.map(\.path) == [scratch.file("etc/systemd/system/warmline.service"), scratch.file("etc/warmline/warmline.yaml"),
                                      scratch.file("etc/warmline/asound-example.conf")])
        #expect(files.allSatisfy { $0.written })
        let unit = try String(contentsOfFile: files[0].path, encoding: .utf8)
        for line in ["Type=notify", "WatchdogSec=5s", "Restart=always", "NotifyAccess=main",
                     "ExecStart=\(scratch.path)/usr/local/bin/warmline run --config \(scratch.path)/etc/warmline/warmline.yaml",
                     "ExecReload=/bin/kill -HUP $MAINPID", "WantedBy=multi-user.target"] {
            #expect(unit.split(separator: "\n").contains(Substring(line)), "\(line) missing")
        }
        // the installed config points inside the prefix: a deployment there runs as it stands
        let config = try UnitConfigLoader().load(path: files[1].path)
        #expect(config == installer.defaultConfig())
        #expect(config.promptsDirectory == scratch.file("usr/share/warmline/Prompts"))
        #expect(config.databasePath == scratch.file("var/lib/warmline/warmline.sqlite"))
        #expect(config.promptCacheDirectory == scratch.file("var/cache/warmline/prompts"))
        #expect(try String(contentsOfFile: files[2].path, encoding: .utf8) == SystemdInstaller.alsaExample)
        // on the unit itself the defaults stand
        #expect(SystemdInstaller(sourceExecutable: "/bin/true").defaultConfig() == UnitConfig())
    }

    @Test("an existing config is kept as the technician left it, and the report says so")
    func keepsExistingConfig() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let edited = try scratch.write("etc/warmline/warmline.yaml", "tone_plan: uk\n")
        let files = try SystemdInstaller(prefix: scratch.path, sourceExecutable: "/bin/true").install()
        #expect(files[1] == SystemdInstaller.InstalledFile(path: edited, written: false, what: "default config"))
        #expect(files[1].description.contains("not overwritten"))
        #expect(try String(contentsOfFile: edited, encoding: .utf8) == "tone_plan: uk\n")
    }

    @Test("deploy under a prefix installs the binary, the worker, the prompts (rendered), the directories, and touches nothing outside")
    func deploysUnderPrefix() async throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let binary = try scratch.write("build/warmline", "#!/bin/sh\necho warmline\n")
        let worker = try scratch.write("build/warmline-recognizer", "#!/bin/sh\n")
        #expect(chmod(binary, 0o755) == 0 && chmod(worker, 0o755) == 0)
        try scratch.write("src/Prompts/menu.yaml", "start: main\n")
        try scratch.write("src/Prompts/en/prompts.yaml", "greeting: \"Hello.\"\n")
        let root = scratch.file("root")
        let installer = SystemdInstaller(prefix: root, sourceExecutable: binary, sourcePrompts: scratch.file("src/Prompts"),
                                         sourceModel: RecognizerModel(directory: scratch.file("no-model")))
        let tools = Mutex<[[String]]>([])
        let report = try await installer.deploy(runner: { command in
            tools.withLock { $0.append(command) }
            return (0, "")
        })
        #expect(tools.withLock { $0 }.isEmpty, "no tool runs under a prefix (no useradd, no chown)")
        #expect(FileManager.default.isExecutableFile(atPath: "\(root)/usr/local/bin/warmline"))
        #expect(FileManager.default.contents(atPath: "\(root)/usr/local/bin/warmline") == FileManager.default.contents(atPath: binary))
        #expect(FileManager.default.isExecutableFile(atPath: "\(root)/usr/local/bin/warmline-recognizer"))
        #expect(FileManager.default.fileExists(atPath: "\(root)/usr/share/warmline/Prompts/en/prompts.yaml"))
        for directory in ["var/lib/warmline", "var/cache/warmline/prompts"] {
            let mode = (try FileManager.default.attributesOfItem(atPath: "\(root)/\(directory)")[.posixPermissions] as? NSNumber)?.intValue
            #expect(mode == 0o750, "\(directory)")
        }
        let configMode = (try FileManager.default.attributesOfItem(atPath: "\(root)/etc/warmline/warmline.yaml")[.posixPermissions] as? NSNumber)?.intValue
        #expect(configMode == 0o640)
        // the prompts were rendered into the cache at install, so the first call does not wait for espeak-ng
        let rendered = try FileManager.default.contentsOfDirectory(atPath: "\(root)/var/cache/warmline/prompts/en")
        #expect(rendered.contains { $0.hasPrefix("greeting.") && $0.hasSuffix(".wav") }, "\(report.steps)")
        #expect(report.steps.first?.hasPrefix("skipped user warmline (under --prefix nothing outside it is touched)") == true)
        #expect(report.steps.contains { $0.contains("recogniser model (none in") && $0.contains("PocketSphinx alone") })
        // the next steps come in the order a technician takes them, enabling the service last
        let order = ["edit", "config check", "doctor", "test-call", "enable"]
        let positions = order.map { word in report.nextSteps.firstIndex { $0.contains(word) } ?? -1 }
        #expect(positions == positions.sorted() && !positions.contains(-1), "\(report.nextSteps)")
        #expect(report.nextSteps[1].contains("\(root)/usr/local/bin/warmline config check --config \(root)/etc/warmline/warmline.yaml"))
    }

    @Test("under a prefix, a kept config naming paths outside it gets no directories and no rendering there")
    func keptConfigOutsidePrefix() async throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        try scratch.write("src/Prompts/menu.yaml", "start: main\n")
        try scratch.write("src/Prompts/en/prompts.yaml", "greeting: \"Hello.\"\n")
        let outside = scratch.file("elsewhere/db/warmline.sqlite")
        try scratch.write("root/etc/warmline/warmline.yaml", "database: \"\(outside)\"\n")
        let installer = SystemdInstaller(prefix: scratch.file("root"), sourceExecutable: "/bin/true", sourcePrompts: scratch.file("src/Prompts"),
                                         sourceModel: RecognizerModel(directory: scratch.file("no-model")))
        let report = try await installer.deploy()
        #expect(!FileManager.default.fileExists(atPath: scratch.file("elsewhere")))
        #expect(report.steps.last?.hasPrefix("skipped directories and prompt rendering") == true, "\(report.steps)")
        #expect(report.steps.last?.contains(outside) == true)
    }

    @Test("install again keeps the edited config and the data; uninstall keeps both, --purge removes them")
    func reinstallAndUninstall() async throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        try scratch.write("src/Prompts/menu.yaml", "start: main\n")
        try scratch.write("src/Prompts/en/prompts.yaml", "greeting: \"Hello.\"\n")
        let root = scratch.file("root")
        let installer = SystemdInstaller(prefix: root, sourceExecutable: "/bin/true", sourcePrompts: scratch.file("src/Prompts"),
                                         sourceModel: RecognizerModel(directory: scratch.file("no-model")))
        _ = try await installer.deploy()
        let config = "\(root)/etc/warmline/warmline.yaml"
        var edited = try String(contentsOfFile: config, encoding: .utf8)
        edited += "\n# edited on site\n"
        try edited.write(toFile: config, atomically: true, encoding: .utf8)
        try "calls".write(toFile: "\(root)/var/lib/warmline/warmline.sqlite", atomically: true, encoding: .utf8)
        _ = try await installer.deploy()
        #expect(try String(contentsOfFile: config, encoding: .utf8) == edited)
        let kept = try await installer.uninstall(purge: false)
        #expect(!FileManager.default.fileExists(atPath: "\(root)/usr/local/bin/warmline"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/etc/systemd/system/warmline.service"))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/usr/share/warmline/Prompts"))
        #expect(FileManager.default.fileExists(atPath: config))
        #expect(FileManager.default.fileExists(atPath: "\(root)/var/lib/warmline/warmline.sqlite"))
        #expect(kept.contains { $0.hasPrefix("kept") && $0.contains("var/lib/warmline") })
        _ = try await installer.uninstall(purge: true)
        #expect(!FileManager.default.fileExists(atPath: config))
        #expect(!FileManager.default.fileExists(atPath: "\(root)/var/lib/warmline"))
    }

    @Test("with the worker beside the binary and the model from make deps, the model lands in /usr/lib/warmline/moonshine and the worker beside the installed binary",
          .enabled(if: FileManager.default.fileExists(atPath: "\(checkoutRoot)/.cache/models/moonshine-base-en/libmoonshine.so"), "run `make deps`"))
    func installsRecognizer() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let binary = try scratch.write("build/warmline", "#!/bin/sh\n")
        let worker = try scratch.write("build/warmline-recognizer", "#!/bin/sh\n")
        #expect(chmod(binary, 0o755) == 0 && chmod(worker, 0o755) == 0)
        let model = RecognizerModel(directory: "\(checkoutRoot)/.cache/models/moonshine-base-en")
        let installer = SystemdInstaller(prefix: scratch.path, sourceExecutable: binary, sourceModel: model)
        let files = try installer.installRecognizer() + installer.installBinaries()
        #expect(files.allSatisfy { $0.written })
        #expect(FileManager.default.isExecutableFile(atPath: scratch.file("usr/local/bin/warmline-recognizer")))
        let installed = WarmlineSpeech.RecognizerModel(directory: scratch.file("usr/lib/warmline/moonshine"))
        #expect(throws: Never.self) { try installed.validateFiles() }
        // the same bytes as the checked copy make deps unpacked
        let source = FileManager.default.contents(atPath: model.path("tokenizer.bin"))
        #expect(source != nil && FileManager.default.contents(atPath: installed.path("tokenizer.bin")) == source)
        // the folded decoder make deps derives goes along when it is there, so the installed worker decodes as fast
        #expect(installed.hasFoldedDecoder == model.hasFoldedDecoder)
        #expect(installed.searchDecoderPath.hasSuffix(model.hasFoldedDecoder ? WarmlineSpeech.RecognizerModel.foldedDecoderFile
                                                                                : WarmlineSpeech.RecognizerModel.decoderFile))
    }

    @Test("a prefix with a space is quoted on the ExecStart line")
    func quotesPaths() {
        let unit = SystemdInstaller(prefix: "/opt/warm line", sourceExecutable: "/bin/true").unitText()
        #expect(unit.contains("ExecStart=\"/opt/warm line/usr/local/bin/warmline\" run --config \"/opt/warm line/etc/warmline/warmline.yaml\"\n"))
    }

    @Test("systemd-analyze verify accepts the unit (when systemd-analyze is installed)")
    func systemdAccepts() throws {
        let tool = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return }
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let installer = SystemdInstaller(prefix: scratch.path, sourceExecutable: "/bin/true")
        _ = try installer.installBinaries()
        let files = try installer.install()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["verify", files[0].path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(!text.contains("warmline.service"), "\(text)")
    }

    @Test("the ALSA example parses with libasound2 and matches Config/asound-example.conf")
    func alsaExampleParses() throws {
        _ = try ALSAConfigOverlay(SystemdInstaller.alsaExample)
        #expect(try String(contentsOfFile: "\(checkoutRoot)/Config/asound-example.conf", encoding: .utf8)
                == SystemdInstaller.alsaExample)
    }
}

/// Whether `systemd-analyze security --offline=yes FILE` can rate a unit file here (no running systemd needed).
enum SystemdSecurityCheck {
    static let tool = "/usr/bin/systemd-analyze"

    /// Runs the check on `unitFile`; returns its exit status and everything it printed.
    static func run(_ unitFile: String) async throws -> (status: Int32, output: String) {
        try await SystemdInstaller.runTool([tool, "security", "--offline=yes", "--no-pager", unitFile])
    }

    /// The overall exposure it printed (`→ Overall exposure level for warmline.service: 1.2 OK`).
    static func exposure(_ output: String) -> Double? {
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Overall exposure level") }),
              let value = line.split(separator: ":").last?.split(separator: " ").first else { return nil }
        return Double(value)
    }

    /// Nil when the check runs; otherwise why it cannot (the test is skipped with this reason).
    static let unavailableReason: String? = {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return "\(tool) is not installed (Debian: systemd)" }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-probe-\(UUID().uuidString).service").path
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? "[Service]\nExecStart=/bin/true\n".write(toFile: probe, atomically: true, encoding: .utf8)) != nil,
              // a trait's condition is synchronous: the harness's blocking helper runs the probe
              let probed = try? WarmlineAudio.ChildProcess.run([tool, "security", "--offline=yes", "--no-pager", probe], mergingOutput: true)
        else { return "cannot run \(tool)" }
        let result = (status: probed.status, output: probed.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))
        guard result.status == 0, exposure(result.output) != nil else {
            return "\(tool) cannot rate a unit file offline (needs systemd >= 250): \(result.output.prefix(200))"
        }
        return nil
    }()
}

@Suite("SystemdInstaller sandbox")
struct SystemdInstallerSandboxTests {
    static let twoLines = """
        lines:
          - serial_device: "/dev/ttyACM0"
          - serial_device: "/dev/serial/by-id/usb-warmline-board-2"
            capture_device: "line2"
            playback_device: "line2"
        """

    @Test("the unit runs as warmline with no capabilities, a read-only system, and only ALSA and the config's serial devices")
    func unitIsSandboxed() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        try scratch.write("etc/warmline/warmline.yaml", Self.twoLines)
        let files = try SystemdInstaller(prefix: scratch.path, sourceExecutable: "/bin/true").install()
        #expect(files[0].description.contains("serial devices allowed: /dev/ttyACM0, /dev/serial/by-id/usb-warmline-board-2"))
        let lines = try String(contentsOfFile: files[0].path, encoding: .utf8).split(separator: "\n").map(String.init)
        for line in ["User=warmline", "Group=warmline", "SupplementaryGroups=audio dialout", "StateDirectory=warmline",
                     "CacheDirectory=warmline", "UMask=0027", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "AmbientCapabilities=",
                     "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "DevicePolicy=closed",
                     "DeviceAllow=/dev/ttyACM0 rw", "DeviceAllow=/dev/serial/by-id/usb-warmline-board-2 rw", "DeviceAllow=char-alsa rw",
                     "RestrictAddressFamilies=AF_UNIX", "PrivateNetwork=yes", "SystemCallFilter=@system-service",
                     "SystemCallArchitectures=native", "ProtectKernelTunables=yes", "ProtectKernelModules=yes",
                     "ProtectControlGroups=yes", "RestrictNamespaces=yes", "LockPersonality=yes", "MemoryDenyWriteExecute=yes",
                     "RestrictRealtime=yes", "RestrictSUIDSGID=yes", "ProtectClock=yes", "ProtectHostname=yes",
                     "ProtectKernelLogs=yes", "ProtectProc=invisible"] {
            #expect(lines.contains(line), "\(line) missing")
        }
        // exactly these devices: nothing else is opened up
        #expect(lines.filter { $0.hasPrefix("DeviceAllow=") }.count == 3)
        #expect(!lines.contains { $0.hasPrefix("ReadWritePaths=") })  // the defaults live in StateDirectory/CacheDirectory
    }

    @Test("a config that does not load leaves only the default serial device allowed, and the report says to fix it")
    func brokenConfigNamed() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        try scratch.write("etc/warmline/warmline.yaml", "tone_plan: atlantis\nlines:\n  - serial_device: \"/dev/ttyUSB7\"\n")
        let files = try SystemdInstaller(prefix: scratch.path, sourceExecutable: "/bin/true").install()
        #expect(files[0].description.contains("does not load, so only the default serial device is allowed; fix it and install again"))
        let unit = try String(contentsOfFile: files[0].path, encoding: .utf8)
        #expect(unit.contains("DeviceAllow=/dev/ttyACM0 rw\n") && !unit.contains("ttyUSB7"))
    }

    @Test("a unit that serves the network gets AF_INET and AF_INET6 and keeps the host network; a database elsewhere is writable")
    func networkAndPaths() {
        var config = UnitConfig()
        config.databasePath = "/srv/warmline/db/warmline.sqlite"
        var installer = SystemdInstaller(sourceExecutable: "/bin/true")
        installer.network = true
        let lines = installer.unitText(config: config).split(separator: "\n").map(String.init)
        #expect(lines.contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"))
        #expect(!lines.contains("PrivateNetwork=yes"))
        #expect(lines.contains("ReadWritePaths=/srv/warmline/db"))
    }

    @Test("systemd-analyze security rates the installed unit at most 2.5 (it rated the unsandboxed one 9.6)",
          .enabled(if: SystemdSecurityCheck.unavailableReason == nil,
                   Comment(rawValue: SystemdSecurityCheck.unavailableReason ?? "")))
    func exposureWithinBar() async throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let files = try SystemdInstaller(prefix: scratch.path, sourceExecutable: "/bin/true").install()
        let result = try await SystemdSecurityCheck.run(files[0].path)
        #expect(result.status == 0, "\(result.output)")
        let exposure = try #require(SystemdSecurityCheck.exposure(result.output), "\(result.output)")
        #expect(exposure <= 2.5, "\(result.output)")
        // the check can fail: a unit without the sandbox is rated far above the bar
        let bare = try scratch.write("bare/warmline.service", """
            [Service]
            Type=notify
            ExecStart=/usr/local/bin/warmline run --config /etc/warmline/warmline.yaml
            SupplementaryGroups=audio dialout

            """)
        #expect((SystemdSecurityCheck.exposure(try await SystemdSecurityCheck.run(bare).output) ?? 0) > 9)
    }

    @Test("under --prefix the warmline user is not created; the useradd it would run is printed")
    func accountUnderPrefix() async throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let message = try await SystemdInstaller(prefix: scratch.path, sourceExecutable: "/bin/true")
            .createServiceAccount { _ in
                Issue.record("useradd must not run under a prefix")
                return (1, "")
            }
        #expect(message == "skipped user warmline (under --prefix nothing outside it is touched); on the unit: /usr/sbin/useradd --system --user-group --groups audio,dialout "
                + "--home-dir /var/lib/warmline --no-create-home --shell /usr/sbin/nologin warmline")
    }

    @Test("on the real system as root the user is created once with useradd; a failure stops the install; without root it says what to run")
    func accountOnRealSystem() async throws {
        let ran = RanCommands()
        let runner: SystemdInstaller.ToolRunner = { command in
            ran.append(command)
            return (0, "")
        }
        #expect(try await SystemdInstaller.accountStep(onRealSystem: true, isRoot: true, userExists: false, runner: runner)
                == "created user warmline (groups audio, dialout)")
        #expect(ran.commands == [SystemdInstaller.useraddCommand])
        #expect(try await SystemdInstaller.accountStep(onRealSystem: true, isRoot: true, userExists: true, runner: runner).hasPrefix("kept  user warmline"))
        #expect(try await SystemdInstaller.accountStep(onRealSystem: true, isRoot: false, userExists: false, runner: runner)
                .hasPrefix("not root: user warmline was not created; as root run: /usr/sbin/useradd"))
        #expect(ran.commands.count == 1)
        await #expect(throws: SystemdInstaller.InstallError.self) {
            try await SystemdInstaller.accountStep(onRealSystem: true, isRoot: true, userExists: false) { _ in (9, "useradd: group 'dialout' does not exist") }
        }
    }
}

/// Commands a fake runner was asked to run.
final class RanCommands: Sendable {
    private let list = Mutex<[[String]]>([])

    func append(_ command: [String]) { list.withLock { $0.append(command) } }
    var commands: [[String]] { list.withLock { $0 } }
}
