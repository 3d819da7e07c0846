import Glibc

/// The harness's helper process (the product runs short tools with `HelperTool`, never with this): daemons started with
/// posix_spawn and stopped by their own pid (the simulation's pulseaudio and pacat), and `run`, a blocking run to the end
/// for test and bench code that cannot await (caller audio from sox, flite and espeak-ng; a test trait's probe).
/// Foundation's Process reaps children on one shared thread and can hang with several live children.
public final class ChildProcess {
    /// The child's pid.
    public let pid: pid_t
    private var exited = false

    /// Spawns `arguments[0]` from PATH with `environment`, stdout and stderr appended to `logPath`.
    public init(_ arguments: [String], environment: [String: String], logPath: String) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawnp(&child, arguments[0], &actions, nil, argv, envp)
        guard result == 0 else {
            throw ChildProcessError(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    /// Runs `arguments[0]` from PATH to its end with this process's environment: its exit status (128 + signal when
    /// killed) and what it wrote to stderr; it blocks the calling thread until the tool ends (harness code only).
    /// With `mergingOutput`, stdout goes into the same text as stderr (id, useradd, systemd-analyze: what they print).
    public static func run(_ arguments: [String], mergingOutput: Bool = false) throws -> (status: Int32, errorOutput: String) {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw ChildProcessError(description: "cannot create a pipe: errno \(errno)") }
        // Close-on-exec: a helper spawned meanwhile on another thread must not hold this pipe open.
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if mergingOutput {
            posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawnp(&child, arguments[0], &actions, nil, argv, environ)
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard spawned == 0 else {
            throw ChildProcessError(description: "cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var errorBytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipeFDs[0], &buffer, buffer.count)
            if count > 0 { errorBytes += buffer[..<count]; continue }
            if count < 0, errno == EINTR { continue }
            break
        }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0, errno == EINTR {}
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, String(decoding: errorBytes, as: UTF8.self))
    }

    /// Runs `arguments[0]` to its end like `run`; throws, with what it wrote to stderr, unless it exits 0.
    public static func runSucceeding(_ arguments: [String]) throws {
        let outcome = try run(arguments)
        guard outcome.status == 0 else {
            throw ChildProcessError(description: "\(arguments.joined(separator: " ")) exited with \(outcome.status): "
                                  + outcome.errorOutput.split(separator: "\n").joined(separator: " / "))
        }
    }

    /// Whether the child is still running (reaps it if it has exited).
    public var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// Sends `signal` and waits for the child to exit (SIGKILL after 2 s).
    public func stop(signal: Int32 = SIGTERM) {
        guard isRunning else { return }
        kill(pid, signal)
        var status: Int32 = 0
        for _ in 0..<200 {
            if waitpid(pid, &status, WNOHANG) == pid { exited = true; return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        exited = true
    }

    deinit { stop() }
}

/// A helper process could not be started, or exited with a failure: what ran and what it said.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// What failed, with the helper's stderr.
    public var description: String
}
