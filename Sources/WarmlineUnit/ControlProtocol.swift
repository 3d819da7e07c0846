import Foundation
import WarmlineStore

/// The control socket's protocol: one JSON request per line in, one JSON response per line out (version 1).
///
/// Read-only by design: a technician's `warmline status` and `warmline doctor` ask a running service what it sees
/// instead of opening the ports it holds.
public enum ControlProtocol {
    /// The protocol version this build speaks; a request with another version is answered with an error naming both.
    public static let version = 1
    /// The longest request line the service reads (bytes); a longer one is refused and the connection closed.
    public static let maxRequestBytes = 4096
}

/// A request to the running service.
public struct ControlRequest: Codable, Sendable, Equatable {
    /// What is asked.
    public enum Command: String, Codable, Sendable {
        /// The unit's live status (`UnitStatus`).
        case status
        /// The service's identity (pid, version) only: a cheap "is it running" probe.
        case ping
    }
    /// The protocol version the client speaks.
    public var version: Int
    /// What is asked.
    public var command: Command

    /// A request in this build's protocol version.
    public init(command: Command, version: Int = ControlProtocol.version) {
        self.version = version
        self.command = command
    }
}

/// The service's answer to one request.
public struct ControlResponse: Codable, Sendable, Equatable {
    /// The protocol version the service speaks.
    public var version: Int
    /// True when the request was understood and answered.
    public var ok: Bool
    /// Why not, in words (bad JSON, another protocol version, unknown command).
    public var error: String?
    /// The service's process id.
    public var pid: Int32
    /// The live status (for `status`).
    public var status: UnitStatus?

    /// A response from this process.
    public init(ok: Bool, error: String? = nil, status: UnitStatus? = nil) {
        version = ControlProtocol.version
        self.ok = ok
        self.error = error
        pid = getpid()
        self.status = status
    }
}

/// What the running service sees: every line, the queue for a person and a one-line summary.
public struct UnitStatus: Codable, Sendable, Equatable {
    /// The service's process id.
    public var pid: Int32
    /// Seconds since the service started.
    public var uptimeSeconds: Int
    /// The unit's database.
    public var database: String
    /// Every configured line, in config order.
    public var lines: [LineStatus]
    /// Callers waiting in the queue for a person (all lines).
    public var waiting: Int
    /// Events queued in the store's writer, not yet committed (nil: not reported).
    public var storeQueueDepth: Int?
    /// The recogniser (second pass): `ready`, `starting`, `restarting`, `unavailable` or `off` (nil: not reported).
    public var recognizer: String?

    /// Makes a status.
    public init(pid: Int32, uptimeSeconds: Int, database: String, lines: [LineStatus], waiting: Int, storeQueueDepth: Int? = nil,
                recognizer: String? = nil) {
        self.pid = pid
        self.uptimeSeconds = uptimeSeconds
        self.database = database
        self.lines = lines
        self.waiting = waiting
        self.storeQueueDepth = storeQueueDepth
        self.recognizer = recognizer
    }

    /// Lines whose board is connected.
    public var linesUp: Int { lines.filter { $0.board.state == .connected }.count }
    /// Calls in progress.
    public var calls: Int { lines.filter { $0.call != nil }.count }

    /// The one line systemd shows (`STATUS=`): "2/2 lines up, 1 call, 0 waiting".
    public var summary: String {
        "\(linesUp)/\(lines.count) lines up, \(calls) call\(calls == 1 ? "" : "s"), \(waiting) waiting"
    }
}

/// One line as the service sees it.
public struct LineStatus: Codable, Sendable, Equatable {
    /// Line number as printed on the unit.
    public var number: Int
    /// The board link.
    public var board: BoardLinkStatus
    /// Who has the line: Warmline (`claimed`), the agent line (`bypass`), or not known yet.
    public var relay: Relay
    /// Why Warmline keeps the line in bypass, while it does.
    public var heldInBypass: String?
    /// The call in progress (nil: idle).
    public var call: CallStatus?
    /// Calls this line has finished since the service started.
    public var callsFinished: Int
    /// The last fault on the line (board, audio, store), with its fix when there is one.
    public var lastFault: String?
    /// When the last fault happened (milliseconds since the epoch).
    public var lastFaultAtMs: Int64?

    /// Who has the line.
    public enum Relay: String, Codable, Sendable {
        /// Warmline answers the line.
        case claimed
        /// The bypass relay has the line on the human agent line.
        case bypass
        /// Not reported yet (the board is not connected).
        case unknown
    }

    /// A line with nothing known yet.
    public init(number: Int, serialDevice: String) {
        self.number = number
        board = BoardLinkStatus(device: serialDevice)
        relay = .unknown
        callsFinished = 0
    }
}

/// A line's board link as the service sees it.
public struct BoardLinkStatus: Codable, Sendable, Equatable {
    /// Where the link is.
    public enum State: String, Codable, Sendable {
        /// Opening the port and saying HELLO.
        case connecting
        /// HELLO answered: the line is served.
        case connected
        /// The port cannot be opened (unplugged, wrong path, held): retried with back-off.
        case missing
        /// The link was lost during service (it reconnects by itself).
        case lost
    }
    /// The serial device.
    public var device: String
    /// Where the link is.
    public var state: State
    /// Firmware version from HELLO.
    public var firmwareVersion: String?
    /// Protocol version from HELLO.
    public var protocolVersion: Int?
    /// Why the board is missing or lost, with what to do.
    public var problem: String?
    /// Seconds until the next attempt to open a missing board.
    public var retryInSeconds: Int?
    /// When the next attempt to open a missing board is due (milliseconds since the epoch).
    public var retryAtMs: Int64?

    /// A link not yet connected.
    public init(device: String) {
        self.device = device
        state = .connecting
    }
}

/// The call in progress on a line.
public struct CallStatus: Codable, Sendable, Equatable {
    /// The store's call id.
    public var callID: String
    /// Caller ID (nil: withheld or not sent).
    public var callerID: String?
    /// The caller's language.
    public var language: String
    /// Where the call is ("menu main", "hand-off: ringing target 1", "queue").
    public var stage: String
    /// Seconds of call audio since the answer.
    public var secondsInCall: Int
    /// The distress score now (hand-off at 1.0 by default).
    public var distressScore: Double
    /// The caller's place in the queue for a person, while waiting there.
    public var queuePosition: Int?

    /// Makes a call status.
    public init(callID: String, callerID: String?, language: String, stage: String, secondsInCall: Int, distressScore: Double,
                queuePosition: Int? = nil) {
        self.callID = callID
        self.callerID = callerID
        self.language = language
        self.stage = stage
        self.secondsInCall = secondsInCall
        self.distressScore = distressScore
        self.queuePosition = queuePosition
    }
}

extension ControlResponse {
    /// The response as one protocol line (no trailing newline).
    public func line() throws -> String { try JSONText.compactLine(self) }
}
