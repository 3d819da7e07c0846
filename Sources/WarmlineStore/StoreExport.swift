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

    /// When the export was made (UTC, ISO 8601).
    public var createdAt: String
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
    ///
    /// `directory` must not exist or be empty, so an export never mixes with an older one.
    public func export(to directory: String, now: Date = Date()) throws -> ExportManifest {
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
            for table in StoreSchema.tableNames {
                let name = "\(table).csv"
                let rows = try StoreDatabase.writeCSV(table: table, from: db, to: (directory as NSString).appendingPathComponent(name))
                var file = try StoreDatabase.describeFile(directory: directory, name: name)
                file.table = table
                file.rows = rows
                files.append(file)
            }
        }
        try copy.close()

        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        let manifest = ExportManifest(createdAt: formatter.string(from: now), source: path, migrations: migrations, files: files)
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

    /// Streams `table` to a CSV file with a header row; returns the number of data rows.
    static func writeCSV(table: String, from db: Database, to path: String) throws -> Int {
        guard (try? StoreFileMode.createFile(path)) != nil, let handle = FileHandle(forWritingAtPath: path) else {
            throw StoreError.badExportTarget(path: path, reason: "cannot create file")
        }
        defer { try? handle.close() }
        let columns = try db.columns(in: table).map(\.name)
        var buffer = CSV.row(columns)
        var rows = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier) ORDER BY rowid")
        while let row = try cursor.next() {
            buffer += CSV.row(row.databaseValues.map(csvText))
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
