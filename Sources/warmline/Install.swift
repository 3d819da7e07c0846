import ArgumentParser
import Foundation
import WarmlineUnit

/// `warmline install`: writes the systemd unit, the default config and the ALSA example.
struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the warmline user and write the sandboxed systemd unit (Type=notify, 5 s watchdog), the default config and an ALSA example.",
        discussion: "As root on the real system (--prefix /) it creates the system user warmline (groups audio, dialout) the unit runs as; "
            + "with another --prefix it writes files only and prints the useradd it would run.")

    @Option(help: ArgumentHelp("Root to install under (a staging directory, or / on the unit).", valueName: "dir"))
    var prefix = "/"

    @Option(help: ArgumentHelp("The warmline binary the service runs (default: this one).", valueName: "path"))
    var executable: String?

    @Option(help: ArgumentHelp("The config file the service reads.", valueName: "path"))
    var config = UnitConfig.defaultPath

    func run() throws {
        let binary = executable ?? Bundle.main.executablePath ?? "/usr/local/bin/warmline"
        let installer = SystemdInstaller(prefix: prefix, executablePath: binary, configPath: config)
        let files: [SystemdInstaller.InstalledFile]
        let account: String
        do {
            account = try installer.createServiceAccount()
            files = try installer.install()
        } catch let error as SystemdInstaller.InstallError {
            throw CommandFailure.runtime("cannot install under \(prefix): \(error)")
        } catch {
            throw CommandFailure.runtime("cannot install under \(prefix): \(error.localizedDescription)")
        }
        print(account)
        files.forEach { print($0) }
        print("next: systemctl daemon-reload && systemctl enable --now warmline; then `warmline doctor --config \(config)`")
    }
}
