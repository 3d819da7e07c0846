/// Why a call is being handed to a person, kept apart so a supervisor can tell a request from a menu failure.
public enum HandoffReason: String, Sendable, Equatable, CaseIterable, Codable {
    /// The caller asked for a person (`0`, "person", a menu option that leads to one, a callback option).
    case asked
    /// The distress score crossed the threshold (or a provisional day pass needs an agent now).
    case distress
    /// A caller who cannot speak: `55`, or an open line with no speech and no keys.
    case silent
    /// The caller could not use a menu (too many invalid keys or timeouts).
    case menuFailure = "menu_failure"
    /// The caller was still in the menu when the bound on time without a person ran out.
    case timeBound = "time_bound"

    /// Words a supervisor reads (`calls show`, `report`).
    public var phrase: String {
        switch self {
        case .asked: "caller asked for a person"
        case .distress: "distress"
        case .silent: "silent caller"
        case .menuFailure: "could not use the menu"
        case .timeBound: "time bound in the menu"
        }
    }

    /// True for a reason that makes the hand-off urgent.
    public var isUrgent: Bool { self == .distress || self == .silent }
}
