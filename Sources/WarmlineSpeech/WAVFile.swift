import Foundation

/// Reads 16-bit PCM mono WAV files (the evaluation set, test renders, `warmline speech spot`).
public enum WAVFile {
    /// Samples and rate of a 16-bit mono PCM WAV file.
    public static func readMono16(path: String) throws(SpeechSetupError) -> (samples: [Int16], sampleRateHz: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpeechSetupError(file: path, reason: "audio file not found or unreadable")
        }
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        guard bytes.count >= 12, String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF",
              String(decoding: bytes[8..<12], as: UTF8.self) == "WAVE" else {
            throw SpeechSetupError(file: path, reason: "not a RIFF/WAVE file")
        }
        var offset = 12
        var sampleRateHz = 0
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard body + 16 <= bytes.count, u16(body) == 1 || u16(body) == 0xFFFE, u16(body + 2) == 1,
                      u16(body + 14) == 16 else {
                    throw SpeechSetupError(file: path, reason: "need 16-bit PCM mono (convert with sox -b 16 -c 1)")
                }
                sampleRateHz = u32(body + 4)
            } else if id == "data" {
                guard sampleRateHz > 0 else { throw SpeechSetupError(file: path, reason: "data chunk before fmt chunk") }
                let end = min(bytes.count, body + size) & ~1
                var samples = [Int16](repeating: 0, count: (end - body) / 2)
                for index in samples.indices {
                    samples[index] = Int16(bitPattern: UInt16(bytes[body + 2 * index]) | UInt16(bytes[body + 2 * index + 1]) << 8)
                }
                return (samples, sampleRateHz)
            }
            offset = body + size + (size & 1)
        }
        throw SpeechSetupError(file: path, reason: "no data chunk")
    }
}
