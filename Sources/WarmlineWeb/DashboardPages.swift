import Foundation
import WarmlineStore

/// The dashboard's HTML pages, rendered on the server; every value from the database or a request is escaped.
public struct DashboardPages: Sendable {
    /// The data the pages show.
    public let data: DashboardData
    /// Shown in the header (the unit's name or host).
    public let unitName: String

    /// Makes the page renderer.
    public init(data: DashboardData, unitName: String) {
        self.data = data
        self.unitName = unitName
    }

    private var time: TimeFormat { TimeFormat(timeZone: data.timeZone) }

    // MARK: - Overview

    /// `/`: lines now, today's figures, the two charts and the latest calls.
    public func overview(nowMs: Int64, unit: UnitSnapshot?) throws -> String {
        let report = try data.today(nowMs: nowMs)
        let hours = try data.hours(nowMs: nowMs)
        let latencies = try data.latenciesMs(nowMs: nowMs)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = data.timeZone
        let hourNow = calendar.component(.hour, from: Date(timeIntervalSince1970: Double(nowMs) / 1000))
        var body = linesPanel(unit, nowMs: nowMs)
        let needed = hours.reduce(0) { $0 + $1.neededPerson }
        let within = hours.reduce(0) { $0 + $1.withinTarget }
        let level = needed == 0 ? "–" : "\(Int((Double(within) * 100 / Double(needed)).rounded()))%"
        body += "<section class=\"panel\"><h2>Today <span class=\"muted\">\(HTML.escape(String(time.dateTime(ms: report.fromMs).prefix(10))))</span></h2><div class=\"tiles\">"
        body += tile("calls", "Calls", report.calls)
        body += tile("answered", "Answered", report.answered)
        body += tile("distress_handoffs", "Distress hand-offs", report.distressHandoffs, tone: report.distressHandoffs > 0 ? "alert" : nil)
        body += tile("agent_requests", "Asked for a person", report.agentRequests)
        body += tile("day_passes_granted", "Day passes", report.dayPassesGranted)
        body += tile("callbacks", "Callbacks", report.callbacks, tone: report.callbacks > 0 ? "warn" : nil)
        body += tile("abandoned_before_person", "Abandoned before a person", report.abandonedBeforePerson,
                     tone: report.abandonedBeforePerson > 0 ? "warn" : nil)
        body += tile("released_to_bypass", "Released to bypass", report.releasedToBypass)
        body += "<div class=\"tile\" data-figure=\"service_level\"><div class=\"value\">\(level)</div><div class=\"label\">Service level (≤ \(DashboardData.serviceLevelTargetMs / 1000) s)</div></div>"
        body += msTile("handoff_latency.p50_ms", "Hand-off p50", report.handoffLatency.p50Ms)
        body += msTile("handoff_latency.p95_ms", "Hand-off p95", report.handoffLatency.p95Ms)
        body += msTile("handoff_latency.max_ms", "Hand-off max", report.handoffLatency.maxMs)
        body += "</div></section>"
        body += "<div class=\"charts\">"
        body += "<section class=\"panel\"><h2>Calls per hour and service level</h2>\(SVGChart.serviceLevel(hours, currentHour: hourNow))"
        body += "<p class=\"legend\"><span class=\"key bars\"></span>calls <span class=\"key line\"></span>reached a person within \(DashboardData.serviceLevelTargetMs / 1000) s (goal 80 %, dashed)</p></section>"
        body += "<section class=\"panel\"><h2>Hand-off latency today <span class=\"muted\">\(report.handoffLatency.count) timed</span></h2>\(SVGChart.latencyHistogram(DashboardData.histogram(latencies)))"
        body += "<p class=\"legend\"><span class=\"key fast\"></span>within target <span class=\"key slow\"></span>slower than \(DashboardData.serviceLevelTargetMs / 1000) s</p></section>"
        body += "</div>"
        let recent = try data.calls(DashboardData.CallsQuery())
        body += "<section class=\"panel\"><h2>Latest calls <a class=\"more\" href=\"/calls\">all calls →</a></h2>\(callsTable(Array(recent.prefix(8))))</section>"
        return layout(title: "Overview", active: "overview", nowMs: nowMs, body: body)
    }

