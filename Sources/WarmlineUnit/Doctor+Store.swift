import Foundation
import GRDB
import WarmlineStore

extension Doctor {
    func databaseCheck() -> DoctorCheck {
        let path = config.databasePath
        let name = "database \(path)"
        let existed = FileManager.default.fileExists(atPath: path)
        do {
            // A missing database is created, as `warmline run` would on its first start.
            let database = try StoreDatabase(path: path)
            // Taking the write lock proves the file and its journal are writable without changing anything.
            try database.pool.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
            let integrity = try database.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            guard integrity == ["ok"] else {
                return .fail(name, "integrity_check: \(integrity.prefix(3).joined(separator: "; "))",
                             fix: "stop warmline, move \(path) aside for the supervisor (`warmline export` can read what is "
                                + "left) and start warmline again: it creates a new database")
            }
            return .ok(name, (existed ? "" : "created, ") + "writable, integrity_check ok")
        } catch {
            return .fail(name, "\(error)", fix: "check `database` in the config, that its directory exists and is writable by "
                         + "the service user, and that the filesystem is not read-only or full")
        }
    }

    func diskCheck() -> DoctorCheck {
        let name = "free disk"
        // The database may not exist yet: measure the nearest directory that does.
        var directory = (config.databasePath as NSString).deletingLastPathComponent
        while !directory.isEmpty && directory != "/" && !FileManager.default.fileExists(atPath: directory) {
            directory = (directory as NSString).deletingLastPathComponent
        }
        if directory.isEmpty { directory = "." }
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else {
            return .fail(name, "cannot read free space of \(directory) (errno \(errno))",
                         fix: "check that the database directory is mounted")
        }
        let freeBytes = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        let detail = "\(freeBytes / 1_048_576) MB free on the filesystem of \(directory)"
        guard freeBytes >= minimumFreeBytes else {
            return .fail(name, detail + " (needs \(minimumFreeBytes / 1_048_576) MB)",
                         fix: "free space there: move old exports and logs off the unit (`warmline export`), or put "
                            + "`database` on a larger filesystem")
        }
        return .ok(name, detail)
    }
}
