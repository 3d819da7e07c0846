import Foundation

extension StoreReport {
    /// Words for a stored outcome in the table.
    static func outcomePhrase(_ name: String) -> String {
        switch name {
        case CallOutcome.reachedPerson.rawValue: "reached a person"
        case CallOutcome.callbackPromised.rawValue: "callback promised"
        case CallOutcome.selfServed.rawValue: "served by the menu"
        case CallOutcome.abandonedInMenu.rawValue: "hung up in the menu"
        case CallOutcome.abandonedWaiting.rawValue: "hung up waiting"
        case CallOutcome.bypassed.rawValue: "released to bypass"
        case CallOutcome.failed.rawValue: "failed (fault)"
        default: name
        }
    }

    /// Milliseconds as people read a wait (`850 ms`, `47.2 s`, `3 min 05 s`).
    static func duration(_ ms: Int64?) -> String {
        guard let ms else { return "-" }
        if ms < 1_000 { return "\(ms) ms" }
        if ms < 60_000 { return String(format: "%.1f s", Double(ms) / 1_000) }
        let seconds = ms / 1_000
        return String(format: "%d min %02d s", seconds / 60, seconds % 60)
    }

    /// The period as local times, the offset said once when both ends share it (so the line fits 80 columns).
    static func period(fromMs: Int64, toMs: Int64, format: TimeFormat) -> String {
        let from = format.offsetLabel(ms: fromMs)
        let to = format.offsetLabel(ms: toMs)
        guard from == to else { return "\(format.dateTime(ms: fromMs)) → \(format.dateTime(ms: toMs))" }
        return "\(format.day(ms: fromMs)) \(format.time(ms: fromMs)) → \(format.day(ms: toMs)) \(format.time(ms: toMs)) (\(from))"
    }

    /// The report as an aligned table that fits 80 columns: totals, outcomes, hand-offs, service level, lines, languages.
    public func renderedTable(timeZone: TimeZone) -> String {
        let format = TimeFormat(timeZone: timeZone)
        func ms(_ value: Int64?) -> String { value.map { "\($0) ms" } ?? "-" }
        let short = "\(shortAbandonThresholdMs / 1000) s"
        var rows: [(String, String)] = [
            ("period", Self.period(fromMs: fromMs, toMs: toMs, format: format)),
            ("calls", "\(calls)"),
            ("answered", "\(answered)" + (calls > answered ? "  (\(calls - answered) not answered by the unit)" : "")),
        ]
        rows += outcomes.map { ("  " + StoreReport.outcomePhrase($0.name), "\($0.count)") }
        rows += [
            ("abandoned before a person", "\(abandonedBeforePerson)  (short abandons left out)"),
            ("short abandons", "\(shortAbandons)  (hung up in the menu within \(short) of answer)"),
            ("distress hand-offs", "\(distressHandoffs)  (distress \(count(handoffReasons, "distress")), silent \(count(handoffReasons, "silent")))"),
            ("agent requests", "\(agentRequests)  (the caller asked for a person)"),
            ("menu-failure hand-offs", "\(count(handoffReasons, "menu_failure"))"),
            ("time-bound hand-offs", "\(count(handoffReasons, "time_bound"))"),
            ("day passes granted", "\(dayPassesGranted)"),
            ("day passes refused", "\(dayPassesRefused)"),
            ("callbacks", "\(callbacks)  (pending \(callbacksPending), done \(callbacksDone))"),
            ("released to bypass", "\(releasedToBypass)"),
        ]
        for level in serviceLevels {
            let percent = level.percent.map { String(format: "%.1f %%", $0) } ?? "-"
            rows.append(("service level \(level.withinMs / 1000) s", "\(percent)  (\(level.reached) of \(level.wanted) reached a person)"))
        }
        rows += [
            ("average wait for a person", StoreReport.duration(averageWaitMs)),
            ("longest wait for a person", StoreReport.duration(longestWaitMs)),
            ("hand-offs timed", "\(handoffLatency.count)  (to a person answering)"),
            ("hand-off latency p50", ms(handoffLatency.p50Ms)),
            ("hand-off latency p95", ms(handoffLatency.p95Ms)),
            ("hand-off latency max", ms(handoffLatency.maxMs)),
            ("event queue overflows", "\(storeOverflows)"),
        ]
        let width = rows.map(\.0.count).max() ?? 0
        var text = rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
        text.append("")
        if distressWithoutPerson.isEmpty {
            text.append("distress without a person: none")
        } else {
            text.append("distress without a person: \(distressWithoutPerson.count)")
            text += distressWithoutPerson.map { "  \($0.id)  line \($0.line)  \($0.handoffReason), \($0.outcome)" }
        }
        text.append("")
        text.append("line  calls  faults  board resets  time in bypass")
        text += lines.map {
            String(format: "%4d  %5d  %6d  %12d  ", $0.line, $0.calls, $0.faults, $0.boardResets) + StoreReport.duration($0.bypassMs)
        }
        if lines.isEmpty { text.append("(no line activity)") }
        text.append("")
        text.append("languages: " + (languages.isEmpty ? "none" : languages.map { "\($0.name) \($0.count)" }.joined(separator: ", ")))
        return text.joined(separator: "\n")
    }

