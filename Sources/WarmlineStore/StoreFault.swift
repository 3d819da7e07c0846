import Foundation
import GRDB

/// Why the store cannot write right now, as a technician would name it.
public enum StoreFault: Sendable, Equatable, CustomStringConvertible {
    /// Another connection or process holds the write lock.
    case locked
    /// The file or its directory is read-only.
    case readOnly
    /// No room left (disk full, file-size limit, `max_page_count`).
    case diskFull
    /// Writing to the file failed at the OS level (`EFBIG` from a file-size limit, a failing device).
    case ioError(String)
    /// The file could not be opened.
    case cannotOpen(String)
    /// Any other SQLite or I/O failure.
    case other(String)

    /// Classifies an error thrown by GRDB/SQLite.
    public init(_ error: any Error) {
        guard let error = error as? DatabaseError else {
            self = .other(String(describing: error))
            return
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .locked
        case .SQLITE_READONLY: self = .readOnly
        case .SQLITE_FULL: self = .diskFull
        case .SQLITE_IOERR: self = .ioError(error.message ?? "disk I/O error")
        case .SQLITE_CANTOPEN: self = .cannotOpen(error.message ?? "cannot open file")
        default: self = .other(error.message ?? error.description)
        }
    }

    /// Classifies an error from writing `path`: an open failure on a file or directory we may not write is `readOnly`.
    public init(_ error: any Error, path: String) {
        self.init(error)
        switch self {
        case .cannotOpen, .other:
            let directory = (path as NSString).deletingLastPathComponent
            let fileExists = access(path, F_OK) == 0
            if (fileExists && access(path, W_OK) != 0) || access(directory.isEmpty ? "." : directory, W_OK) != 0 {
                self = .readOnly
            }
        default:
            break
        }
    }

    /// A short machine name for event payloads.
    public var name: String {
        switch self {
        case .locked: "locked"
        case .readOnly: "read_only"
        case .diskFull: "disk_full"
        case .ioError: "io_error"
        case .cannotOpen: "cannot_open"
        case .other: "error"
        }
    }

    /// The message for a technician.
    public var description: String {
        switch self {
        case .locked: "database is locked by another writer"
        case .readOnly: "database file is read-only"
        case .diskFull: "disk is full (or the file-size limit is reached)"
        case .ioError(let message): "writing to disk failed (\(message)): file-size limit, full disk or device error"
        case .cannotOpen(let message): "cannot open database: \(message)"
        case .other(let message): message
        }
    }
}
