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

        /// A format error in the file at `path`, for `reason`.
        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// What a WAV file's `fmt ` chunk says, read before its samples are.
    public struct Header: Sendable, Equatable, CustomStringConvertible {
        /// WAVE format tag: 1 is integer PCM, 3 float, 6/7 A-law/mu-law (an extensible file gives its sub-format).
        public var encoding: Int
        /// Interleaved channels.
        public var channels: Int
        /// Frames per second.
        public var sampleRate: Int
        /// Bits per sample.
        public var bitsPerSample: Int
        /// Byte offset of the samples in the file.
        var dataOffset: Int
        /// Bytes of samples (the file length when the header's size is missing or too large).
        var dataBytes: Int

        /// True for the one layout Warmline plays: integer PCM, one channel, 16 bits.
        public var isMonoPCM16: Bool { encoding == 1 && channels == 1 && bitsPerSample == 16 }

        /// `16000 Hz stereo 16-bit PCM`, as a technician would say it.
        public var description: String {
            let layout = channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels)-channel"
            let kind: String
            switch encoding {
            case 1: kind = "PCM"
            case 3: kind = "float"
            case 6: kind = "A-law"
            case 7: kind = "mu-law"
            default: kind = "encoding \(encoding)"
            }
            return "\(sampleRate) Hz \(layout) \(bitsPerSample)-bit \(kind)"
        }
    }

    /// Reads the format of the WAV at `path` without taking its samples; a file that is not a WAV is a `FormatError`.
    public static func header(path: String) throws -> Header {
        try header(of: try Data(contentsOf: URL(fileURLWithPath: path)), path: path)
    }

    private static func header(of data: Data, path: String) throws -> Header {
        func fail(_ reason: String) -> FormatError { FormatError(path: path, reason: reason) }
        guard data.count >= 12, data.prefix(4) == Data("RIFF".utf8), data[8..<12] == Data("WAVE".utf8) else {
            throw fail("not a RIFF/WAVE file")
        }
        func u32(_ at: Int) -> Int { data[at..<at + 4].reversed().reduce(0) { $0 << 8 | Int($1) } }
        func u16(_ at: Int) -> Int { Int(data[at]) | Int(data[at + 1]) << 8 }
        var offset = 12
        var format: (encoding: Int, channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= data.count {
            let id = String(decoding: data[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard body + 16 <= data.count else { throw fail("truncated fmt chunk") }
                var encoding = u16(body)
                // WAVE_FORMAT_EXTENSIBLE (sox writes it for some layouts) names the real format in its sub-format GUID.
                if encoding == 0xFFFE, size >= 40, body + 26 <= data.count { encoding = u16(body + 24) }
                format = (encoding, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                guard let format else { throw fail("data chunk before fmt chunk") }
                // A writer killed before fixing the header leaves a wrong size: trust the file length.
                let end = size == 0 || body + size > data.count ? data.count : body + size
                return Header(encoding: format.encoding, channels: format.channels, sampleRate: format.rate,
                              bitsPerSample: format.bits, dataOffset: body, dataBytes: end - body)
            }
            offset = body + size + (size & 1)
        }
        throw fail("no data chunk")
    }

    /// Reads a PCM WAV with one 16-bit channel; other layouts are a `FormatError`.
    public static func read(path: String) throws -> WAVFile {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let header = try header(of: data, path: path)
        guard header.isMonoPCM16 else {
            throw FormatError(path: path, reason: "format \(header.encoding), \(header.channels) channels, "
                              + "\(header.bitsPerSample) bits; need PCM mono 16-bit")
        }
        let count = header.dataBytes / 2
        var samples = [Int16](repeating: 0, count: count)
        samples.withUnsafeMutableBytes { raw in
            _ = data.copyBytes(to: raw, from: header.dataOffset..<header.dataOffset + count * 2)
        }
        return WAVFile(sampleRate: header.sampleRate, samples: samples.map { Int16(littleEndian: $0) })
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
