import Foundation
import WarmlineAudio

/// A caller the demo and the end-to-end tests place on a line: who rings, how the agent behaves, what they do.
public struct ScriptedCaller: Sendable {
    /// What the caller is about, for the transcript ("balance check").
    public var label: String
    /// Caller ID the network sends.
    public var number: String
    /// Caller name the network sends.
    public var name: String
    /// Cached balance to import for this number (minor units); nil: not a known subscriber.
    public var balanceMinor: Int64?
    /// How the emulator's agent answers a hand-off: `answer`, `busy` or `noanswer`.
    public var agent: String
    /// What the caller does once answered; a script without `.hangUp` hangs up when its audio ends.
    public var steps: [CallerStep]

    /// Makes a scripted caller.
    public init(label: String, number: String, name: String, balanceMinor: Int64? = nil, agent: String = "answer",
                steps: [CallerStep]) {
        self.label = label
        self.number = number
        self.name = name
        self.balanceMinor = balanceMinor
        self.agent = agent
        self.steps = steps
    }
}

/// Caller speech rendered at run time with flite (or espeak-ng when flite is missing), as 8 kHz line audio.
public enum CallerSpeech {
    /// Renders `text` into `directory` and returns its samples at `sampleRate`.
    public static func render(_ text: String, directory: String, sampleRate: Int = 8000) throws -> [Int16] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let slug = String(text.lowercased().map { $0.isLetter ? $0 : "-" })
        let raw = "\(directory)/\(slug)-tts.wav"
        let line = "\(directory)/\(slug)-\(sampleRate).wav"
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/flite") {
            try ChildProcess.runSucceeding(["/usr/bin/flite", "-voice", "slt", "-t", text, "-o", raw])
        } else {
            try ChildProcess.runSucceeding(["/usr/bin/espeak-ng", "-w", raw, text])
        }
        try ChildProcess.runSucceeding(["/usr/bin/sox", "-q", "-D", raw, "-r", "\(sampleRate)", "-c", "1", "-b", "16", "-e", "signed-integer", line,
                                       "sinc", "300-3400", "pad", "0.2", "0.2"])
        return try WAVFile.read(path: line).samples
    }
}