    private func linesPanel(_ unit: UnitSnapshot?, nowMs: Int64) -> String {
        guard let unit else {
            return "<section class=\"panel lines\" id=\"lines\"><h2>Lines now</h2><div class=\"banner down\" data-service=\"not-running\">"
                + "<strong>Service not running.</strong> No Warmline service answered on this unit: lines are on the bypass relay "
                + "(straight to the agent line) until it starts. <code>systemctl status warmline</code> tells why.</div></section>"
        }
        var html = "<section class=\"panel lines\" id=\"lines\"><h2>Lines now <span class=\"muted\">queue \(unit.queueLength) · store queue \(unit.storeQueueDepth)</span></h2><div class=\"line-cards\">"
        for line in unit.lines {
            let tone = !line.up ? "down" : line.inBypass ? "bypass" : line.state == "idle" ? "idle" : "busy"
            html += "<div class=\"line-card \(tone)\" data-line=\"\(line.number)\"><div class=\"line-no\">Line \(line.number)</div>"
            html += "<div class=\"line-state\">\(HTML.escape(line.inBypass ? "bypass relay" : line.up ? line.state : "board link down"))</div>"
            if let caller = line.callerID { html += "<div class=\"line-caller\">\(HTML.escape(caller))</div>" }
            if let since = line.sinceMs { html += "<div class=\"muted\">for \(HTML.escape(TimeFormat.offset(ms: max(0, nowMs - since))))</div>" }
            if let callID = line.callID { html += "<a href=\"/calls/\(HTML.queryValue(callID))\">open call</a>" }
            html += "</div>"
        }
        let models = unit.speechModels.map { "\(HTML.escape($0.name)): <span class=\"badge \($0.state == "ready" ? "ok" : "warn")\">\(HTML.escape($0.state))</span>" }
        html += "</div><p class=\"muted\">speech \(models.isEmpty ? "off" : models.joined(separator: " · "))</p></section>"
        return html
    }

    private func tile(_ key: String, _ label: String, _ value: Int, tone: String? = nil) -> String {
        "<div class=\"tile\(tone.map { " \($0)" } ?? "")\" data-figure=\"\(key)\"><div class=\"value\">\(value)</div><div class=\"label\">\(HTML.escape(label))</div></div>"
    }

    private func msTile(_ key: String, _ label: String, _ value: Int64?) -> String {
        let shown = value.map { $0 >= 10_000 ? String(format: "%.1f s", Double($0) / 1000) : "\($0) ms" } ?? "–"
        return "<div class=\"tile\" data-figure=\"\(key)\" data-ms=\"\(value.map(String.init) ?? "")\"><div class=\"value\">\(shown)</div><div class=\"label\">\(HTML.escape(label))</div></div>"
    }

    // MARK: - Calls

    /// `/calls`: the filter form and the matching calls, newest first.
    public func calls(_ query: DashboardData.CallsQuery, nowMs: Int64) throws -> String {
        var body = "<section class=\"panel\"><h2>Calls</h2><form class=\"filters\" method=\"get\" action=\"/calls\">"
        body += "<label>Day <input type=\"date\" name=\"day\" value=\"\(HTML.escape(query.day ?? ""))\"></label>"
        body += "<label>Outcome <select name=\"outcome\"><option value=\"\">any</option>"
        for outcome in CallOutcome.all {
            body += "<option value=\"\(outcome)\"\(query.outcome == outcome ? " selected" : "")>\(HTML.escape(Self.outcomeLabel(outcome)))</option>"
        }
        body += "</select></label>"
        body += "<label>Caller <input type=\"search\" name=\"caller\" value=\"\(HTML.escape(query.caller ?? ""))\" placeholder=\"number contains\"></label>"
        body += "<label class=\"check\"><input type=\"checkbox\" name=\"distress\" value=\"1\"\(query.distressOnly ? " checked" : "")> distress only</label>"
        body += "<button type=\"submit\">Filter</button> <a href=\"/calls\">clear</a></form>"
        do {
            let rows = try data.calls(query)
            body += "<p class=\"muted\" data-count=\"\(rows.count)\">\(rows.count) calls\(rows.count == query.limit ? " (the latest \(query.limit))" : "")</p>"
            body += callsTable(rows)
        } catch let error as DashboardInputError {
            body += "<div class=\"banner warn\" data-error=\"\(HTML.escape(error.field))\">\(HTML.escape(error.description))</div>"
        }
        body += "</section>"
        return layout(title: "Calls", active: "calls", nowMs: nowMs, body: body)
    }

