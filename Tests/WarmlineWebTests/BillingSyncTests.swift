import Foundation
import GRDB
import Testing
import WarmlineCore
import WarmlineStore
import WarmlineUnit
@testable import WarmlineBilling

/// The Python billing endpoint (`Scripts/billing-test-server.py`) on 127.0.0.1, and what it received.
struct BillingServer {
    let child: Child
    let port: Int
    let logPath: String

    init(scratch: Scratch, plan: String, token: String?, holdMs: Int = 1500) throws {
        guard let python = python(with: nil) else { throw TestFailure(description: "no python3") }
        logPath = scratch.file("billing-requests.ndjson")
        var arguments = ["\(checkoutRoot)/Scripts/billing-test-server.py", "--plan", plan, "--log", logPath, "--hold-ms", "\(holdMs)",
                         "--lifetime-s", "120"]
        if let token { arguments += ["--token", token] }
        child = try Child(python, arguments)
        guard let port = Int(try child.firstLine(within: 20)) else { throw TestFailure(description: "the billing server printed no port") }
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/daypass" }

    /// Every request received, in order.
    func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    }
}

@Suite("Billing sync over real HTTP", .serialized)
struct BillingSyncTests {
    static let token = "billing-token-abcdef0123456789"

    /// Runs passes until nothing is pending (bounded), sleeping until the next retry is due; returns the retry log.
    static func syncUntilDone(_ sync: BillingSync, passes: Int = 12) async throws -> [String] {
        var log: [String] = []
        for _ in 0..<passes {
            let result = try await sync.syncOnce()
            for attempt in result.attempts {
                log.append(BillingLog.line(attempt, nextRetryMs: attempt.acknowledged ? nil : sync.endpoint.retryDelayMs(afterAttempts: attempt.attempt)))
            }
            guard let due = result.nextDueMs else { break }
            try await Task.sleep(for: .milliseconds(max(0, due - sync.now())))
        }
        return log
    }

    @Test("500, then a timeout, then 200: each entry is retried with back-off under one Idempotency-Key, acknowledged once, and billing credits it once")
    func failTimeoutDuplicate() async throws {
        let scratch = try Scratch("billing")
        defer { scratch.cleanUp() }
        let server = try BillingServer(scratch: scratch, plan: "500,timeout,200", token: Self.token, holdMs: 3000)
        defer { server.child.stop() }
        let store = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        let first = try store.grantDayPass(idempotencyKey: "call-a:+15550401", msisdn: "+15550401", callID: "call-a", grantedAtMs: nowMs)
        _ = try store.grantDayPass(idempotencyKey: "call-b:+15550402", msisdn: "+15550402", callID: "call-b", grantedAtMs: nowMs + 1)
        let tokenFile = try scratch.write("token", Self.token + "\n")
        let endpoint = try BillingEndpoint(url: server.url, tokenFile: tokenFile, timeoutMs: 600, retryBaseMs: 100, retryMaxMs: 1000)
        let sync = BillingSync(store: store, endpoint: endpoint)
        let log = try await Self.syncUntilDone(sync)
        print("billing sync retry log:\n" + log.joined(separator: "\n"))

        #expect(try store.billingPending().isEmpty, "both entries acknowledged")
        let outbox = try await store.pool.read { try OutboxRecord.order(Column("id")).fetchAll($0) }
        #expect(outbox.map(\.status) == [OutboxRecord.sent, OutboxRecord.sent])
        let requests = try server.requests()
        let keys = Dictionary(grouping: requests) { $0["key"] as? String ?? "" }
        #expect(keys.count == 2, "one stable Idempotency-Key per entry, every retry included")
        for entry in outbox {
            let attempts = try store.billingAttempts(outboxID: entry.id ?? 0)
            // billing answers 500, then never answers (the client times out), then 200 as a duplicate
            #expect(attempts.map(\.statusCode) == [500, nil, 200], "outbox \(entry.id ?? 0): \(attempts)")
            #expect(attempts.count == entry.attempts)
            #expect(attempts.dropLast().allSatisfy { !$0.acknowledged } && attempts.last?.acknowledged == true)
            if attempts.count == 3 {
                // on a loaded machine the deadline may lose the race to the closed connection: either way no answer came
                let error = attempts[1].error ?? ""
                #expect(error.contains("timed out") || error.contains("closed the connection"), "\(error)")
            }
            for (index, attempt) in attempts.enumerated().dropFirst() {
                #expect(attempt.atMs - attempts[index - 1].atMs >= endpoint.retryDelayMs(afterAttempts: index), "back-off before attempt \(index + 1)")
            }
        }
        #expect(keys.keys.allSatisfy { $0.hasPrefix("wl-") && !$0.contains("+1555") }, "the key does not carry the caller's number")
        #expect(requests.filter { $0["credited"] as? Bool == true }.count == 2, "billing credits each entry once")
        #expect(requests.count == 6 && keys.values.allSatisfy { $0.count == 3 }, "three requests per entry")
        #expect(requests.filter { $0["duplicate"] as? Bool == true }.count == 2, "the retry after the timeout reached billing as a duplicate")
        #expect(requests.allSatisfy { $0["authorization_ok"] as? Bool == true && $0["content_type"] as? String == "application/json" })
        #expect(requests.first?["body"] as? String == outbox.first?.payload, "the body is the outbox payload")
        // nothing doubled on our side: two passes, two acknowledgements, one each
        let acknowledged = try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events WHERE type = ?", arguments: [BillingEventType.acknowledged]) }
        #expect(acknowledged == 2)
        let passCount = try await store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM day_passes") }
        #expect(passCount == 2)
        // a later pass sends nothing
        let again = try await sync.syncOnce()
        let requestsAfter = try server.requests().count
        #expect(again.attempts.isEmpty && requestsAfter == requests.count)
        // the acknowledgement events are in the granting call's log
        let timeline = try store.timeline(callID: "call-a")
        #expect(timeline.events.filter { $0.type == BillingEventType.attempt }.count == outbox.first?.attempts)
        #expect(first.pass.callID == "call-a")
    }

