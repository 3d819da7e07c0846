import Foundation
import WarmlineStore

/// Every check `warmline doctor` ran, as text for the technician or JSON for fleet tools.
public struct DoctorReport: Sendable, Codable, Equatable {
    /// The config file the checks used.
    public var configPath: String
    /// The checks, in the order they ran.
    public var checks: [DoctorCheck]

    /// Makes a report.
    public init(configPath: String, checks: [DoctorCheck]) {
        self.configPath = configPath
        self.checks = checks
    }

    /// True when no check failed (SKIP is not a failure).
    public var passed: Bool { !checks.contains { $0.status == .fail } }

    /// The process exit code: 0 when every check passed, 1 otherwise.
    public var exitCode: Int32 { passed ? 0 : 1 }

    /// One line per check, the fix indented under each FAIL, and a summary.
    public var text: String {
        var lines = ["warmline doctor (config \(configPath))"]
        for check in checks {
            lines.append("\(check.status.rawValue.padding(toLength: 5, withPad: " ", startingAt: 0)) \(check.name): \(check.detail)")
            if let fix = check.fix { lines.append("      fix: \(fix)") }
        }
        let count = { (status: DoctorStatus) in self.checks.filter { $0.status == status }.count }
        lines.append("\(count(.ok)) OK, \(count(.fail)) FAIL, \(count(.skip)) SKIP: "
            + (passed ? "ready" : "not ready; fix the FAIL lines and run `warmline doctor` again"))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"config": ..., "passed": ..., "checks": [{"name", "status", "detail", "fix"}]}` with sorted keys.
    public var json: String {
        struct Document: Encodable {
            var config: String
            var passed: Bool
            var checks: [DoctorCheck]
        }
        let data = (try? JSONText.document(Document(config: configPath, passed: passed, checks: checks), escapingSlashes: false)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
