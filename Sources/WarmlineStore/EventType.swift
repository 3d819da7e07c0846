/// Every event type name Warmline logs, in one place: the engine logs these, the report counts them.
///
/// Payloads are JSON objects; the keys listed are the ones the report and `calls show` read.
public enum EventType {
    /// The line rang. Payload: `caller_id`.
    public static let callRing = "call.ring"
    /// Warmline answered. Payload: `language`.
    public static let callAnswered = "call.answered"
    /// The call ended. Payload: `reason`, `outcome` (how the engine ended it; the call's `CallOutcome` is on its row).
    public static let callEnded = "call.ended"
    /// A prompt started playing. Payload: `prompt`.
    public static let promptPlayed = "prompt.played"
    /// The menu moved to a node. Payload: `node`, `input`.
    public static let menuNode = "menu.node"
    /// A DTMF digit was detected. Payload: `digit`.
    public static let dtmfDigit = "input.dtmf"
    /// A spoken keyword was spotted. Payload: `keyword`, `score`.
    public static let speechKeyword = "input.keyword"
    /// One distress signal fired. Payload: `signal`, `value`, `weight`, `score` (running total).
    public static let distressSignal = "distress.signal"
    /// Distress score crossed the threshold: hand-off now. Payload: `score`, `threshold`, `reasons` (array). Counted as a distress hand-off.
    public static let distressHandoff = "distress.handoff"
    /// Before v4: every non-urgent hand-off, whatever its reason (read by the v4 migration only; no longer written).
    public static let agentRequested = "agent.requested"
    /// A hand-off to a person started (or became urgent). Payload: `kind` (a hand-off reason: `asked`, `distress`,
    /// `silent`, `menu_failure`, `time_bound`), `reason` (words), `priority`, `targets`, `upgrade`.
    public static let handoffStarted = "handoff.started"
    /// A hand-off attempt to one agent target started. Payload: `target`, `attempt`.
    public static let handoffAttempt = "handoff.attempt"
    /// An agent answered. Payload: `target`, `latency_ms`.
    public static let handoffConnected = "handoff.connected"
    /// An attempt failed. Payload: `target`, `reason` (`busy`, `no_answer`, ...).
    public static let handoffFailed = "handoff.failed"
    /// The emergency day pass was offered. Payload: `msisdn`, `balance_minor`.
    public static let dayPassOffered = "daypass.offered"
    /// A day pass was granted. Payload: `msisdn`, `pass_id`, `expires_at_ms`. Counted as granted.
    public static let dayPassGranted = "daypass.granted"
    /// A day pass was refused (policy or caller declined). Payload: `msisdn`, `reason`. Counted as refused.
    public static let dayPassRefused = "daypass.refused"
    /// A callback request was taken. Payload: `caller_id`, `reason`. Counted as a callback.
    public static let callbackRequested = "callback.requested"
    /// The board reported its bypass relay engaged or released (unit-wide: no call id while the line is idle).
    /// Payload: `line`, `engaged` (`yes`/`no`), `reason` (`host`, `watchdog`, `reset`, `claimed`). The report's time in bypass.
    public static let lineBypass = "line.bypass"
    /// The board reset (it starts again in bypass). Payload: `line`. The report's board resets.
    public static let lineBoardReset = "line.board_reset"
    /// The event queue was full and events were dropped. Payload: `dropped`. Written by the store.
    public static let storeOverflow = "store.overflow"
    /// The store could write again after an outage. Payload: `fault`, `outage_ms`, `attempts`, `held`. Written by the store.
    public static let storeRecovered = "store.recovered"
    /// Caller data older than the retention was pseudonymised. Payload: `before_ms` and the rows changed per table
    /// (`calls`, `events`, `callbacks`, `day_passes`, `outbox`). Written by the purge.
    public static let storePurged = "store.purged"
}
