import Foundation

/// A mono S16 PCM WAV file: what the prompt cache holds and what the file plugin records.
public struct WAVFile: Sendable, Equatable {
    /// Frames per second.
    public var sampleRate: Int
    /// The samples, S16 mono.
    public var samples: [Int16]

    /// A WAV with `samples` at `sampleRate`.
    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// Why a file is not a WAV Warmline can use.
    public struct FormatError: Error, CustomStringConvertible {
        /// The file.
        public var path: String
        /// What is wrong with it.
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Reads a PCM WAV with one 16-bit channel; other layouts are a `FormatError`.
    public static func read(path: String) throws -> WAVFile {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        func fail(_ reason: String) -> FormatError { FormatError(path: path, reason: reason) }
        guard data.count >= 12, data.prefix(4) == Data("RIFF".utf8), data[8..<12] == Data("WAVE".utf8) else {
            throw fail("not a RIFF/WAVE file")
        }
        func u32(_ at: Int) -> Int { data[at..<at + 4].reversed().reduce(0) { $0 << 8 | Int($1) } }
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        var offset = 12
        var rate: Int?
        while offset + 8 <= data.count {
            let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard body + 16 <= data.count else { throw fail("truncated fmt chunk") }
                let encoding = u16(body), channels = u16(body + 2), bits = u16(body + 14)
                guard encoding == 1, channels == 1, bits == 16 else {
                    throw fail("format \(encoding), \(channels) channels, \(bits) bits; need PCM mono 16-bit")
                }
                rate = u32(body + 4)
            } else if id == "data" {
                guard let rate else { throw fail("data chunk before fmt chunk") }
                // A writer killed before fixing the header leaves a wrong size: trust the file length.
                let end = size == 0 || body + size > data.count ? data.count : body + size
                let count = (end - body) / 2
                var samples = [Int16](repeating: 0, count: count)
                samples.withUnsafeMutableBytes { raw in
                    _ = data.copyBytes(to: raw, from: body..<body + count * 2)
                }
                return WAVFile(sampleRate: rate, samples: samples.map { Int16(littleEndian: $0) })
            }
            offset = body + size + (size & 1)
        }
        throw fail("no data chunk")
    }

    /// The file's bytes: a 44-byte PCM header and the samples, little-endian.
    public func encoded() -> Data {
        var data = Data()
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { data.append(contentsOf: $0) } }
        func put16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8)); put32(36 + samples.count * 2)
        data.append(contentsOf: Array("WAVEfmt ".utf8)); put32(16)
        put16(1); put16(1); put32(sampleRate); put32(sampleRate * 2); put16(2); put16(16)
        data.append(contentsOf: Array("data".utf8)); put32(samples.count * 2)
        samples.map(\.littleEndian).withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// Writes the file atomically (a reader never sees half a prompt).
    public func write(path: String) throws {
        try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
