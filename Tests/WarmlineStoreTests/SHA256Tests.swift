import Foundation
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

@Suite("SHA256", .holdsItsThread)
struct SHA256Tests {
    @Test("matches the FIPS 180-2 example vectors", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func fipsVectors(message: String, digest: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test("one million 'a' fed in uneven chunks gives the FIPS long-message digest")
    func millionA() {
        var hash = SHA256()
        let chunk = [UInt8](repeating: 0x61, count: 9_973)
        var remaining = 1_000_000
        while remaining > 0 {
            let count = min(remaining, chunk.count)
            chunk[0..<count].withUnsafeBytes { hash.update($0) }
            remaining -= count
        }
        #expect(SHA256.hexString(hash.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("padding boundaries (55, 56, 63, 64, 65 bytes) agree with sha256sum")
    func paddingBoundariesMatchCoreutils() throws {
        let directory = TemporaryDirectory()
        for length in [55, 56, 63, 64, 65, 119, 120] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = directory.file("b\(length)")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(try SHA256.hex(ofFileAt: path) == Coreutils.sha256sum(path))
            #expect(try SHA256.hex(of: bytes) == Coreutils.sha256sum(path))
        }
    }
}

/// The system's `sha256sum`, an independent implementation to check against.
enum Coreutils {
    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: output, as: UTF8.self).prefix(64))
    }
}
