import Foundation
import Synchronization
import Testing
import WarmlineAudio
import WarmlineSpeech
@testable import WarmlineUnit

@Suite("SystemdInstaller")
struct SystemdInstallerTests {
    @Test("install writes a notify unit with a 5 s watchdog, the default config and the ALSA example under the prefix")
    func writesEverything() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let installer = SystemdInstaller(prefix: scratch.path, executablePath: "/usr/local/bin/warmline")
        let files = try installer.install()
        #expect(Array(files.map(\.path).prefix(3)) == [scratch.file("etc/systemd/system/warmline.service"),
                                                       scratch.file("etc/warmline/warmline.yaml"),
                                                       scratch.file("etc/warmline/asound-example.conf")])
        #expect(files.prefix(3).allSatisfy { $0.written })
        // no worker beside /usr/local/bin/warmline: the recogniser is not installed, and the report says why
        #expect(files.count == 4)
        #expect(files.last?.written == false)
        #expect(files.last?.description.contains("PocketSphinx alone") == true)
        let unit = try String(contentsOfFile: files[0].path, encoding: .utf8)
        for line in ["Type=notify", "WatchdogSec=5s", "Restart=always", "NotifyAccess=main",
                     "ExecStart=/usr/local/bin/warmline run --config /etc/warmline/warmline.yaml",
                     "ExecReload=/bin/kill -HUP $MAINPID", "WantedBy=multi-user.target"] {
            #expect(unit.split(separator: "\n").contains(Substring(line)), "\(line) missing")
        }
        #expect(try UnitConfigLoader().load(path: files[1].path) == UnitConfig())
        #expect(try String(contentsOfFile: files[2].path, encoding: .utf8) == SystemdInstaller.alsaExample)
    }

    @Test("an existing config is kept as the technician left it, and the report says so")
    func keepsExistingConfig() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let edited = try scratch.write("etc/warmline/warmline.yaml", "tone_plan: uk\n")
        let files = try SystemdInstaller(prefix: scratch.path, executablePath: "/usr/bin/warmline").install()
        #expect(files[1] == SystemdInstaller.InstalledFile(path: edited, written: false, what: "default config"))
        #expect(files[1].description.contains("not overwritten"))
        #expect(try String(contentsOfFile: edited, encoding: .utf8) == "tone_plan: uk\n")
    }

    @Test("with the worker beside the binary and the model from make deps, both land in /usr/lib/warmline and the unit finds them",
          .enabled(if: FileManager.default.fileExists(atPath: ".cache/models/moonshine-base-en/libmoonshine.so"), "run `make deps`"))
    func installsRecognizer() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let worker = try scratch.write("build/warmline-recognizer", "#!/bin/sh\n")
        #expect(chmod(worker, 0o755) == 0)
        let files = try SystemdInstaller(prefix: scratch.path, executablePath: scratch.file("build/warmline")).installRecognizer()
        #expect(files.allSatisfy { $0.written })
        #expect(files.last?.path == scratch.file("usr/lib/warmline/warmline-recognizer"))
        #expect(FileManager.default.isExecutableFile(atPath: scratch.file("usr/lib/warmline/warmline-recognizer")))
        let installed = WarmlineSpeech.RecognizerModel(directory: scratch.file("usr/lib/warmline/moonshine"))
        #expect(throws: Never.self) { try installed.validateFiles() }
        // the same bytes as the checked copy make deps unpacked
        let source = FileManager.default.contents(atPath: ".cache/models/moonshine-base-en/tokenizer.bin")
        #expect(source != nil && FileManager.default.contents(atPath: installed.path("tokenizer.bin")) == source)
    }

    @Test("a binary path with a space is quoted on the ExecStart line")
    func quotesPaths() {
        let unit = SystemdInstaller(executablePath: "/opt/warm line/warmline", configPath: "/etc/w.yaml").unitText()
        #expect(unit.contains("ExecStart=\"/opt/warm line/warmline\" run --config /etc/w.yaml\n"))
    }

    @Test("systemd-analyze verify accepts the unit (when systemd-analyze is installed)")
    func systemdAccepts() throws {
        let tool = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return }
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let files = try SystemdInstaller(prefix: scratch.path, executablePath: "/bin/true").install()
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
    static func run(_ unitFile: String) throws -> (status: Int32, output: String) {
        try SystemdInstaller.runTool([tool, "security", "--offline=yes", "--no-pager", unitFile])
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
              let result = try? run(probe) else { return "cannot run \(tool)" }
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
        let files = try SystemdInstaller(prefix: scratch.path, executablePath: "/usr/local/bin/warmline").install()
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
        let files = try SystemdInstaller(prefix: scratch.path, executablePath: "/usr/bin/warmline").install()
        #expect(files[0].description.contains("does not load, so only the default serial device is allowed; fix it and install again"))
        let unit = try String(contentsOfFile: files[0].path, encoding: .utf8)
        #expect(unit.contains("DeviceAllow=/dev/ttyACM0 rw\n") && !unit.contains("ttyUSB7"))
    }

    @Test("a unit that serves the network gets AF_INET and AF_INET6 and keeps the host network; a database elsewhere is writable")
    func networkAndPaths() {
        var config = UnitConfig()
        config.databasePath = "/srv/warmline/db/warmline.sqlite"
        var installer = SystemdInstaller(executablePath: "/usr/bin/warmline")
        installer.network = true
        let lines = installer.unitText(config: config).split(separator: "\n").map(String.init)
        #expect(lines.contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6"))
        #expect(!lines.contains("PrivateNetwork=yes"))
        #expect(lines.contains("ReadWritePaths=/srv/warmline/db"))
    }

    @Test("systemd-analyze security rates the installed unit at most 2.5 (it rated the unsandboxed one 9.6)",
          .enabled(if: SystemdSecurityCheck.unavailableReason == nil,
                   Comment(rawValue: SystemdSecurityCheck.unavailableReason ?? "")))
    func exposureWithinBar() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let files = try SystemdInstaller(prefix: scratch.path, executablePath: "/usr/local/bin/warmline").install()
        let result = try SystemdSecurityCheck.run(files[0].path)
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
        #expect((SystemdSecurityCheck.exposure(try SystemdSecurityCheck.run(bare).output) ?? 0) > 9)
    }

    @Test("under --prefix the warmline user is not created; the useradd it would run is printed")
    func accountUnderPrefix() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let message = try SystemdInstaller(prefix: scratch.path, executablePath: "/usr/bin/warmline")
            .createServiceAccount { _ in
                Issue.record("useradd must not run under a prefix")
                return (1, "")
            }
        #expect(message == "would run (files only under --prefix): /usr/sbin/useradd --system --user-group --groups audio,dialout "
                + "--home-dir /var/lib/warmline --no-create-home --shell /usr/sbin/nologin warmline")
    }

    @Test("on the real system as root the user is created once with useradd; a failure stops the install; without root it says what to run")
    func accountOnRealSystem() throws {
        let ran = RanCommands()
        let runner: SystemdInstaller.ToolRunner = { command in
            ran.append(command)
            return (0, "")
        }
        #expect(try SystemdInstaller.accountStep(onRealSystem: true, isRoot: true, userExists: false, runner: runner)
                == "created user warmline (groups audio, dialout)")
        #expect(ran.commands == [SystemdInstaller.useraddCommand])
        #expect(try SystemdInstaller.accountStep(onRealSystem: true, isRoot: true, userExists: true, runner: runner).hasPrefix("kept  user warmline"))
        #expect(try SystemdInstaller.accountStep(onRealSystem: true, isRoot: false, userExists: false, runner: runner)
                .hasPrefix("not root: user warmline was not created; as root run: /usr/sbin/useradd"))
        #expect(ran.commands.count == 1)
        #expect(throws: SystemdInstaller.InstallError.self) {
            try SystemdInstaller.accountStep(onRealSystem: true, isRoot: true, userExists: false) { _ in (9, "useradd: group 'dialout' does not exist") }
        }
    }
}

/// Commands a fake runner was asked to run.
final class RanCommands: Sendable {
    private let list = Mutex<[[String]]>([])

    func append(_ command: [String]) { list.withLock { $0.append(command) } }
    var commands: [[String]] { list.withLock { $0 } }
}
