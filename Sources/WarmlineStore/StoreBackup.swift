import Foundation
import GRDB

/// What `backup(to:overwrite:)` wrote: a checked copy and what it holds.
public struct BackupResult: Sendable, Equatable {
    /// The copy's path.
    public var path: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Rows per table in the copy, in export order.
    public var rows: [(table: String, count: Int)]
    /// `PRAGMA integrity_check` of the copy (`ok`).
    public var integrity: String

    /// Compares paths, sizes, integrity and row counts.
    public static func == (lhs: BackupResult, rhs: BackupResult) -> Bool {
        lhs.path == rhs.path && lhs.bytes == rhs.bytes && lhs.integrity == rhs.integrity
            && lhs.rows.map(\.table) == rhs.rows.map(\.table) && lhs.rows.map(\.count) == rhs.rows.map(\.count)
    }
}

extension StoreDatabase {
    /// Writes a consistent copy of the live database (its WAL included) to `target`, online: `VACUUM INTO` a
    /// temporary file beside it, `PRAGMA integrity_check` on that copy, then an atomic rename. An existing `target`
    /// is refused unless `overwrite`; a copy that fails its check is removed and nothing is replaced.
    public func backup(to target: String, overwrite: Bool) throws -> BackupResult {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw StoreError.badBackup(path: target, reason: "is a directory; give a file name (e.g. \(target)/warmline-backup.sqlite)") }
            if StoreDatabase.isSameFile(target, path) { throw StoreError.badBackup(path: target, reason: "is the database itself; back up to another file") }
            if !overwrite { throw StoreError.badBackup(path: target, reason: "already exists; nothing written (add --force to replace it)") }
        }
        let directory = (target as NSString).deletingLastPathComponent
        let partial = (directory.isEmpty ? "." : directory) + "/." + (target as NSString).lastPathComponent + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: partial)
        do throws(StoreFileError) {
            // VACUUM INTO fills an empty file and keeps its mode: the copy is 0640 like the database.
            try StoreFileMode.createFile(partial)
        } catch {
            throw StoreError.badBackup(path: target, reason: error.reason)
        }
        var keepPartial = false
        defer { if !keepPartial { try? FileManager.default.removeItem(atPath: partial) } }
        do {
            try pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM INTO ?", arguments: [partial]) }
        } catch {
            throw StoreError.badBackup(path: target, reason: "copy failed: \(StoreFault(error, path: target))")
        }
        var config = Configuration()
        config.readonly = true
        let (integrity, rows): (String, [(table: String, count: Int)])
        do {
            let copy = try DatabaseQueue(path: partial, configuration: config)
            (integrity, rows) = try copy.read { db in
                let check = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
                let counts = try StoreSchema.tableNames.map { table in
                    (table: table, count: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0)
                }
                return (check, counts)
            }
            try copy.close()
            if let handle = FileHandle(forUpdatingAtPath: partial) {
                try handle.synchronize()
                try handle.close()
            }
        } catch {
            throw StoreError.badBackup(path: target, reason: "the copy could not be checked: \(StoreFault(error, path: target)); nothing written")
        }
        guard integrity == "ok" else {
            throw StoreError.badBackup(path: target, reason: "the copy failed its integrity check (\(integrity)); nothing written")
        }
        guard rename(partial, target) == 0 else {
            throw StoreError.badBackup(path: target, reason: "cannot move the copy into place: \(String(cString: strerror(errno)))")
        }
        keepPartial = true
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? NSNumber)?.int64Value ?? 0
        return BackupResult(path: target, bytes: bytes, rows: rows, integrity: integrity)
    }

    /// Whether two paths name the same file (by device and inode when both exist).
    public static func isSameFile(_ first: String, _ second: String) -> Bool {
        var a = stat(), b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else {
            return (first as NSString).standardizingPath == (second as NSString).standardizingPath
        }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}
