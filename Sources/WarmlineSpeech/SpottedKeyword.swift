import WarmlineCore

/// A keyword the spotter accepted, placed in line audio time (frames = 8 kHz samples since the line's first sample).
public struct SpottedKeyword: Sendable, Equatable {
    /// The hit as the engine takes it (`CallInput.keyword`).
    public var hit: KeywordHit
    /// First frame of the keyword.
    public var startFrame: Int
    /// Frame just after the keyword's last sample.
    public var endFrame: Int
    /// Frame of line audio that had been fed when the spotter decided (decision latency = this − `endFrame`).
    public var decidedAtFrame: Int
    /// Keyphrase score over the phone loop minus 1500, as PocketSphinx reports it (log base 1.0001, shifted 10 bits); larger is surer.
    public var score: Int
    /// What the second pass heard (a transcript, or the language-model decode); nil when no second pass ran.
    public var confirmedBy: String?
    /// How the hit was decided: "first pass, sure", "transcript: distress: 'call the police' (...)",
    /// "first pass alone: recogniser unavailable: ...", or for a rejected candidate why it was turned down.
    public var verdict: String?
    /// Wall-clock milliseconds the recogniser took to answer, when it was asked (the decision waited that long).
    public var recognizerMs: Int?

    /// Makes a spotted keyword.
    public init(hit: KeywordHit, startFrame: Int, endFrame: Int, decidedAtFrame: Int, score: Int, confirmedBy: String? = nil) {
        self.hit = hit
        self.startFrame = startFrame
        self.endFrame = endFrame
        self.decidedAtFrame = decidedAtFrame
        self.score = score
        self.confirmedBy = confirmedBy
    }
}
