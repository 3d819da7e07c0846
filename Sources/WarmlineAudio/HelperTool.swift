import Subprocess

/// The one way the product runs a short helper tool to its end (espeak-ng, sox, useradd, systemctl, systemd-analyze):
/// swift-subprocess's `run`, awaited by async code, so no thread waits on the child. Audio and speech threads never
/// call it: they post work to a task and pick the result up from their inbox (the whisper, `LineRunner`).
/// The recogniser worker has its own spawn path (`RecognizerWorkerProcess`): it needs a socket pair, a signal mask and
/// resource limits, and lives as long as the unit.
public enum HelperTool {
    /// How a tool ended: its exit status (128 + signal when killed) and what it wrote to stderr (and stdout, when merged).
    public struct Outcome: Sendable, Equatable {
        /// Exit status; 128 + the signal number when a signal ended it.
        public var status: Int32
        /// Its stderr (with `mergingOutput`, stdout and stderr in the order written).
        public var output: String
    }

    /// The most output a tool may write (more is reported as an error: these tools say a line or two).
    static let outputLimitBytes = 64 * 1024

    /// Runs `arguments[0]` (a name looked up on PATH, or a path) to its end with this process's environment and stdin
    /// from /dev/null. Throws `HelperToolError` when it cannot start (not installed, not executable); a failing exit
    /// is an outcome, not an error. With `mergingOutput`, stdout is kept with stderr; otherwise stdout is discarded.
    public static func run(_ arguments: [String], mergingOutput: Bool = false) async throws -> Outcome {
        guard let tool = arguments.first, !tool.isEmpty else { throw HelperToolError(description: "no tool to run") }
        let executable: Executable = tool.contains("/") ? .path(.init(tool)) : .name(tool)
        do {
            if mergingOutput {
                let result = try await Subprocess.run(executable, arguments: Arguments(Array(arguments.dropFirst())),
                                                      output: .bytes(limit: outputLimitBytes), error: .combinedWithOutput)
                return Outcome(status: status(result.terminationStatus), output: String(decoding: result.standardOutput, as: UTF8.self))
            }
            let result = try await Subprocess.run(executable, arguments: Arguments(Array(arguments.dropFirst())),
                                                  output: .discarded, error: .bytes(limit: outputLimitBytes))
            return Outcome(status: status(result.terminationStatus), output: String(decoding: result.standardError, as: UTF8.self))
        } catch let error as SubprocessError {
            throw HelperToolError(description: "cannot start \(tool): \(reason(error, tool: tool))")
        }
    }

    /// Runs `arguments[0]` like `run`; throws, with its exit status and what it wrote to stderr, unless it exits 0.
    public static func runSucceeding(_ arguments: [String]) async throws {
        let outcome = try await run(arguments)
        guard outcome.status == 0 else {
            throw HelperToolError(description: "\(arguments.joined(separator: " ")) exited with \(outcome.status): "
                                  + outcome.output.split(separator: "\n").joined(separator: " / "))
        }
    }

    private static func status(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): return Int32(code)
        case .signaled(let signal): return 128 + Int32(signal)
        }
    }

    private static func reason(_ error: SubprocessError, tool: String) -> String {
        if error.code == .executableNotFound {
            return tool.contains("/") ? "no such file" : "not found on PATH"
        }
        return "\(error)"
    }
}

/// A helper tool could not be started, or exited with a failure: what ran and what it said.
public struct HelperToolError: Error, CustomStringConvertible {
    /// What failed, with the tool's stderr.
    public var description: String
}
