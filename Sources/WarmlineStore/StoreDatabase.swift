import Foundation
import GRDB

/// The Warmline SQLite file: WAL journal, `synchronous=FULL`, a busy timeout, migrated on open.
public final class StoreDatabase: Sendable {
    /// Where the unit keeps its database unless `--db` or the config says otherwise.
    public static let defaultPath = "/var/lib/warmline/warmline.sqlite"

    /// The database file path.
    public let path: String
    /// The GRDB pool: one writer connection, concurrent readers (WAL).
    public let pool: DatabasePool

    /// Opens (creating it and its directory if needed) and migrates the database at `path`.
    public init(path: String, busyTimeoutMs: Int = 5_000) throws {
        self.path = path
        try StoreDatabase.refuseDirectory(path)
        try StoreDatabase.createParentDirectory(of: path)
        do {
            pool = try DatabasePool(path: path, configuration: StoreDatabase.configuration(busyTimeoutMs: busyTimeoutMs))
            // GRDB sets synchronous=NORMAL when it turns WAL on; the log wants every commit on disk.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try pool.read { try StoreDatabase.refuseNewerSchema($0, path: path) }
            try StoreSchema.migrator.migrate(pool)
            // the reader that checked the schema cached the tables as they were: a migrated file reads with fresh ones
            pool.invalidateReadOnlyConnections()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: StoreFault(error).description)
        }
    }

    /// Opens an existing database for reading only; never creates or migrates it.
    public init(readingAt path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.noDatabase(path: path)
        }
        try StoreDatabase.refuseDirectory(path)
        var config = StoreDatabase.configuration(busyTimeoutMs: 5_000)
        config.readonly = true
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.read { try StoreDatabase.refuseNewerSchema($0, path: path) }
            let complete = try pool.read { try StoreSchema.migrator.hasCompletedMigrations($0) }
            guard complete else { throw StoreError.schemaOutOfDate(path: path) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: StoreFault(error).description)
        }
    }

    /// Folds the WAL into the database file and truncates it (`wal_checkpoint(TRUNCATE)`), so the `.sqlite` alone
    /// holds every committed row; false when a reader kept it from completing (it is safe to try again later).
    /// The event writer does this itself when idle and on close; call this after the last writer has stopped.
    @discardableResult
    public func checkpoint() throws -> Bool {
        try pool.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") ?? 1
        } == 0
    }

    /// True when `path` has no `-wal` beside it (closed cleanly and checkpointed, or copied without it).
    public var walIsAbsent: Bool {
        !FileManager.default.fileExists(atPath: path + "-wal")
    }

    /// A directory given where the database file belongs: said so (SQLite's own answer reads like a full disk).
    static func refuseDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError.cannotOpen(path: path, reason: "this is a directory; give the database file (e.g. \(path)/warmline.sqlite)")
        }
    }

    /// Throws `schemaNewer` when the file holds migrations this Warmline does not know (a newer version wrote it):
    /// reading it could misread its rows, and writing could damage them.
    static func refuseNewerSchema(_ db: Database, path: String) throws {
        let applied = try StoreSchema.migrator.appliedIdentifiers(db)
        let known = StoreSchema.migrator.migrations
        guard applied.isSubset(of: Set(known)) else {
            throw StoreError.schemaNewer(path: path, schema: applied.count, known: known.count)
        }
    }

    /// The GRDB configuration every Warmline connection uses.
    static func configuration(busyTimeoutMs: Int) -> Configuration {
        var config = Configuration()
        config.busyMode = .timeout(TimeInterval(busyTimeoutMs) / 1_000)
        config.label = "warmline.store"
        return config
    }

    /// Opens the single serial connection the event writer commits through.
    static func openWriterQueue(path: String, busyTimeoutMs: Int, prepare: (@Sendable (Database) throws -> Void)?) throws -> DatabaseQueue {
        try createParentDirectory(of: path)
        var config = configuration(busyTimeoutMs: busyTimeoutMs)
        config.journalMode = .wal
        if let prepare { config.prepareDatabase(prepare) }
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        // Skipping a no-op migration keeps a read-only file openable, so the writer can report it. (A newer schema is
        // refused by `StoreDatabase(path:)`, which the unit opens before its writer.)
        if try !queue.read({ try StoreSchema.migrator.hasCompletedMigrations($0) }) {
            try StoreSchema.migrator.migrate(queue)
        }
        return queue
    }

    /// Creates the database's directory (0750) and the empty database file (0640) before SQLite opens it, so the
    /// file, and the WAL and SHM SQLite makes with the file's mode, are never readable by others.
    static func createParentDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty { try StoreFileMode.createDirectory(directory) }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        // When the empty file cannot be made (read-only, full), SQLite's own open fails next with a classified error.
        try? StoreFileMode.createFile(path)
    }
}
