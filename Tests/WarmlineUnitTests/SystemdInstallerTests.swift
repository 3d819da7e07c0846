import Foundation
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
