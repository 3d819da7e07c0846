import Foundation
import GRDB
import Testing
@testable import WarmlineStore

@Suite("DayPassLedger")
struct DayPassLedgerTests {
    @Test("a retried grant with the same idempotency key returns the existing pass and adds no second outbox entry")
    func idempotentGrant() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let first = try store.grantDayPass(idempotencyKey: "call-7", msisdn: "353870000007", callID: "call-7", grantedAtMs: 1_000)
        let retry = try store.grantDayPass(idempotencyKey: "call-7", msisdn: "353870000007", callID: "call-7", grantedAtMs: 5_000)
        #expect(first.created && !retry.created)
        #expect(retry.pass == first.pass)
        #expect(first.pass.expiresAtMs == 1_000 + 86_400_000)
        let outbox = try store.pendingOutbox()
        #expect(outbox.count == 1)
        #expect(outbox.first?.dayPassID == first.pass.id)
        #expect(outbox.first?.payload.contains("\"idempotency_key\":\"call-7\"") == true)
    }

    @Test("concurrent grants with one key from many threads create exactly one pass")
    func concurrentGrants() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            _ = try? store.grantDayPass(idempotencyKey: "same", msisdn: "35387000000\(index % 10)", callID: nil, grantedAtMs: Int64(index))
        }
        #expect(try store.pool.read { try DayPassRecord.fetchCount($0) } == 1)
        #expect(try store.pendingOutbox().count == 1)
    }

    @Test("marking outbox entries sent is all or nothing: an unknown id marks none")
    func markSent() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        for key in ["a", "b", "c"] { _ = try store.grantDayPass(idempotencyKey: key, msisdn: "353870000001", callID: nil, grantedAtMs: 1) }
        let ids = try store.pendingOutbox().compactMap(\.id)
        #expect(throws: StoreError.unknownOutboxIDs([999])) { try store.markOutboxSent(ids: [ids[0], 999], atMs: 10) }
        #expect(try store.pendingOutbox().count == 3)
        try store.markOutboxSent(ids: [ids[0], ids[2]], atMs: 10)
        #expect(try store.pendingOutbox().compactMap(\.id) == [ids[1]])
        let sent = try store.pool.read { try OutboxRecord.fetchOne($0, key: ids[0]) }
        #expect(sent?.status == OutboxRecord.sent && sent?.sentAtMs == 10 && sent?.attempts == 1)
    }

    @Test("a provisional pass says so in the ledger and in the outbox payload billing reads")
    func provisionalPass() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let grant = try store.grantDayPass(idempotencyKey: "k", msisdn: "+15550402", callID: "c1", grantedAtMs: 1_000, provisional: true)
        #expect(grant.pass.provisional)
        #expect(try store.pool.read { try DayPassRecord.fetchOne($0, key: grant.pass.id) }?.provisional == true)
        #expect(try store.pendingOutbox().first?.payload.contains("\"provisional\":true") == true)
        let plain = try store.grantDayPass(idempotencyKey: "k2", msisdn: "+15550403", callID: "c2", grantedAtMs: 2_000)
        #expect(!plain.pass.provisional)
        #expect(try store.pendingOutbox().last?.payload.contains("\"provisional\":false") == true)
    }

    @Test("the ledger refuses, by rule and in the granting transaction, a second open pass, one within the cooldown and one over the hourly cap")
    func limitsInTheTransaction() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        let day: Int64 = 86_400_000
        let limits = DayPassLimits(cooldownMs: 30 * day, unitMaxPerHour: 2)
        _ = try store.grantDayPass(idempotencyKey: "a1", msisdn: "+15550402", callID: nil, grantedAtMs: 0, limits: limits)
        #expect(throws: StoreError.dayPassRefused(rule: "one_open_pass", reason: "pass #1 for +15550402 still runs")) {
            try store.grantDayPass(idempotencyKey: "a2", msisdn: "+15550402", callID: nil, grantedAtMs: 3_600_000, limits: limits)
        }
        #expect(throws: StoreError.dayPassRefused(rule: "cooldown",
                                                  reason: "pass #1 for +15550402 was granted 29 days ago; one per 30 days")) {
            try store.grantDayPass(idempotencyKey: "a3", msisdn: "+15550402", callID: nil, grantedAtMs: 29 * day, limits: limits)
        }
        // a retry of a granted key is not a new pass: it is returned, not refused
        #expect(try store.grantDayPass(idempotencyKey: "a1", msisdn: "+15550402", callID: nil, grantedAtMs: 60, limits: limits).created == false)
        _ = try store.grantDayPass(idempotencyKey: "b1", msisdn: "+15550501", callID: nil, grantedAtMs: 40 * day, limits: limits)
        _ = try store.grantDayPass(idempotencyKey: "b2", msisdn: "+15550502", callID: nil, grantedAtMs: 40 * day + 1, limits: limits)
        #expect(throws: StoreError.dayPassRefused(rule: "unit_hourly_cap", reason: "the unit granted 2 passes in the past hour (limit 2)")) {
            try store.grantDayPass(idempotencyKey: "b3", msisdn: "+15550503", callID: nil, grantedAtMs: 40 * day + 2, limits: limits)
        }
        #expect(try store.dayPassesGranted(inHourBefore: 40 * day + 2) == 2)
        // nothing of a refused grant was written, and the cooldown is over after 30 days
        #expect(try store.pool.read { try DayPassRecord.fetchCount($0) } == 3)
        #expect(try store.pendingOutbox().count == 3)
        #expect(try store.grantDayPass(idempotencyKey: "a4", msisdn: "+15550402", callID: nil, grantedAtMs: 30 * day, limits: limits).created)
    }
}
