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
}