    @Test("a 2xx answered twice for the same entry (two syncs at once, or a replayed answer) acknowledges it once")
    func duplicateAnswer() throws {
        let scratch = try Scratch("billing-dup")
        defer { scratch.cleanUp() }
        let store = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        _ = try store.grantDayPass(idempotencyKey: "call-c:+15550403", msisdn: "+15550403", callID: "call-c", grantedAtMs: 1_000)
        let pending = try #require(try store.billingPending().first)
        let ok = BillingAttempt(outboxID: pending.entry.id ?? 0, attempt: 1, atMs: 2_000, statusCode: 201, error: nil, durationMs: 5)
        #expect(try store.recordBillingAttempt(ok, pending: pending))
        var replay = ok
        replay.atMs = 3_000
        #expect(try store.recordBillingAttempt(replay, pending: pending) == false)
        let entry = try #require(try store.pool.read { try OutboxRecord.fetchOne($0) })
        #expect(entry.status == OutboxRecord.sent && entry.sentAtMs == 2_000, "the first acknowledgement stands")
        #expect(try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events WHERE type = ?", arguments: [BillingEventType.acknowledged]) } == 1)
    }

    @Test("the caller's next call hears the pass as active only once billing acknowledged it")
    func acknowledgementActivatesThePass() async throws {
        let scratch = try Scratch("billing-active")
        defer { scratch.cleanUp() }
        let server = try BillingServer(scratch: scratch, plan: "503,200", token: nil)
        defer { server.child.stop() }
        let store = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        _ = try store.grantDayPass(idempotencyKey: "call-d:+15550404", msisdn: "+15550404", callID: "call-d", grantedAtMs: nowMs - 60_000)
        func nextCall() throws -> CallContext {
            try CallerHistory.context(store: store, callID: "next", callerID: "+15550404", nowMs: nowMs, zone: .fixed(offsetSeconds: 0)).context
        }
        #expect(try nextCall().lastDayPassConfirmed == false, "granted, not yet acknowledged: requested")
        let sync = BillingSync(store: store, endpoint: try BillingEndpoint(url: server.url, tokenFile: nil, retryBaseMs: 50))
        let first = try await sync.syncOnce()
        #expect(first.attempts.map(\.statusCode) == [503])
        #expect(try nextCall().lastDayPassConfirmed == false, "a 503 does not activate it")
        _ = try await Self.syncUntilDone(sync)
        #expect(try nextCall().lastDayPassConfirmed == true, "acknowledged: the next call hears it active")
        #expect(try store.isDayPassConfirmed(idempotencyKey: "call-d:+15550404"))
    }

