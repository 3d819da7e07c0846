import ArgumentParser

/// The `warmline` command: one subcommand per job, each a thin layer over a library.
@main
struct Warmline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warmline",
        abstract: "Fallback IVR that hands callers in distress to a human fast, and logs every decision.",
        version: WarmlineVersion.string,
        subcommands: [
            Demo.self, Run.self, Status.self,
            Logs.self, Calls.self, Callbacks.self, Report.self, Export.self, Backup.self, Purge.self, Subscribers.self, Passes.self, Serve.self,
            Prompts.self,
            Speech.self,
            Config.self, Install.self, Uninstall.self, Doctor.self, TestCall.self, Console.self,
        ]
    )
}

/// The version string printed by `warmline --version`.
enum WarmlineVersion {
    static let string = "0.1.0"
}
