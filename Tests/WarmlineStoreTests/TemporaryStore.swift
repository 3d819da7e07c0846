import Foundation
import GRDB
@testable import WarmlineStore

/// A fresh directory under /tmp for one test, removed when the value is dropped.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "warmline-store-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        _ = chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    /// Opens a store at `warmline.sqlite` in this directory.
    func store() throws -> StoreDatabase {
        try StoreDatabase(path: file("warmline.sqlite"))
    }
}

/// Polls `condition` every 5 ms until it holds or `timeoutMs` passes (waits on the writer thread, not on call logic).
func eventually(timeoutMs: Int = 10_000, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1_000)
    while Date() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}

func eventCount(_ store: StoreDatabase, type: String? = nil) throws -> Int {
    try store.pool.read { db in
        if let type {
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE type = ?", arguments: [type]) ?? 0
        }
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
    }
}

/// Executables built beside the test binary (`swift build --build-tests` puts every product in one directory).
enum BuildProducts {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing: build it with `swift build --build-tests`" }
    }

    static func executable(_ name: String) throws -> String {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = ((testBinary as NSString).deletingLastPathComponent as NSString).appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path) }
        return path
    }

    /// Runs `name` with `arguments`; returns exit status, stdout and stderr.
    static func run(_ name: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executable(name))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TZ"] = "UTC"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
