/// Errors from the store and its supervisor tools, each with a message a technician can act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database could not be opened.
    case cannotOpen(path: String, reason: String)
    /// A read-only command was pointed at a path with no database.
    case noDatabase(path: String)
    /// The file was written by an older Warmline and a writer must migrate it first.
    case schemaOutOfDate(path: String)
    /// The file was written by a newer Warmline: its schema has migrations this one does not know.
    case schemaNewer(path: String, schema: Int, known: Int)
    /// A `--since`/`--until`/`--day` value could not be read.
    case badTime(String)
    /// A CSV file cannot be imported at all (e.g. a required column is missing).
    case badCSV(file: String, reason: String)
    /// Outbox ids that do not exist.
    case unknownOutboxIDs([Int64])
    /// No call with that id.
    case unknownCall(String)
    /// A call id prefix several calls share; `candidates` are `short (full)` ids.
    case ambiguousCall(String, candidates: [String])
    /// No callback request with that id.
    case unknownCallback(Int64)
    /// A backup target that cannot be written, or a copy that failed its check.
    case badBackup(path: String, reason: String)
    /// The export target is not usable.
    case badExportTarget(path: String, reason: String)
    /// A day pass limit refused the grant (`rule`: one_open_pass, cooldown, unit_hourly_cap); nothing was written.
    case dayPassRefused(rule: String, reason: String)

    /// The message for a technician.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): \(reason)"
        case .noDatabase(let path): "\(path): no database here (check --db)"
        case .schemaOutOfDate(let path): "\(path): schema is older than this warmline; start the daemon once to migrate it"
        case .schemaNewer(let path, let schema, let known):
            "\(path): this database was written by a newer Warmline (schema \(schema); this warmline knows schema \(known)); "
                + "nothing was read or written: upgrade warmline, or use another --db"
        case .badTime(let message): message
        case .badCSV(let file, let reason): "\(file): \(reason)"
        case .unknownOutboxIDs(let ids): "no outbox entry with id \(ids.map(String.init).joined(separator: ", ")); nothing marked"
        case .unknownCall(let id): "no call with id '\(id)' (see `warmline calls`; `last` is the latest call)"
        case .ambiguousCall(let id, let candidates):
            "'\(id)' matches \(candidates.count) calls: \(candidates.prefix(10).joined(separator: ", "))"
                + (candidates.count > 10 ? " and \(candidates.count - 10) more" : "") + "; give more of the id"
        case .unknownCallback(let id): "no callback request with id \(id) (see `warmline callbacks`); nothing marked"
        case .badBackup(let path, let reason): "\(path): \(reason)"
        case .badExportTarget(let path, let reason): "\(path): \(reason)"
        case .dayPassRefused(let rule, let reason): "day pass refused by rule \(rule): \(reason)"
        }
    }
}
