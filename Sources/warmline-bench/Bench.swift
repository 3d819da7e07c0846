import ArgumentParser

/// `warmline-bench`: benchmarks that print Warmline's figures beside a peer's, measured in the same run.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warmline-bench",
        abstract: "Warmline benchmarks, side by side with their peers.",
        subcommands: [
            DTMFBench.self,
            VADBench.self,
            StoreBench.self,
            BoardBench.self,
            AudioBench.self,
            SpeechBench.self,
            UnitBench.self,
        ]
    )
}
