import Foundation
import Glibc
import WarmlineAudio

/// A private PulseAudio daemon with null sinks, for a real-time duplex path without a sound card.
/// Started and stopped by the demo, bench or test that owns it; its runtime files live in its own directory.
public final class PulseAudioServer {
    /// The directory holding the socket, state and log.
    public let directory: String
    /// The server address for the ALSA `pulse` plugin (`unix:<directory>/native`).
    public let server: String
    /// The null sinks it created (each also has a `<sink>.monitor` source).
    public let sinks: [String]
    private let process: ChildProcess
    private var keepAlive: [ChildProcess] = []

    /// Starts `pulseaudio` with one mono null sink per name at `sampleRate`, each held at `sinkLatencyMs`
    /// by a silent stream; waits until it accepts clients and its sinks deliver audio.
    public init(sinks: [String], sampleRate: Int = 8000, sinkLatencyMs: Int = 10, directory: String? = nil) throws {
        let base = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("warmline-pulse-\(getpid())-\(UUID().uuidString.prefix(8))").path
        for sub in ["", "/home", "/runtime", "/state"] {
            try FileManager.default.createDirectory(atPath: base + sub, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        self.directory = base
        self.sinks = sinks
        let socket = base + "/native"
        server = "unix:" + socket
        var arguments = ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=no",
                         "--disallow-exit", "--disable-shm=yes", "--log-target=stderr", "--log-level=notice",
                         "-L", "module-native-protocol-unix auth-anonymous=1 socket=\(socket)"]
        for sink in sinks {
            arguments += ["-L", "module-null-sink sink_name=\(sink) rate=\(sampleRate) channels=1 format=s16le"]
        }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = base + "/home"
        environment["XDG_RUNTIME_DIR"] = base + "/runtime"
        environment["PULSE_RUNTIME_PATH"] = base + "/runtime"
        environment["PULSE_STATE_PATH"] = base + "/state"
        let process = try ChildProcess(arguments, environment: environment, logPath: base + "/pulseaudio.log")
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while !Self.accepts(socket) {
            guard process.isRunning, Date() < deadline else {
                let text = (try? String(contentsOfFile: base + "/pulseaudio.log", encoding: .utf8)) ?? ""
                stop()
                throw PulseAudioError(description: "pulseaudio did not come up on \(socket):\n\(text)")
            }
            usleep(20_000)
        }
        try startKeepAlive(sampleRate: sampleRate, latencyMs: sinkLatencyMs, environment: environment)
        try warmUp(sampleRate: sampleRate)
    }

    /// Reads one period from each sink's monitor, so the sink's first long block is over before a call starts.
    private func warmUp(sampleRate: Int) throws {
        let format = AudioFormat(sampleRate: sampleRate)
        var period = [Int16](repeating: 0, count: format.periodFrames)
        for sink in sinks {
            let config = try ALSAConfigOverlay(alsaPCM(name: "warmup", device: "\(sink).monitor"))
            let monitor = try ALSAPCM(device: "warmup", direction: .capture, asked: format, nonBlocking: false, config: config)
            monitor.start()
            _ = period.withUnsafeMutableBufferPointer { monitor.read(into: $0) }
        }
    }

    deinit { stop() }

    /// Keeps each null sink at low latency with a silent low-latency stream; without one, a sink that
    /// just woke renders a 2-second block and the first reader of its monitor waits that long.
    private func startKeepAlive(sampleRate: Int, latencyMs: Int, environment: [String: String]) throws {
        for sink in sinks {
            let player = try ChildProcess(
                ["pacat", "--server=\(server)", "--device=\(sink)", "--latency-msec=\(latencyMs)", "--rate=\(sampleRate)",
                 "--channels=1", "--format=s16le", "--raw", "--client-name=warmline-keepalive", "/dev/zero"],
                environment: environment, logPath: directory + "/pacat.log")
            keepAlive.append(player)
        }
    }

    /// Stops the daemon (SIGTERM to its own pid) and removes its directory.
    public func stop() {
        // pacat drains for seconds on SIGTERM; it only feeds silence, so it is killed outright.
        keepAlive.forEach { $0.stop(signal: SIGKILL) }
        keepAlive = []
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// ALSA configuration for PCM `name` on this server's `device` (a sink, or `<sink>.monitor` to record).
    public func alsaPCM(name: String, device: String) -> String {
        ALSAConfigOverlay.pulse(name: name, server: server, device: device)
    }

    private static func accepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8.prefix(107)) + [0]
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}

/// PulseAudio could not be started, with its own log.
public struct PulseAudioError: Error, CustomStringConvertible {
    /// What failed, with the daemon's output.
    public var description: String
}