    @Test("the BillingSyncService sends a grant made while it runs, retries the 500, and stops when cancelled")
    func serviceRunsPeriodically() async throws {
        let scratch = try Scratch("billing-service")
        defer { scratch.cleanUp() }
        let server = try BillingServer(scratch: scratch, plan: "500,200", token: nil)
        defer { server.child.stop() }
        let store = try StoreDatabase(path: scratch.file("warmline.sqlite"))
        let sync = BillingSync(store: store, endpoint: try BillingEndpoint(url: server.url, tokenFile: nil, retryBaseMs: 100))
        let service = BillingSyncService(sync: sync, intervalMs: 200)
        let running = Task { try await service.run() }
        // granted after the service started: a later pass picks it up
        try await Task.sleep(for: .milliseconds(300))
        _ = try store.grantDayPass(idempotencyKey: "call-f:+15550406", msisdn: "+15550406", callID: "call-f",
                                   grantedAtMs: Int64(Date().timeIntervalSince1970 * 1000))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try !store.pendingOutbox().isEmpty {
            try await Task.sleep(for: .milliseconds(100))
        }
        running.cancel()
        let ended = await running.result
        #expect(try store.pendingOutbox().isEmpty, "the service acknowledged the entry within 20 s")
        let attempts = try store.billingAttempts(outboxID: 1)
        #expect(attempts.map(\.statusCode) == [500, 200])
        if case .failure(let error) = ended { #expect(error is CancellationError, "\(error)") }
    }

    @Test("the endpoint must be https, or plain http to loopback only; the back-off doubles up to its maximum")
    func endpointRules() throws {
        #expect(throws: BillingSetupError.self) { _ = try BillingEndpoint(url: "http://billing.example/daypass", tokenFile: nil) }
        #expect(throws: BillingSetupError.self) { _ = try BillingEndpoint(url: "http://10.0.0.5/daypass", tokenFile: nil) }
        #expect(throws: BillingSetupError.self) { _ = try BillingEndpoint(url: "ftp://127.0.0.1/x", tokenFile: nil) }
        #expect(throws: BillingSetupError.self) { _ = try BillingEndpoint(url: "https://billing.example/x", tokenFile: "/nonexistent/token") }
        let endpoint = try BillingEndpoint(url: "https://billing.example/daypass", tokenFile: nil, retryBaseMs: 2_000, retryMaxMs: 10_000)
        #expect((1...5).map(endpoint.retryDelayMs(afterAttempts:)) == [2_000, 4_000, 8_000, 10_000, 10_000])
        _ = try BillingEndpoint(url: "http://[::1]:8080/x", tokenFile: nil)
        _ = try BillingEndpoint(url: "http://localhost/x", tokenFile: nil)
        // the config refuses the same at its line
        let yaml = "billing:\n  timeout_ms: 5000\n  url: \"http://billing.example/daypass\"\n"
        #expect(throws: ConfigError.self) { try UnitConfigLoader().parse(yaml, file: "warmline.yaml") }
        do {
            _ = try UnitConfigLoader().parse(yaml, file: "warmline.yaml")
        } catch {
            #expect(error.description.contains("warmline.yaml:3"), "\(error.description)")
        }
        let good = try UnitConfigLoader().parse("billing:\n  url: \"https://b.example/p\"\n  retry_base_ms: 500\n", file: "w.yaml")
        #expect(good.billing.url == "https://b.example/p" && good.billing.retryBaseMs == 500)
    }

    @Test("warmline passes sync prints the retry log, exits 1 while billing keeps failing and 0 once every entry is acknowledged")
    func syncCommand() async throws {
        let scratch = try Scratch("billing-cli")
        defer { scratch.cleanUp() }
        let server = try BillingServer(scratch: scratch, plan: "500,500,500,200", token: Self.token)
        defer { server.child.stop() }
        let dbPath = scratch.file("warmline.sqlite")
        let store = try StoreDatabase(path: dbPath)
        _ = try store.grantDayPass(idempotencyKey: "call-e:+15550405", msisdn: "+15550405", callID: "call-e", grantedAtMs: 1_000)
        let tokenFile = try scratch.write("token", Self.token)
        let config = try scratch.write("warmline.yaml", """
            billing:
              url: "\(server.url)"
              token_file: "\(tokenFile)"
              timeout_ms: 2000
              retry_base_ms: 50
            """)
        let binary = try warmlineBinary()
        let failing = try Child(binary, ["passes", "sync", "--db", dbPath, "--config", config, "--max-attempts", "2"])
        #expect(await failing.finish(upTo: 60) == 1, "two 500s: still pending, exit 1; \(failing.stderr)")
        print("warmline passes sync (billing fails):\n\(failing.stdout)\(failing.stderr)")
        #expect(failing.stdout.contains("attempt 1: billing answered HTTP 500") && failing.stdout.contains("; retry in "))
        #expect(failing.stderr.contains("still pending"))
        let succeeding = try Child(binary, ["passes", "sync", "--db", dbPath, "--config", config])
        #expect(await succeeding.finish(upTo: 60) == 0, "\(succeeding.stderr)")
        print("warmline passes sync (billing recovers):\n\(succeeding.stdout)")
        #expect(succeeding.stdout.contains("attempt 4: HTTP 200 acknowledged"))
        #expect(succeeding.stdout.contains("billing sync: 1 acknowledged, 0 pending"))
        #expect(try store.pendingOutbox().isEmpty)
    }
}
