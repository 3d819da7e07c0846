import Testing
@testable import WarmlineSpeech

@Suite("Recogniser CPU share")
struct RecognizerBudgetTests {
    @Test("a full bucket sends at once; spent credit refills at the share; beyond it nothing is sent until it has")
    func refills() {
        var budget = RecognizerBudget(percent: 20, burstMs: 1000)
        let first = budget.admits(atMs: 0)
        budget.spend(1200, atMs: 0)  // one long decode: 200 ms in debt
        let halfSecondLater = budget.admits(atMs: 500)  // +100 ms of credit: still 100 short
        let laterStill = budget.admits(atMs: 1100)  // +220 ms: 20 in credit
        // idle for a minute: the credit stops at one burst
        let afterIdle = budget.credit(atMs: 61_000)
        #expect(first && !halfSecondLater && laterStill)
        #expect(afterIdle == 1000)
    }

    @Test("four callers talking at once are held to the share over a minute, one caller is never refused")
    func heldToShare() {
        // every 100 ms one of four lines asks for a transcript costing 270 ms of CPU (a second of speech each, 4 lines)
        var budget = RecognizerBudget(percent: 20, burstMs: 1500)
        var spent = 0.0
        for tick in 0..<600 where budget.admits(atMs: Double(tick * 100)) {
            budget.spend(270, atMs: Double(tick * 100))
            spent += 270
        }
        #expect(spent <= 0.20 * 60_000 + 1500 + 270)
        #expect(spent >= 0.20 * 60_000 - 270)
        // one caller: a sentence every 3 s, 270 ms of CPU each (9 % of a core) is always sent
        var single = RecognizerBudget(percent: 20)
        var refused = 0
        for index in 0..<20 {
            let now = Double(index * 3000)
            if single.admits(atMs: now) { single.spend(270, atMs: now) } else { refused += 1 }
        }
        #expect(refused == 0)
    }

    @Test("0 means no limit, and a pathological decode's debt is bounded")
    func unlimitedAndBoundedDebt() {
        var off = RecognizerBudget(percent: 0)
        off.spend(1_000_000, atMs: 0)
        let offAdmits = off.admits(atMs: 0)
        var on = RecognizerBudget(percent: 10, burstMs: 1000)
        on.spend(1_000_000, atMs: 0)
        let debt = on.credit(atMs: 0)
        let stillSilent = on.admits(atMs: 99_000)
        let backAfterDebtRepaid = on.admits(atMs: 100_001)
        #expect(offAdmits)
        #expect(debt == -RecognizerBudget.deepestDebtMs)
        // 10 s of debt at 10 %: 100 s of PocketSphinx alone, then the recogniser is back
        #expect(!stillSilent && backAfterDebtRepaid)
    }

    @Test("after a quiet spell the first sentence is sent at once even when it costs more than the whole burst; the next waits")
    func firstSentenceAfterQuiet() {
        var budget = RecognizerBudget(percent: 20, burstMs: Recognizer.Configuration(model: RecognizerModel(directory: "/nonexistent")).cpuBurstMs)
        _ = budget.credit(atMs: 0)
        let first = budget.admits(atMs: 60_000)
        budget.spend(3000, atMs: 60_000)  // a 10 s sentence read early and at its end
        let next = budget.admits(atMs: 61_000)
        // the debt is repaid at the share: 1.5 s of CPU at 20 % takes 7.5 s
        let repaid = budget.admits(atMs: 60_000 + 7_600)
        #expect(first && !next && repaid)
    }
}
