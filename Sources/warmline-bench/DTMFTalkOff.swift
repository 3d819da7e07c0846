import Foundation
import WarmlineDSP

/// The wide talk-off material rendered by Scripts/dtmf-talkoff.py into .build/dtmf-talkoff (not committed).
enum DTMFTalkOff {
    /// One clip of speech or music with the bench row it belongs to.
    struct Clip {
        var row: String
        var heldOut: Bool
        var url: URL
        var seconds: Double
    }

    /// Active levels each clip is played at (dBm0): hot, nominal and quiet lines.
    static let levelsDBm0: [Double] = [-8, -18, -28]

    /// Renders the material when missing (the script skips clips already there) and reads its manifest.
    static func clips() throws -> [Clip] {
        let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let dir = root.appendingPathComponent(".build/dtmf-talkoff", isDirectory: true)
        let script = root.appendingPathComponent("Scripts/dtmf-talkoff.py")
        try BenchSupport.shell("python3 '\(script.path)' '\(dir.path)'")
        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        var clips: [Clip] = []
        for line in manifest.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4, let seconds = Double(fields[3]) else {
                throw BenchError.peerOutput("dtmf-talkoff manifest line '\(line)': expected row, held out, file, seconds")
            }
            clips.append(Clip(row: fields[0], heldOut: fields[1] == "1", url: dir.appendingPathComponent(fields[2]), seconds: seconds))
        }
        return clips
    }

    /// Reads `clip` and scales its active level (20 ms frames above -50 dBm0) to `levelDBm0`.
    static func samples(of clip: Clip, levelDBm0: Double) throws -> [Int16] {
        BenchCorpus.normalize(try BenchSupport.readRaw(clip.url), toActiveLevelDBm0: levelDBm0).map(DTMFGenerator.quantize)
    }
}
