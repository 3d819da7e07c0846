import Foundation
import WarmlineDSP

/// Speech, music and noise for the benchmarks, rendered by espeak-ng and sox into .build/bench-corpus.
enum BenchCorpus {
    static let speechTexts: [(voice: String, text: String)] = [
        ("en-us", "Hello, I am calling about my account. My number is five five five, one two three four. Can I speak to a person please? I have no balance left and I need to call my family."),
        ("en-gb", "Please help me, there has been an accident on the motorway, two cars, and somebody is hurt. I am at the junction near the old station, nine eight seven."),
        ("en-gb-x-rp", "The quarterly review shows that call volumes rose by twenty one percent, while average handling time fell to four minutes and thirty seconds."),
        ("de", "Guten Tag, ich habe eine Frage zu meiner Rechnung. Meine Kundennummer ist sieben drei null acht vier zwei eins."),
        ("fr-fr", "Bonjour, je voudrais parler à un conseiller. Mon numéro de téléphone est le zéro six, quarante deux, dix huit, soixante."),
        ("es", "Hola, necesito ayuda con mi línea. No tengo saldo y mi hijo está enfermo. Por favor, páseme con una persona."),
        ("tr", "Merhaba, faturam hakkında bilgi almak istiyorum. Numaram beş yüz otuz iki, dokuz sekiz yedi altı."),
        ("uk", "Добрий день, мені потрібна допомога. У мене закінчилися гроші на рахунку, а мені треба подзвонити мамі."),
        ("it", "Buongiorno, vorrei sapere quando arriva il tecnico. Il mio codice cliente è quattro cinque sei sette."),
        ("en-us-nyc", "Operator! Operator! I keep pressing zero and nothing happens. Is anybody there? Hello? Hello?"),
    ]

    /// All speech clips at 8 kHz, one per text, in several voices, pitches and speeds.
    static func speech() throws -> [[Int16]] {
        let dir = try BenchSupport.corpusDirectory()
        var clips: [[Int16]] = []
        for (index, entry) in speechTexts.enumerated() {
            let pitch = [35, 50, 70, 25, 60][index % 5]
            let speed = [150, 165, 175, 140, 160][index % 5]
            let url = dir.appendingPathComponent("speech-\(index).raw")
            if !FileManager.default.fileExists(atPath: url.path) {
                let wav = dir.appendingPathComponent("speech-\(index).wav")
                try BenchSupport.shell("espeak-ng -v \(entry.voice) -p \(pitch) -s \(speed) -w '\(wav.path)' \(shellQuote(entry.text))")
                try BenchSupport.shell("sox '\(wav.path)' -t raw -r 8000 -c 1 -b 16 -e signed '\(url.path)' highpass 100 lowpass 3400")
                try? FileManager.default.removeItem(at: wav)
            }
            clips.append(try BenchSupport.readRaw(url))
        }
        return clips
    }

    /// Music with no DTMF: sox-synthesised chord progressions on plucked, sawtooth and triangle voices.
    static func music() throws -> [[Int16]] {
        let dir = try BenchSupport.corpusDirectory()
        let progressions: [[String]] = [
            ["C3 E4 G4 C5", "F3 A4 C5 F5", "G3 B4 D5 G5", "A2 C4 E4 A4"],
            ["D3 F#4 A4 D5", "G3 B4 D5 G5", "A3 C#5 E5 A5", "B2 D4 F#4 B4"],
            ["E3 G#4 B4 E5", "A3 C#5 E5 A5", "B3 D#5 F#5 B5", "C#3 E4 G#4 C#5"],
        ]
        let instruments = ["pluck", "sawtooth", "triangle"]
        var clips: [[Int16]] = []
        for (p, chords) in progressions.enumerated() {
            for (i, instrument) in instruments.enumerated() {
                let url = dir.appendingPathComponent("music-\(p)-\(i).raw")
                if !FileManager.default.fileExists(atPath: url.path) {
                    var pieces: [String] = []
                    for (c, chord) in chords.enumerated() {
                        let notes = chord.split(separator: " ")
                        let synth = notes.map { "\(instrument) \($0)" }.joined(separator: " ")
                        let piece = dir.appendingPathComponent("music-\(p)-\(i)-\(c).raw")
                        try BenchSupport.shell("sox -n -r 8000 -b 16 -e signed -c \(notes.count) -t raw - synth 1.0 \(synth) fade 0.02 1.0 0.1 | sox -t raw -r 8000 -b 16 -e signed -c \(notes.count) - -t raw -c 1 '\(piece.path)' remix - gain -n -12")
                        pieces.append("'\(piece.path)'")
                    }
                    let joined = pieces.map { "-t raw -r 8000 -b 16 -e signed -c 1 \($0)" }.joined(separator: " ")
                    try BenchSupport.shell("sox \(joined) -t raw '\(url.path)' repeat 2")
                    for piece in pieces { try BenchSupport.shell("rm -f \(piece)") }
                }
                clips.append(try BenchSupport.readRaw(url))
            }
        }
        return clips
    }

    /// Scales `samples` so their active-speech RMS (frames above -50 dBm0) is at `levelDBm0`.
    static func normalize(_ samples: [Int16], toActiveLevelDBm0 level: Double) -> [Double] {
        let frame = 160
        var power = 0.0, count = 0
        var start = 0
        while start + frame <= samples.count {
            var p = 0.0
            for i in start..<(start + frame) { p += Double(samples[i]) * Double(samples[i]) }
            p /= Double(frame)
            if DBm0.level(meanPower: p) > -50 { power += p; count += 1 }
            start += frame
        }
        let current = count > 0 ? power / Double(count) : 1
        let gain = (DBm0.meanPower(levelDBm0: level) / current).squareRoot()
        return samples.map { Double($0) * gain }
    }

    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
