import WarmlineCore

/// The lines and hand-off targets `warmline run --line/--agent` gives in place of the config's, checked as strictly
/// as the config file's own.
public enum RunOverride {
    /// A `--line` or `--agent` value that cannot be used: the option, the value as given, and what to do.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        /// The option, e.g. `--line`.
        public var option: String
        /// The value as given.
        public var value: String
        /// What is wrong and how to write it.
        public var reason: String

        /// `--line '1:x': reason`, as the command prints it.
        public var description: String { "\(option) '\(value)': \(reason)" }
    }

    static let lineExample = "1:/dev/ttyACM0:line1_in:line1_out"

    /// Lines from `--line NUMBER:SERIAL:CAPTURE:PLAYBACK` values; each line needs its own number and serial port (PCMs
    /// may be shared: ALSA's `null` stands in for every line that never rings in a test or a bench).
    public static func lines(_ specs: [String]) throws(Problem) -> [LineConfig] {
        var lines: [LineConfig] = []
        for spec in specs {
            let line = try self.line(spec)
            let clashes = [("number", String(line.number), { (l: LineConfig) in String(l.number) }),
                           ("serial device", line.serialDevice, { $0.serialDevice })]
            for (what, value, field) in clashes {
                if let other = zip(specs, lines).first(where: { field($0.1) == value }) {
                    throw Problem(option: "--line", value: spec,
                                  reason: "\(what) '\(value)' is already used by --line '\(other.0)'; each line needs its own")
                }
            }
            lines.append(line)
        }
        return lines
    }

    /// One line from `NUMBER:SERIAL:CAPTURE:PLAYBACK` (PCM names cannot hold ':'; name them in `--alsa-config`).
    public static func line(_ spec: String) throws(Problem) -> LineConfig {
        func refuse(_ reason: String) -> Problem { Problem(option: "--line", value: spec, reason: reason) }
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 else {
            let colons = parts.count > 4 ? "; a PCM name with ':' (such as hw:0) cannot be given here: define a PCM "
                + "without ':' in --alsa-config and name that" : ""
            throw refuse("expected NUMBER:SERIAL:CAPTURE:PLAYBACK (4 fields), got \(parts.count), "
                + "e.g. \(lineExample)\(colons)")
        }
        guard let number = Int(parts[0]), (1...64).contains(number) else {
            throw refuse("the line NUMBER '\(parts[0])' must be a whole number from 1 to 64, e.g. \(lineExample)")
        }
        for (index, name) in [(1, "SERIAL device"), (2, "CAPTURE PCM"), (3, "PLAYBACK PCM")] where parts[index].isEmpty {
            throw refuse("the \(name) is empty, e.g. \(lineExample)")
        }
        var line = LineConfig()
        line.number = number
        line.serialDevice = parts[1]
        line.captureDevice = parts[2]
        line.playbackDevice = parts[3]
        return line
    }

    /// One hand-off target from `NAME:DIGITS` (digits as in the config: 0-9, *, # and ',' for a pause).
    public static func agent(_ spec: String) throws(Problem) -> HandoffTarget {
        func refuse(_ reason: String) -> Problem { Problem(option: "--agent", value: spec, reason: reason) }
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw refuse("expected NAME:DIGITS (2 fields), got \(parts.count), e.g. desk:201")
        }
        guard !parts[0].isEmpty else { throw refuse("the NAME is empty, e.g. desk:201") }
        guard !parts[1].isEmpty, parts[1].allSatisfy({ "0123456789*#,".contains($0) }) else {
            throw refuse("the DIGITS '\(parts[1])' must hold only 0-9, *, # and ',' (pause), e.g. desk:201")
        }
        return HandoffTarget(name: parts[0], dial: parts[1])
    }
}
