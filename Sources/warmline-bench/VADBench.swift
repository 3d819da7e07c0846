import ArgumentParser

/// `warmline-bench vad`: placeholder until the VAD benchmark lands.
struct VADBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vad", abstract: "VAD vs WebRTC VAD mode 2.")
    func run() throws {}
}
