import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Modes for files holding caller data: 0640 files and 0750 directories, group `warmline` where that group exists.
///
/// Set explicitly at creation (whatever the umask): SQLite gives a database's WAL and SHM the database file's own
/// mode, so creating the database file 0640 before SQLite opens it covers all three.
public enum StoreFileMode {
    /// Mode of the database, its WAL and SHM, and every export file.
    public static let file: mode_t = 0o640
    /// Mode of the directories Warmline creates for them.
    public static let directory: mode_t = 0o750
    /// The group that may read caller data (the unit's own group; `warmline install` creates it).
    public static let groupName = "warmline"

    /// The `warmline` group's id, or nil when the group does not exist (a development machine).
    static var groupID: gid_t? {
        guard let entry = getgrnam(groupName) else { return nil }
        return entry.pointee.gr_gid
    }

    /// Creates `path` and its missing parents with mode 0750 (parents that exist are left as they are).
    static func createDirectory(_ path: String) throws(StoreFileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StoreFileError(path: path, reason: "exists and is not a directory") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try createDirectory(parent) }
        guard mkdir(path, directory) == 0 else {
            if errno == EEXIST { return }
            throw StoreFileError(path: path, reason: "cannot create directory: \(String(cString: strerror(errno)))")
        }
        // mkdir's mode passes through the umask; the directory gets 0750 exactly.
        _ = chmod(path, directory)
        if let group = groupID { _ = chown(path, uid_t.max, group) }
    }

    /// Creates `path` empty with mode 0640 unless it exists; an existing file loses any write bit for its group and
    /// every bit for others (a 0644 database from an older Warmline becomes 0640).
    static func createFile(_ path: String) throws(StoreFileError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file)
        if fd < 0 {
            guard errno == EEXIST else {
                throw StoreFileError(path: path, reason: "cannot create file: \(String(cString: strerror(errno)))")
            }
            var status = stat()
            if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_mode & 0o027 != 0 {
                _ = chmod(path, status.st_mode & 0o7750)
            }
            return
        }
        defer { close(fd) }
        _ = fchmod(fd, file)
        if let group = groupID { _ = fchown(fd, uid_t.max, group) }
    }

    /// Writes `data` to a new file at `path` created 0640 (an existing file is replaced).
    static func write(_ data: Data, to path: String) throws(StoreFileError) {
        if FileManager.default.fileExists(atPath: path), unlink(path) != 0 {
            throw StoreFileError(path: path, reason: "cannot replace file: \(String(cString: strerror(errno)))")
        }
        try createFile(path)
        do {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw StoreFileError(path: path, reason: "cannot open file for writing")
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
        } catch let error as StoreFileError {
            throw error
        } catch {
            throw StoreFileError(path: path, reason: "cannot write file: \(error.localizedDescription)")
        }
    }
}

/// A caller-data file or directory that could not be created with its mode.
public struct StoreFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or directory.
    public var path: String
    /// What went wrong, for a technician.
    public var reason: String

    /// `PATH: reason`.
    public var description: String { "\(path): \(reason)" }
}
