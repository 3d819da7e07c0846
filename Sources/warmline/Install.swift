import ArgumentParser
import Foundation
import WarmlineSpeech
import WarmlineUnit

/// `warmline install`: deploys the unit: binaries, prompts, model, user, directories, config, systemd unit.
struct Install: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy the unit: binaries, prompts (rendered), speech model, the warmline user and its directories, the config "
            + "(kept if present) and the sandboxed systemd unit; then print the next steps in order.",
        discussion: "As root with --prefix / (the default) it creates the system user warmline (groups audio, dialout) and gives it "
            + "the data and cache directories. With another --prefix everything lands under that directory, the config and the unit "
            + "name paths inside it, and nothing outside it is touched (no user, no ownership). Run it from the repository root, "
            + "or give --prompts and --model.")

    @Option(help: ArgumentHelp("Root to install under: / on the unit, or a directory for a self-contained deployment.", valueName: "dir"))
    var prefix = "/"

    @Option(help: ArgumentHelp("The warmline binary to install (default: this one; warmline-recognizer is taken from beside it).",
                               valueName: "path"))
    var executable: String?

    @Option(help: ArgumentHelp("The Prompts directory to install.", valueName: "dir"))
    var prompts = "Prompts"

    @Option(help: ArgumentHelp("The Moonshine model `make deps` fetched (without it the unit runs on PocketSphinx alone).",
                               valueName: "dir"))
    var model = RecognizerModel.cacheDirectory

    func run() async throws {
        let binary = executable ?? (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let installer = SystemdInstaller(prefix: prefix, sourceExecutable: binary, sourcePrompts: prompts,
                                         sourceModel: RecognizerModel(directory: model))
        let report: SystemdInstaller.Report
        do {
            report = try await installer.deploy(onStep: { print($0) })
        } catch {
            throw CommandFailure.runtime("cannot install under \(prefix): \(error); the steps above were done, none after")
        }
        print("\nnext, in this order:")
        report.nextSteps.forEach { print("  " + $0) }
    }
}

/// `warmline uninstall`: removes what `install` put there; the config and the call records stay unless `--purge`.
struct Uninstall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove the unit, the binaries, the prompts and the model; keep the config and the database unless --purge.")

    @Option(help: ArgumentHelp("Root it was installed under.", valueName: "dir"))
    var prefix = "/"

    @Flag(help: "Also remove the config, the database and the rendered prompts (the call records are gone for good).")
    var purge = false

    func run() async throws {
        let installer = SystemdInstaller(prefix: prefix, sourceExecutable: "")
        do {
            try await installer.uninstall(purge: purge).forEach { print($0) }
        } catch {
            throw CommandFailure.runtime("cannot uninstall under \(prefix): \(error)")
        }
    }
}