    private func callsTable(_ rows: [DashboardData.CallRow]) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">No calls.</p>" }
        var html = "<table class=\"calls\"><thead><tr><th>Started</th><th>Line</th><th>Caller</th><th>Outcome</th><th>Distress</th><th>Hand-off</th><th>Events</th></tr></thead><tbody>"
        for row in rows {
            let call = row.call
            let link = "/calls/\(HTML.queryValue(call.id))"
            html += "<tr data-call=\"\(HTML.escape(call.id))\"><td><a href=\"\(link)\">\(HTML.escape(time.dateTime(ms: call.startedAtMs).dropLast(4).description))</a></td>"
            html += "<td>\(call.line)</td><td class=\"caller\">\(HTML.escape(call.callerID ?? "withheld"))</td>"
            html += "<td>\(outcomeBadge(call.outcome))</td><td>\(row.distress ? "<span class=\"badge alert\">distress</span>" : "")</td>"
            let handoff = call.handoffTarget.map { target in
                HTML.escape(target) + (call.handoffLatencyMs.map { " · \(String(format: "%.1f", Double($0) / 1000)) s" } ?? "")
            } ?? ""
            html += "<td>\(handoff)</td><td>\(row.eventCount)</td></tr>"
        }
        return html + "</tbody></table>"
    }

    private func outcomeBadge(_ outcome: String?) -> String {
        guard let outcome else { return "<span class=\"badge live\">in progress</span>" }
        let tone = switch outcome {
        case CallOutcome.reachedPerson.rawValue, CallOutcome.selfServed.rawValue: "ok"
        case CallOutcome.abandonedWaiting.rawValue, CallOutcome.failed.rawValue: "alert"
        default: "warn"
        }
        return "<span class=\"badge \(tone)\" data-outcome=\"\(HTML.escape(outcome))\">\(HTML.escape(Self.outcomeLabel(outcome)))</span>"
    }

    static func outcomeLabel(_ outcome: String) -> String {
        switch CallOutcome(rawValue: outcome) {
        case .reachedPerson?: "reached a person"
        case .callbackPromised?: "callback promised"
        case .selfServed?: "self-served"
        case .abandonedInMenu?: "hung up in the menu"
        case .abandonedWaiting?: "hung up waiting"
        case .bypassed?: "released to bypass"
        case .failed?: "failed"
        case nil: outcome
        }
    }

    // MARK: - One call

    /// `/calls/ID`: the call's facts, its distress reasons, the agent whisper, hand-off attempts and every event.
    public func call(id: String, nowMs: Int64) throws -> String? {
        let timeline: CallTimeline
        do {
            timeline = try data.store.timeline(callID: id)
        } catch StoreError.unknownCall {
            return nil
        }
        var body = "<p><a href=\"/calls\">← calls</a></p><section class=\"panel\"><h2>Call <code>\(HTML.escape(id))</code></h2>"
        let startMs = timeline.call?.startedAtMs ?? timeline.events.first?.wallTimeMs ?? 0
        if let call = timeline.call {
            body += "<dl class=\"facts\">"
            body += fact("Line", "\(call.line)") + fact("Caller", call.callerID ?? "withheld")
            body += fact("Started", time.dateTime(ms: call.startedAtMs))
            body += "<div><dt>Outcome</dt><dd>\(outcomeBadge(call.outcome))</dd></div>"
            if let ended = call.endedAtMs { body += fact("Duration", TimeFormat.offset(ms: ended - call.startedAtMs)) }
            body += fact("Language", call.language ?? "–")
            if let target = call.handoffTarget {
                body += fact("Handed off to", target + (call.handoffLatencyMs.map { " after \(String(format: "%.1f", Double($0) / 1000)) s" } ?? ""))
            }
            body += "</dl>"
        } else {
            body += "<div class=\"banner warn\">No call row: only events were logged (the unit stopped mid-call).</div>"
        }
        body += "</section><div class=\"charts\">"
        let reasons = timeline.distressReasons
        body += "<section class=\"panel\" id=\"distress\"><h2>Distress reasons</h2>"
        body += reasons.isEmpty ? "<p class=\"empty\">None: no distress signal fired.</p>"
            : "<ul class=\"reasons\">" + reasons.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        let whispers = timeline.events.filter { $0.type == "handoff.whisper" }.compactMap { Self.payloadText($0.payload, "text") }
        body += "<h3>Whisper to the agent</h3>"
        body += whispers.isEmpty ? "<p class=\"empty\">No whisper (no hand-off reached an agent).</p>"
            : whispers.map { "<blockquote class=\"whisper\">\(HTML.escape($0))</blockquote>" }.joined()
        body += "</section><section class=\"panel\" id=\"attempts\"><h2>Hand-off attempts</h2>"
        let attempts = timeline.handoffAttempts
        body += attempts.isEmpty ? "<p class=\"empty\">None.</p>" : "<ol>" + attempts.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ol>"
        body += "</section></div><section class=\"panel\"><h2>Timeline <span class=\"muted\">\(timeline.events.count) events</span></h2>"
        body += "<table class=\"timeline\"><thead><tr><th>+time</th><th>Clock</th><th>Frame</th><th>Event</th><th>Details</th></tr></thead><tbody>"
        for event in timeline.events {
            let tone = event.type.hasPrefix("distress") ? " class=\"distress\"" : event.type.hasPrefix("handoff") ? " class=\"handoff\"" : ""
            body += "<tr\(tone)><td>+\(HTML.escape(TimeFormat.offset(ms: event.wallTimeMs - startMs)))</td><td>\(HTML.escape(time.time(ms: event.wallTimeMs)))</td>"
            body += "<td>\(event.frameTime)</td><td><code>\(HTML.escape(event.type))</code></td><td>\(HTML.escape(EventDescription.describe(event)))</td></tr>"
        }
        body += "</tbody></table></section>"
        return layout(title: "Call \(id)", active: "calls", nowMs: nowMs, body: body)
    }

    private func fact(_ label: String, _ value: String) -> String {
        "<div><dt>\(HTML.escape(label))</dt><dd>\(HTML.escape(value))</dd></div>"
    }

    static func payloadText(_ payload: String, _ key: String) -> String? {
        guard let data = payload.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return nil
        }
        return object[key] as? String
    }

    // MARK: - Callbacks, passes, outbox

    /// `/callbacks`: callback requests, newest first.
    public func callbacks(nowMs: Int64) throws -> String {
        let rows = try data.callbacks()
        var body = "<section class=\"panel\"><h2>Callbacks <span class=\"muted\">\(rows.filter { $0.status == "pending" }.count) pending</span></h2>"
        if rows.isEmpty {
            body += "<p class=\"empty\">No callback requests.</p>"
        } else {
            body += "<table><thead><tr><th>Requested</th><th>Number</th><th>Reason</th><th>Language</th><th>Status</th><th>Call</th></tr></thead><tbody>"
            for row in rows {
                body += "<tr data-callback=\"\(row.id ?? 0)\"><td>\(HTML.escape(time.dateTime(ms: row.requestedAtMs).dropLast(4).description))</td>"
                body += "<td class=\"caller\">\(HTML.escape(row.callerID))</td><td>\(HTML.escape(row.reason ?? ""))</td><td>\(HTML.escape(row.language ?? ""))</td>"
                body += "<td><span class=\"badge \(row.status == "pending" ? "warn" : "ok")\">\(HTML.escape(row.status))</span></td>"
                body += "<td>\(row.callID.map { "<a href=\"/calls/\(HTML.queryValue($0))\">open</a>" } ?? "")</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "</section>"
        return layout(title: "Callbacks", active: "callbacks", nowMs: nowMs, body: body)
    }

    /// `/passes`: day passes with their billing state, and the outbox waiting for billing.
    public func passes(nowMs: Int64) throws -> String {
        let rows = try data.passes()
        var body = "<section class=\"panel\"><h2>Day passes</h2>"
        if rows.isEmpty {
            body += "<p class=\"empty\">No day passes granted.</p>"
        } else {
            body += "<table><thead><tr><th>Granted</th><th>Subscriber</th><th>Expires</th><th>State</th><th>Billing</th><th>Call</th></tr></thead><tbody>"
            for row in rows {
                let state = row.state(nowMs: nowMs)
                let tone = state == "active" ? "ok" : state == "requested" ? "warn" : "muted"
                var billing = row.outbox.map { entry in
                    entry.status == OutboxRecord.sent ? "acknowledged \(time.time(ms: entry.sentAtMs ?? 0).dropLast(4))" : "\(entry.attempts) attempts"
                } ?? "no outbox entry"
                if let error = row.lastError { billing += " · last: \(error)" }
                body += "<tr data-pass=\"\(row.pass.id ?? 0)\"><td>\(HTML.escape(time.dateTime(ms: row.pass.grantedAtMs).dropLast(4).description))</td>"
                body += "<td class=\"caller\">\(HTML.escape(row.pass.msisdn))\(row.pass.provisional ? " <span class=\"badge warn\">provisional</span>" : "")</td>"
                body += "<td>\(HTML.escape(time.dateTime(ms: row.pass.expiresAtMs).dropLast(7).description))</td>"
                body += "<td><span class=\"badge \(tone)\" data-state=\"\(state)\">\(state)</span></td><td>\(HTML.escape(billing))</td>"
                body += "<td>\(row.pass.callID.map { "<a href=\"/calls/\(HTML.queryValue($0))\">open</a>" } ?? "")</td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "</section>"
        let outbox = try data.outbox()
        body += "<section class=\"panel\" id=\"outbox\"><h2>Outbox <span class=\"muted\">\(outbox.count) waiting for billing</span></h2>"
        if outbox.isEmpty {
            body += "<p class=\"empty\">Empty: billing has acknowledged every entry.</p>"
        } else {
            body += "<table><thead><tr><th>#</th><th>Kind</th><th>Created</th><th>Attempts</th><th>Last attempt</th><th>Idempotency key</th></tr></thead><tbody>"
            for pending in outbox {
                let entry = pending.entry
                body += "<tr data-outbox=\"\(entry.id ?? 0)\"><td>\(entry.id ?? 0)</td><td><code>\(HTML.escape(entry.kind))</code></td>"
                body += "<td>\(HTML.escape(time.dateTime(ms: entry.createdAtMs).dropLast(4).description))</td><td>\(entry.attempts)</td>"
                body += "<td>\(pending.lastAttemptAtMs.map { HTML.escape(time.time(ms: $0).dropLast(4).description) } ?? "never")</td>"
                body += "<td><code>\(HTML.escape(pending.idempotencyKey))</code></td></tr>"
            }
            body += "</tbody></table>"
        }
        body += "</section>"
        return layout(title: "Day passes", active: "passes", nowMs: nowMs, body: body)
    }

    /// A plain error page (400, 404).
    public func message(_ title: String, _ text: String, nowMs: Int64) -> String {
        layout(title: title, active: "", nowMs: nowMs, body: "<section class=\"panel\"><h2>\(HTML.escape(title))</h2><p>\(HTML.escape(text))</p></section>")
    }

    // MARK: - Layout

    private func layout(title: String, active: String, nowMs: Int64, body: String) -> String {
        let nav = [("overview", "/", "Overview"), ("calls", "/calls", "Calls"), ("callbacks", "/callbacks", "Callbacks"),
                   ("passes", "/passes", "Day passes"), ("metrics", "/metrics", "Metrics")]
        let links = nav.map { key, href, label in
            "<a href=\"\(href)\"\(key == active ? " class=\"active\" aria-current=\"page\"" : "")>\(label)</a>"
        }.joined()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · Warmline \(HTML.escape(unitName))</title>
            <link rel="stylesheet" href="/assets/dashboard.css"><script src="/assets/dashboard.js" defer></script></head>
            <body><header class="top"><div class="brand">Warmline <span class="unit">\(HTML.escape(unitName))</span></div><nav>\(links)</nav>
            <div class="live" id="live" data-state="connecting"><span class="dot"></span><span id="live-text">connecting…</span></div></header>
            <main id="content" data-rendered-ms="\(nowMs)"><p class="updated muted">updated \(HTML.escape(time.dateTime(ms: nowMs).dropLast(4).description)) · read-only</p>
            \(body)</main></body></html>
            """
    }
}
