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
