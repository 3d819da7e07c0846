import WarmlineConfig
import WarmlineCore

/// Valid settings that are dangerous on a live line: `config check` prints them as warnings and still exits 0.
public enum ConfigWarnings {
    /// The emergency numbers callers in each tone plan's country dial (the greeting names `emergency_number`).
    public static let emergencyNumbers: [String: [String]] = ["us": ["911"], "uk": ["999", "112"], "eu": ["112"], "ua": ["112"],
                                                              "tr": ["112"]]
    /// Longer than this before a person picks up a caller still in the menu is too long for a fallback line.
    public static let personBoundLimitMs = 120_000

    /// Every warning for `config`; `root` (the parsed file) gives the lines, 1 where a key is not set.
    public static func check(_ config: UnitConfig, file: String, root: YAMLNode?) -> [ConfigProblem] {
        // The line of the key at `path` (not of its value, which may start on the next line); 1 when it is not set.
        func keyLine(_ path: [String]) -> Int? {
            var node = root
            var line: Int?
            for key in path {
                guard let entry = node?.entries?.first(where: { $0.key == key }) else { return nil }
                line = entry.line
                node = entry.value
            }
            return line
        }
        func line(_ path: String...) -> Int { keyLine(path) ?? 1 }
        func unset(_ path: String...) -> String { keyLine(path) == nil ? " (the default: the key is not set)" : "" }
        var warnings: [ConfigProblem] = []
        if config.call.handoff.targets.isEmpty {
            warnings.append(ConfigProblem(file: file, line: line("handoff"), reason:
                "warning: handoff.targets is empty: a caller who asks for a person or is in distress goes straight to the bypass "
                + "relay (the agent line), with no whisper and no queue; add the extensions to dial (doctor fails until you do)"))
        }
        let number = config.call.emergencyNumber
        if let expected = emergencyNumbers[config.tonePlan], !expected.contains(number) {
            let at = keyLine(["emergency_number"]) ?? line("tone_plan")
            warnings.append(ConfigProblem(file: file, line: at, reason:
                "warning: emergency_number is \(number)\(unset("emergency_number")) but tone_plan '\(config.tonePlan)' is a network "
                + "where callers dial \(expected.joined(separator: " or ")): the greeting would tell a caller in danger the wrong number"))
        }
        let distress = config.call.distress
        let weights = [distress.emergencyDigit, distress.distressKeyword, distress.keyMashing, distress.repeatedInvalid,
                       distress.repeatedZero, distress.raisedVoice, distress.raisedPitch, distress.repeatCaller,
                       distress.zeroBalance].map(\.weight)
        let reachable = weights.reduce(0, +) + distress.nightWeight
        if reachable < distress.handoffScore {
            warnings.append(ConfigProblem(file: file, line: line("distress", "handoff_score"), reason:
                "warning: distress.handoff_score is \(distress.handoffScore) but every signal firing at once scores \(reachable): "
                + "no caller is ever handed off for distress (only when they press 0 or ask for a person)"))
        }
        if config.call.personBoundMs > personBoundLimitMs {
            warnings.append(ConfigProblem(file: file, line: line("call", "person_bound_ms"), reason:
                "warning: call.person_bound_ms is \(config.call.personBoundMs) (\(config.call.personBoundMs / 1000) s): a caller "
                + "still in the menu waits more than \(personBoundLimitMs / 1000) s before a person is tried"))
        }
        return warnings
    }
}
