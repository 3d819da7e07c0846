import Foundation
import Testing
import WarmlineTestScheduling
@testable import WarmlineStore

@Suite("StoreFileMode", .serialized, .holdsItsThread)
struct StoreFileModeTests {
    static func mode(_ path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    /// Runs `body` with the umask most shells have (0022), which would leave SQLite's files 0644.
    static func withUmask<T>(_ mask: mode_t = 0o022, _ body: () throws -> T) rethrows -> T {
        let saved = umask(mask)
        defer { umask(saved) }
        return try body()
    }

    @Test("a fresh store's database, WAL and SHM are 0640 and the directories it made 0750, whatever the umask")
    func freshStoreModes() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("state/warmline/warmline.sqlite")
        let store = try Self.withUmask { try StoreDatabase(path: path) }
        let writer = EventWriter(path: path)
        defer { writer.close() }
        _ = writer.enqueue(callID: "c1", frameTime: 0, type: EventType.callRing, payload: #"{"caller_id":"+15550402"}"#)
        #expect(writer.flush(timeoutMs: 5_000))
        #expect(try eventCount(store) == 1)
        #expect(Self.mode(path) == 0o640)
        #expect(Self.mode(path + "-wal") == 0o640)
        #expect(Self.mode(path + "-shm") == 0o640)
        #expect(Self.mode(directory.file("state/warmline")) == 0o750)
        #expect(Self.mode(directory.file("state")) == 0o750)
    }

    @Test("an export's directory is 0750 and its database copy, CSV files, manifest and checksums are 0640")
    func exportModes() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let target = directory.file("usb/export-1")
        let manifest = try Self.withUmask { try store.export(to: target) }
        #expect(Self.mode(target) == 0o750)
        let names = manifest.files.map(\.name) + [ExportManifest.manifestFileName, ExportManifest.checksumFileName]
        #expect(names.count == StoreSchema.tableNames.count + 3)
        for name in names {
            #expect(Self.mode((target as NSString).appendingPathComponent(name)) == 0o640, "\(name)")
        }
    }

    @Test("a database an older Warmline left 0644 is 0640 once opened, and its rows are intact")
    func olderDatabaseTightened() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("warmline.sqlite")
        do {
            let store = try StoreDatabase(path: path)
            try store.saveCall(CallRecord(id: "c1", line: 1, startedAtMs: 1))
        }
        #expect(chmod(path, 0o644) == 0)
        let reopened = try StoreDatabase(path: path)
        #expect(Self.mode(path) == 0o640)
        #expect(try reopened.call(id: "c1") != nil)
    }

    @Test("files are created in the warmline group when it exists (here: only when the group is present)",
          .enabled(if: getgrnam(StoreFileMode.groupName) != nil, "no 'warmline' group on this machine (`warmline install` makes it)"))
    func warmlineGroup() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("warmline.sqlite")
        _ = try StoreDatabase(path: path)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_gid == StoreFileMode.groupID)
    }
}
