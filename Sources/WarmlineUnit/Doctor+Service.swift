import Foundation
import WarmlineBoard

/// The doctor beside a running service: checks its lines read-only through the control socket and never opens a
/// port the service holds (no HELLO, no relay toggle, no ALSA open that could take a line's audio mid-call).
extension Doctor {
    /// A service found running: who holds what, and what it answered (nil: it holds the locks but did not answer).
    public struct RunningService: Sendable {
        /// The process holding a line's serial port or the control socket's lock.
        public var pid: Int32?
        /// The control socket asked.
        public var socketPath: String
        /// The service's answer, or why there was none.
        public var status: Result<UnitStatus, ControlSocketError>
    }

    /// The running service, when one holds a configured serial port or the control socket (read from /proc/locks,
    /// without opening either), or answers on the socket; nil when none runs.
    public func runningService() async -> RunningService? {
        let client = ControlClient(path: config.controlSocketPath)
        let holders = config.lines.compactMap { DeviceLock.holder(of: $0.serialDevice) }
        let socketHolder = DeviceLock.holder(of: ControlServer.lockPath(for: config.controlSocketPath))
        let answer: Result<UnitStatus, ControlSocketError>
        do {
            answer = .success(try await client.status())
        } catch {
            answer = .failure(error)
        }
        if case .failure = answer, holders.isEmpty, socketHolder == nil { return nil }
        let pid: Int32?
        if case .success(let status) = answer { pid = status.pid } else { pid = holders.first ?? socketHolder }
        return RunningService(pid: pid, socketPath: config.controlSocketPath, status: answer)
    }

    /// One line's checks from the running service's status, instead of opening its audio devices and its port.
    func serviceLineChecks(_ line: LineConfig, service: RunningService) -> [DoctorCheck] {
        let who = "the running service" + (service.pid.map { " (pid \($0))" } ?? "")
        let linkName = "line \(line.number) board link \(line.serialDevice)"
        let bypassName = "line \(line.number) bypass relay"
        let audio = [
            DoctorCheck.skip("line \(line.number) ALSA capture \(line.captureDevice)", "in use by \(who): its calls use it; not opened"),
            DoctorCheck.skip("line \(line.number) ALSA playback \(line.playbackDevice)", "in use by \(who): its calls use it; not opened"),
        ]
        let status: UnitStatus
        switch service.status {
        case .success(let answered): status = answered
        case .failure(let error):
            let held = DeviceLock.holder(of: line.serialDevice)
            return audio + [
                .fail(linkName, "\(who) holds the port" + (held == nil ? " of another line" : "") + " but does not answer on its control socket: \(error)",
                      fix: "check the service (`systemctl status warmline`, the journal); to test the board itself, stop it first "
                        + "(`systemctl stop warmline`) and run the doctor again"),
                .skip(bypassName, "not toggled: \(who) holds the port"),
            ]
        }
        guard let seen = status.lines.first(where: { $0.number == line.number }) else {
            return audio + [
                .fail(linkName, "\(who) does not serve line \(line.number) (its lines: \(status.lines.map { "\($0.number)" }.joined(separator: ", ")))",
                      fix: "the service runs another config: restart it after changing the config (`systemctl restart warmline`)"),
                .skip(bypassName, "not toggled: the service runs another config"),
            ]
        }
        let link: DoctorCheck
        switch seen.board.state {
        case .connected:
            link = .ok(linkName, "served by \(who): protocol \(seen.board.protocolVersion.map(String.init) ?? "?"), "
                       + "firmware \(seen.board.firmwareVersion ?? "?") (read through the control socket; the port was not opened)")
        case .connecting:
            link = .skip(linkName, "\(who) is connecting to the board now; run the doctor again in a few seconds")
        case .missing, .lost:
            link = .fail(linkName, "\(who) cannot reach the board: \(seen.board.problem ?? seen.board.state.rawValue)"
                         + (seen.board.retryInSeconds.map { "; it retries in \($0) s" } ?? ""),
                         fix: "check the USB/serial cable and the board's power; the service brings the line up by itself once the board answers")
        }
        let relay: DoctorCheck
        switch seen.relay {
        case .claimed:
            relay = .ok(bypassName, "Warmline has the line (reported by \(who)); not toggled while the service runs")
        case .bypass:
            relay = .skip(bypassName, "the line is on the bypass relay" + (seen.heldInBypass.map { " (held: \($0))" } ?? "")
                          + "; not toggled while the service runs")
        case .unknown:
            relay = .skip(bypassName, "not reported yet by \(who); not toggled while the service runs")
        }
        return audio + [link, relay]
    }
}
