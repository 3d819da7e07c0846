import Foundation
import Testing
import WarmlineUnit
import WarmlineWeb

@Suite("Lines now from the running service's control socket")
struct LinesNowTests {
    /// A unit of three lines: one idle, one in a call, one whose board is missing.
    static func status() -> UnitStatus {
        var idle = LineStatus(number: 1, serialDevice: "/dev/ttyACM0")
        idle.board.state = .connected
        idle.relay = .claimed
        var busy = LineStatus(number: 2, serialDevice: "/dev/ttyACM1")
        busy.board.state = .connected
        busy.relay = .claimed
        busy.call = CallStatus(callID: "L2-1796000000000-7", callerID: "+15550177", language: "en", stage: "menu main",
                               secondsInCall: 12, distressScore: 0.5)
        var missing = LineStatus(number: 3, serialDevice: "/dev/ttyUSB1")
        missing.board.state = .missing
        missing.relay = .bypass
        missing.board.problem = "no such device"
        return UnitStatus(pid: getpid(), uptimeSeconds: 5, database: "/tmp/w.sqlite", lines: [idle, busy, missing], waiting: 1,
                          storeQueueDepth: 5, recognizer: "ready")
    }

    @Test("warmline serve shows the service's lines (the call, the missing board) and /metrics counts them; without the service it says so")
    func serveAsksTheControlSocket() async throws {
        let scratch = try Scratch("lines-now")
        defer { scratch.cleanUp() }
        _ = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        let socket = scratch.file("control.sock")
        let status = Self.status()
        let server = ControlServer(path: socket) { request in
            request.command == .status ? ControlResponse(ok: true, status: status) : ControlResponse(ok: true)
        }
        try server.start()
        let serve = try Child(try warmlineBinary(), ["serve", "--db", scratch.file("warmline.sqlite"), "--socket", socket, "--port", "0"])
        defer { serve.stop() }
        let line = try serve.firstLine(within: 60)
        let port = try #require(line.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, "\(line)")
        let base = "http://127.0.0.1:\(port)"
        let page = try await httpGet(base + "/")
        #expect(page.status == 200)
        #expect(page.body.contains("+15550177"), "the caller on line 2 is shown")
        #expect(!page.body.contains("Service not running"))
        let metrics = try await httpGet(base + "/metrics").body.split(separator: "\n").map(String.init)
        #expect(metrics.contains("warmline_up 1.0"), "\(metrics)")
        #expect(metrics.contains("warmline_lines_up 2.0"), "\(metrics)")
        #expect(metrics.contains("warmline_lines_in_bypass 1.0"), "\(metrics)")
        #expect(metrics.contains("warmline_queue_length 1.0"), "\(metrics)")
        #expect(metrics.contains("warmline_store_queue_depth 5.0"), "\(metrics)")
        #expect(metrics.contains(#"warmline_speech_model_ready{model="moonshine-base-en",state="ready"} 1.0"#), "\(metrics)")

        await server.close()
        let after = try await httpGet(base + "/")
        #expect(after.body.contains("Service not running"), "no service answers once the socket is gone")
        #expect(try await httpGet(base + "/metrics").body.contains("warmline_up 0"))
    }
}
