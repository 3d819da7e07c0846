import Foundation
import Logging
import ServiceLifecycle
import Testing
import WarmlineStore
@testable import WarmlineWeb

/// A stand-in for the running unit's control socket, which is not on this branch: a fixed snapshot, named as a fake.
struct FakeRunningUnit: LinesNowSource {
    static let snapshot = UnitSnapshot(
        lines: [LineNow(number: 1, state: "idle"), LineNow(number: 2, state: "in call", callID: "call-distress", callerID: "+15550123"),
                LineNow(number: 3, state: "idle", inBypass: true), LineNow(number: 4, state: "idle", up: false)],
        queueLength: 2, storeQueueDepth: 5,
        speechModels: [SpeechModelNow(name: "pocketsphinx-en", state: "ready"), SpeechModelNow(name: "moonshine-base-en", state: "loading")])

    func snapshot() async -> UnitSnapshot? { Self.snapshot }
}

@Suite("/metrics: promtool and a real prometheus", .serialized)
struct MetricsTests {
    static let token = "metrics-test-token-0123456789"

    @Test("/metrics passes promtool check metrics and counts calls by outcome, latency, lines, queue and speech from the store and the unit")
    func promtoolAcceptsMetrics() async throws {
        let scratch = try Scratch("metrics")
        defer { scratch.cleanUp() }
        let fixture = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        let text = try await withDashboard(store: fixture.store, unit: FakeRunningUnit()) { port in
            let response = try await httpGet("http://127.0.0.1:\(port)/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            return response.body
        }
        let lines = Set(text.split(separator: "\n").map(String.init))
        // 7 handed off today, 1 yesterday, 1 distress call; every outcome present even at zero
        #expect(lines.contains("warmline_calls_total{outcome=\"reached_person\"} 9"), "\(text)")
        #expect(lines.contains("warmline_calls_total{outcome=\"self_served\"} 2"))
        #expect(lines.contains("warmline_calls_total{outcome=\"failed\"} 0"))
        #expect(lines.contains("warmline_handoff_latency_seconds_count 9"))
        #expect(lines.contains("warmline_handoff_latency_seconds_bucket{le=\"5.0\"} 2"))
        #expect(lines.contains("warmline_handoff_latency_seconds_bucket{le=\"10.0\"} 4"))
        #expect(lines.contains("warmline_up 1.0"))
        #expect(lines.contains("warmline_lines 4.0") && lines.contains("warmline_lines_up 3.0") && lines.contains("warmline_lines_in_bypass 1.0"))
        #expect(lines.contains("warmline_queue_length 2.0") && lines.contains("warmline_store_queue_depth 5.0"))
        #expect(lines.contains("warmline_speech_model_ready{model=\"pocketsphinx-en\",state=\"ready\"} 1.0"))
        #expect(lines.contains("warmline_speech_model_ready{model=\"moonshine-base-en\",state=\"loading\"} 0.0"))
        #expect(lines.contains("warmline_billing_outbox_pending 1.0") && lines.contains("warmline_day_passes_granted_total 2"))
        // the scrape, for people to read beside the screenshots
        try FileManager.default.createDirectory(atPath: testOutputDirectory, withIntermediateDirectories: true)
        try text.write(toFile: "\(testOutputDirectory)/metrics.txt", atomically: true, encoding: .utf8)
        guard let promtool = executable(["/usr/bin/promtool", "/usr/local/bin/promtool"]) else {
            print("SKIP promtool check: promtool is not installed (`make deps` installs Debian's prometheus, which ships it)")
            return
        }
        let file = try scratch.write("metrics.txt", text)
        let check = try Child("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"", promtool, file])
        let status = await check.finish(upTo: 60)
        #expect(status == 0, "promtool check metrics: \(check.stdout)\(check.stderr)")
        #expect(check.stdout.isEmpty && check.stderr.isEmpty, "promtool lint findings: \(check.stdout)\(check.stderr)")
    }

    @Test("without a running service /metrics says warmline_up 0 and still serves the store's counters")
    func notRunning() async throws {
        let scratch = try Scratch("metrics-down")
        defer { scratch.cleanUp() }
        let fixture = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        let text = try await withDashboard(store: fixture.store) { port in try await httpGet("http://127.0.0.1:\(port)/metrics").body }
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains("warmline_up 0.0") && lines.contains("warmline_lines 0.0"))
        #expect(lines.contains("warmline_calls_total{outcome=\"reached_person\"} 9"))
        #expect(!text.contains("warmline_speech_model_ready{"))
    }

    @Test("as the running unit's metrics service it answers /metrics and nothing else, and stops with its service group")
    func metricsOnlyService() async throws {
        let scratch = try Scratch("metrics-only")
        defer { scratch.cleanUp() }
        let fixture = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        var settings = DashboardSettings()
        settings.metricsOnly = true
        try await withDashboard(store: fixture.store, settings: settings, unit: FakeRunningUnit()) { port in
            let metrics = try await httpGet("http://127.0.0.1:\(port)/metrics")
            #expect(metrics.status == 200 && metrics.body.contains("warmline_up 1.0"))
            #expect(try await httpGet("http://127.0.0.1:\(port)/").status == 404)
            #expect(try await httpGet("http://127.0.0.1:\(port)/calls").status == 404)
        }
        // in a ServiceGroup, as `warmline run` would hold it: graceful shutdown ends it
        settings.port = try freeLoopbackPort()
        let server = try DashboardServer(store: fixture.store, settings: settings, unit: FakeRunningUnit())
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        var answered = false
        for _ in 0..<100 where !answered {
            answered = (try? await httpGet("http://127.0.0.1:\(settings.port)/metrics").status) == 200
            if !answered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(answered, "the service answered within 10 s")
        await group.triggerGracefulShutdown()
        let ended = await running.result
        if case .failure(let error) = ended { Issue.record("the group ended with \(error)") }
    }

    @Test("a real prometheus scrapes /metrics with the bearer token and answers a query for a warmline series")
    func prometheusScrapes() async throws {
        guard let prometheus = executable(["/usr/bin/prometheus", "/usr/local/bin/prometheus"]) else {
            print("SKIP prometheusScrapes: prometheus is not installed (`make deps` installs it)")
            return
        }
        let scratch = try Scratch("prometheus")
        defer { scratch.cleanUp() }
        let fixture = try DashboardFixture(path: scratch.file("warmline.sqlite"))
        var settings = DashboardSettings()
        settings.token = Self.token
        let tokenFile = try scratch.write("token", Self.token + "\n")
        try await withDashboard(store: fixture.store, settings: settings, unit: FakeRunningUnit()) { port in
            let unauthorized = try await httpGet("http://127.0.0.1:\(port)/metrics")
            #expect(unauthorized.status == 401, "a scrape without the token is refused")
            let promPort = try freeLoopbackPort()
            let config = try scratch.write("prometheus.yml", """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: warmline
                    authorization:
                      credentials_file: \(tokenFile)
                    static_configs:
                      - targets: ["127.0.0.1:\(port)"]
                """)
            let server = try Child(prometheus, ["--config.file=\(config)", "--storage.tsdb.path=\(scratch.file("tsdb"))",
                                                "--web.listen-address=127.0.0.1:\(promPort)", "--log.level=warn"])
            defer { server.stop() }
            let query = "http://127.0.0.1:\(promPort)/api/v1/query?query=" + "warmline_calls_total{outcome=\"reached_person\"}"
                .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            var answer = ""
            let deadline = Date().addingTimeInterval(45)
            while Date() < deadline {
                if let response = try? await httpGet(query), response.status == 200, response.body.contains("\"value\"") {
                    answer = response.body
                    break
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            print("prometheus answered: \(answer)")
            #expect(answer.contains("\"job\":\"warmline\""), "no series within 45 s; prometheus said: \(server.stderr.suffix(2000))")
            #expect(answer.contains("\"9\"]"), "warmline_calls_total{outcome=reached_person} should be 9: \(answer)")
            // a scrape on a loaded machine can time out after good ones: the target was up when one of its scrapes worked
            let upQuery = "max_over_time(up{job=\"warmline\"}[5m])".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let up = try await httpGet("http://127.0.0.1:\(promPort)/api/v1/query?query=" + upQuery)
            #expect(up.body.contains("\"1\"]"), "the scrape target was up: \(up.body)")
        }
    }
}
