/// The outcome of one self-test check.
public enum DoctorStatus: String, Sendable, Codable, Equatable {
    /// The part works.
    case ok = "OK"
    /// The part does not work; the check says how to fix it.
    case fail = "FAIL"
    /// The check could not run here; not a failure (the detail says why).
    case skip = "SKIP"
}

/// One line of `warmline doctor`: what was checked, what was found and, on failure, what to do.
public struct DoctorCheck: Sendable, Codable, Equatable {
    /// What was checked ("line 1 board link /dev/ttyACM0").
    public var name: String
    /// OK, FAIL or SKIP.
    public var status: DoctorStatus
    /// What was found (versions, rates, sizes) or, for SKIP, why it did not run.
    public var detail: String
    /// For FAIL: the action a technician can take.
    public var fix: String?

    /// Makes a check result.
    public init(name: String, status: DoctorStatus, detail: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    /// A passing check.
    public static func ok(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name: name, status: .ok, detail: detail) }

    /// A failing check with its fix.
    public static func fail(_ name: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, status: .fail, detail: detail, fix: fix)
    }

    /// A check that could not run, with the reason.
    public static func skip(_ name: String, _ reason: String) -> DoctorCheck { DoctorCheck(name: name, status: .skip, detail: reason) }
}
