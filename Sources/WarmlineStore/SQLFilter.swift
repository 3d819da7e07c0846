import GRDB

/// A WHERE clause built from optional filters, with its arguments in order.
struct SQLFilter {
    private var conditions: [String] = []
    private(set) var arguments = StatementArguments()

    /// Adds `condition` (with `?` placeholders for `values`) when `present` is true.
    mutating func add(_ condition: String, _ values: [any DatabaseValueConvertible] = [], when present: Bool = true) {
        guard present else { return }
        conditions.append(condition)
        _ = arguments.append(contentsOf: StatementArguments(values))
    }

    /// Adds `condition` with `value` as its one argument when `value` is not nil.
    mutating func add(_ condition: String, ifPresent value: (any DatabaseValueConvertible)?) {
        guard let value else { return }
        add(condition, [value])
    }

    /// `WHERE a AND b`, or empty when nothing filters.
    var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}
