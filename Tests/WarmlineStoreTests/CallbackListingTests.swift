import Foundation
import GRDB
import Testing
@testable import WarmlineStore

@Suite("Callbacks and outbox marking")
struct CallbackListingTests {
    @Test("marking a callback done records when, once; marking it again changes nothing and says when it was done")
    func callbackDoneIsIdempotent() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let second = try store.requestCallback(CallbackRecord(callID: nil, callerID: "+15550100", requestedAtMs: 5_000))
        let pending = try store.callbacks(pendingOnly: true)
        #expect(pending.count == 2)
        let id = try #require(pending.first { $0.callback.callID == "L1-0003" }?.callback.id)
        #expect(try store.markCallbackDone(id: id, atMs: 9_000_000) == .marked(atMs: 9_000_000))
        #expect(try store.markCallbackDone(id: id, atMs: 9_999_999) == .alreadyDone(atMs: 9_000_000))
        #expect(try store.callbacks(pendingOnly: true).map(\.callback.id) == [second.id])
        let all = try store.callbacks()
        #expect(all.first { $0.callback.id == id }?.doneAtMs == 9_000_000)
        #expect(all.first { $0.callback.id == id }?.callback.status == CallbackRecord.done)
        // the mark is in the event log, once
        let marks = try store.events(matching: EventFilter(type: CallbackRecord.doneEventType))
        #expect(marks.count == 1)
        #expect(marks.first?.callID == "L1-0003")
        #expect(throws: StoreError.unknownCallback(999)) { try store.markCallbackDone(id: 999, atMs: 1) }
    }

    @Test("re-marking a sent outbox entry keeps its time and attempts; an unknown id marks nothing")
    func outboxMarkingOnce() throws {
        let directory = TemporaryDirectory()
        let store = try directory.store()
        try StoreFixture.fill(store)
        let entry = try #require(try store.outbox(includeSent: false).first)
        let id = try #require(entry.id)
        #expect(throws: StoreError.unknownOutboxIDs([77])) { try store.markOutboxSentOnce(ids: [id, 77], atMs: 1) }
        #expect(try store.outbox(includeSent: false).count == 1)
        #expect(try store.markOutboxSentOnce(ids: [id], atMs: 2_000) == [.marked(id: id, atMs: 2_000)])
        #expect(try store.markOutboxSentOnce(ids: [id, id], atMs: 3_000) == [.alreadySent(id: id, atMs: 2_000)])
        let sent = try #require(try store.outbox(includeSent: true).first)
        #expect(sent.sentAtMs == 2_000 && sent.attempts == entry.attempts + 1)
        #expect(try store.outbox(includeSent: false).isEmpty)
    }
}
