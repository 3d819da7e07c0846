import Crypto
import Foundation

/// SHA-256 for the export manifest, streaming, with hex digests: the hashing is swift-crypto's (the one SHA-256 in
/// the tree); this adds files and hex.
public struct SHA256: Sendable {
    private var hash = Crypto.SHA256()

    /// A fresh hash.
    public init() {}

    /// Feeds bytes.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        hash.update(data: Array(bytes))
    }

    /// Feeds bytes from a buffer (the fast path for files).
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        hash.update(bufferPointer: buffer)
    }

    /// Finishes and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        Array(hash.finalize())
    }

    /// Lowercase hex digest of `bytes`.
    public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var hash = SHA256()
        hash.update(bytes)
        return hexString(hash.finalize())
    }

    /// Lowercase hex digest of a file's contents, read in 1 MiB chunks.
    public static func hex(ofFileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw StoreError.badExportTarget(path: path, reason: "cannot read file to hash it")
        }
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hash.update($0) }
        }
        return hexString(hash.finalize())
    }

    static func hexString(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
