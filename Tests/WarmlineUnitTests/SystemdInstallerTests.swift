import Foundation
import Testing
import WarmlineAudio
@testable import WarmlineUnit

@Suite("SystemdInstaller")
struct SystemdInstallerTests {
    @Test("install writes a notify unit with a 5 s watchdog, the default config and the ALSA example under the prefix")
    func writesEverything() throws {
        let scratch = try ScratchDirectory("install")
        defer { scratch.cleanUp() }
        let installer = SystemdInstaller(prefix: scratch.path, executablePath: "/usr/local/bin/warmline")
        let files = try installer.install()
        #expect(files.map(\.path) == [scratch.file("etc/systemd/system/warmline.service"),
                                      scratch.file("etc/warmline/warmline.yaml"),
                                      scratch.file("etc/warmline/asound-example.conf")])
        #expect(files.allSatisfy { $0.written })
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
