import Foundation
import GRDB

/// What `export(to:)` wrote: each file with its size, SHA-256 and, for tables, its row count.
public struct ExportManifest: Codable, Sendable, Equatable {
    /// One exported file.
    public struct File: Codable, Sendable, Equatable {
        /// File name inside the export directory.
        public var name: String
        /// Size in bytes.
        public var bytes: Int64
        /// Lowercase hex SHA-256 of the file.
        public var sha256: String
        /// The table it holds, for CSV files.
        public var table: String?
        /// Rows in that table (the CSV has one more line: the header).
        public var rows: Int?
    }

    /// When the export was made: ISO 8601 local time with its offset, in `timeZone`.
    public var createdAt: String
    /// The same instant in milliseconds since 1970.
    public var createdAtMs: Int64
    /// The IANA zone of every local time column and of `createdAt` (the unit's `time_zone`).
    public var timeZone: String
    /// The database it was copied from.
    public var source: String
    /// Migrations applied to the copy.
    public var migrations: [String]
    /// Every file written, database copy first.
    public var files: [File]

    /// Name of the consistent database copy.
    public static let databaseFileName = "warmline.sqlite"
    /// Name of the JSON manifest.
    public static let manifestFileName = "manifest.json"
    /// Name of the `sha256sum -c` checklist.
    public static let checksumFileName = "SHA256SUMS"
}

extension StoreDatabase {
    /// Writes a consistent copy (`VACUUM INTO`), a CSV per table read from that copy, `manifest.json` and `SHA256SUMS` into `directory`.
    /// Each CSV keeps the stored columns (times in epoch milliseconds) and adds, at the end, an ISO 8601 local time column
    /// in `format`'s zone for each time (`started_at` beside `started_at_ms`).
    ///
    /// `directory` must not exist or be empty, so an export never mixes with an older one.
    public func export(to directory: String, now: Date = Date(), format: TimeFormat = .utc) throws -> ExportManifest {
        try StoreDatabase.prepareExportDirectory(directory)
        let copyPath = (directory as NSString).appendingPathComponent(ExportManifest.databaseFileName)
        // VACUUM INTO fills an empty file and keeps its mode: the copy is 0640 like the database.
        try StoreFileMode.createFile(copyPath)
        try pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM INTO ?", arguments: [copyPath]) }

        var config = Configuration()
        config.readonly = true
        let copy = try DatabaseQueue(path: copyPath, configuration: config)
        var files = [try StoreDatabase.describeFile(directory: directory, name: ExportManifest.databaseFileName)]
        var migrations: [String] = []
        try copy.read { db in
            migrations = try StoreSchema.migrator.appliedMigrations(db)
            var shortIDs: [String: String] = [:]
            let ids = try Row.fetchCursor(db, sql: "SELECT id, line, ROW_NUMBER() OVER (PARTITION BY line ORDER BY started_at_ms, id) AS n FROM calls")
            while let row = try ids.next() { shortIDs[row["id"]] = CallSummary.shortID(line: row["line"], sequence: row["n"]) }
            for table in StoreSchema.tableNames {
                let name = "\(table).csv"
                let rows = try StoreDatabase.writeCSV(table: table, from: db, to: (directory as NSString).appendingPathComponent(name), format: format,
                                                     shortIDs: shortIDs)
                var file = try StoreDatabase.describeFile(directory: directory, name: name)
                file.table = table
                file.rows = rows
                files.append(file)
            }
        }
        try copy.close()

        let nowMs = TimeBound.milliseconds(now)
        let manifest = ExportManifest(createdAt: format.iso8601(ms: nowMs), createdAtMs: nowMs, timeZone: format.zoneName, source: path,
                                      migrations: migrations, files: files)
        try StoreFileMode.write(try JSONText.document(manifest, keys: .snakeCase), to: (directory as NSString).appendingPathComponent(ExportManifest.manifestFileName))
        let sums = files.map { "\($0.sha256)  \($0.name)\n" }.joined()
        try StoreFileMode.write(Data(sums.utf8), to: (directory as NSString).appendingPathComponent(ExportManifest.checksumFileName))
        return manifest
    }

    private static func prepareExportDirectory(_ directory: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StoreError.badExportTarget(path: directory, reason: "is a file, not a directory") }
            let contents = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            guard contents.isEmpty else {
                throw StoreError.badExportTarget(path: directory, reason: "directory is not empty; export into a new or empty directory")
            }
        } else {
            do throws(StoreFileError) {
                try StoreFileMode.createDirectory(directory)
            } catch {
                throw StoreError.badExportTarget(path: directory, reason: error.reason)
            }
        }
    }

    private static func describeFile(directory: String, name: String) throws -> ExportManifest.File {
        let path = (directory as NSString).appendingPathComponent(name)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let bytes = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        return ExportManifest.File(name: name, bytes: bytes, sha256: try SHA256.hex(ofFileAt: path), table: nil, rows: nil)
    }

    /// Whether a stored column holds a time in milliseconds since 1970 (not a duration such as `handoff_latency_ms`).
    static func isTimeColumn(_ name: String) -> Bool {
        name.hasSuffix("_at_ms") || name == "wall_time_ms"
    }

    /// Streams `table` to a CSV file with a header row; returns the number of data rows. After the stored columns come
    /// the local times and, for a table naming calls, each call's `short_id` (from `shortIDs`).
    static func writeCSV(table: String, from db: Database, to path: String, format: TimeFormat = .utc,
                         shortIDs: [String: String] = [:]) throws -> Int {
        guard (try? StoreFileMode.createFile(path)) != nil, let handle = FileHandle(forWritingAtPath: path) else {
            throw StoreError.badExportTarget(path: path, reason: "cannot create file")
        }
        defer { try? handle.close() }
        let columns = try db.columns(in: table).map(\.name)
        let timeColumns = columns.indices.filter { isTimeColumn(columns[$0]) }
        let callColumn = table == "calls" ? columns.firstIndex(of: "id") : columns.firstIndex(of: "call_id")
        var buffer = CSV.row(columns + timeColumns.map { String(columns[$0].dropLast(3)) } + (callColumn == nil ? [] : ["short_id"]))
        var rows = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier) ORDER BY rowid")
        while let row = try cursor.next() {
            let values = Array(row.databaseValues)
            let localTimes = timeColumns.map { index -> String in
                guard index < values.count, case .int64(let ms) = values[index].storage else { return "" }
                return format.iso8601(ms: ms)
            }
            var shortID: [String] = []
            if let callColumn {
                if callColumn < values.count, case .string(let id) = values[callColumn].storage { shortID = [shortIDs[id] ?? ""] } else { shortID = [""] }
            }
            buffer += CSV.row(values.map(csvText) + localTimes + shortID)
            rows += 1
            if buffer.utf8.count >= 1 << 16 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer = ""
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        return rows
    }

    private static func csvText(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: ""
        case .int64(let integer): String(integer)
        case .double(let double): String(double)
        case .string(let string): string
        case .blob(let data): data.map { String(format: "%02x", $0) }.joined()
        }
    }
}