    /// The report as `metric,value` CSV rows (RFC 4180), one figure per row; lists use indexed names.
    public func renderedCSV() -> String {
        var rows: [[String]] = [["metric", "value"], ["from_ms", "\(fromMs)"], ["to_ms", "\(toMs)"], ["calls", "\(calls)"],
                                ["answered", "\(answered)"]]
        rows += outcomes.map { ["outcome.\($0.name)", "\($0.count)"] }
        rows += handoffReasons.map { ["handoff_reason.\($0.name)", "\($0.count)"] }
        rows += [["abandoned_before_person", "\(abandonedBeforePerson)"], ["short_abandons", "\(shortAbandons)"],
                 ["short_abandon_threshold_ms", "\(shortAbandonThresholdMs)"], ["distress_handoffs", "\(distressHandoffs)"],
                 ["agent_requests", "\(agentRequests)"], ["day_passes_granted", "\(dayPassesGranted)"],
                 ["day_passes_refused", "\(dayPassesRefused)"], ["callbacks", "\(callbacks)"],
                 ["callbacks_pending", "\(callbacksPending)"], ["callbacks_done", "\(callbacksDone)"],
                 ["released_to_bypass", "\(releasedToBypass)"]]
        for level in serviceLevels {
            rows.append(["service_level_\(level.withinMs / 1000)s.reached", "\(level.reached)"])
            rows.append(["service_level_\(level.withinMs / 1000)s.wanted", "\(level.wanted)"])
            rows.append(["service_level_\(level.withinMs / 1000)s.percent", level.percent.map { String(format: "%.1f", $0) } ?? ""])
        }
        rows += [["average_wait_ms", averageWaitMs.map(String.init) ?? ""], ["longest_wait_ms", longestWaitMs.map(String.init) ?? ""],
                 ["handoff_latency.count", "\(handoffLatency.count)"], ["handoff_latency.p50_ms", handoffLatency.p50Ms.map(String.init) ?? ""],
                 ["handoff_latency.p95_ms", handoffLatency.p95Ms.map(String.init) ?? ""],
                 ["handoff_latency.max_ms", handoffLatency.maxMs.map(String.init) ?? ""], ["store_overflows", "\(storeOverflows)"]]
        rows += distressWithoutPerson.map { ["distress_without_person", "\($0.id) line \($0.line) \($0.handoffReason) \($0.outcome)"] }
        for line in lines {
            rows += [["line.\(line.line).calls", "\(line.calls)"], ["line.\(line.line).faults", "\(line.faults)"],
                     ["line.\(line.line).board_resets", "\(line.boardResets)"], ["line.\(line.line).bypass_ms", "\(line.bypassMs)"]]
        }
        rows += languages.map { ["language.\($0.name)", "\($0.count)"] }
        return rows.map(CSV.row).joined()
    }

    private func count(_ counts: [Count], _ name: String) -> Int { counts.first { $0.name == name }?.count ?? 0 }
}
