import ArgumentParser
import Foundation
import WarmlineStore

/// `warmline callbacks`: the callback requests taken when every agent failed, with their age; `--done ID` marks one.
struct Callbacks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List callback requests with their age, or mark one done.",
        discussion: "AGE is how long a pending request has waited; for a done one, how long it waited until it was marked. "
            + "Marking is idempotent: a request already done is left as it is and says when it was done.")

    @OptionGroup var listing: ListingOption

    @Flag(help: "Only requests nobody has called back yet.")
    var pending = false

    @Option(help: ArgumentHelp("Mark this request done (after calling the person back).", valueName: "id"))
    var done: Int64?

    @Option(help: ArgumentHelp("Output format: table, csv or json.", valueName: "format"))
    var format: String = "table"

    @Flag(help: "Every column (full call id, reason), wider than 80 columns.")
    var wide = false

    func run() throws {
        let format = try ListingFormat.parse(format)
        let context = try listing.open()
        let time = context.format
        if let done {
            let writable = try listing.database.openForWriting(path: context.store.path)
            let result: CallbackMarking
            do {
                result = try writable.markCallbackDone(id: done, atMs: TimeBound.milliseconds(Date()))
            } catch let error as StoreError {
                throw CommandFailure.badInput("\(error)")
            }
            switch result {
            case .marked(let atMs): print("callback \(done) marked done at \(time.dateTime(ms: atMs))")
            case .alreadyDone(let atMs?): print("callback \(done) already done at \(time.dateTime(ms: atMs)); nothing changed")
            case .alreadyDone(nil): print("callback \(done) already done; nothing changed")
            }
            return
        }
        let nowMs = TimeBound.milliseconds(Date())
        let requests = try context.store.callbacks(pendingOnly: pending)
        let shortIDs = try context.store.shortIDs()
        func age(_ listing: CallbackListing) -> Int64 { (listing.doneAtMs ?? nowMs) - listing.callback.requestedAtMs }
        func values(_ listing: CallbackListing) -> [String: Any] {
            let request = listing.callback
            return ["id": request.id ?? 0, "call_id": request.callID ?? NSNull(), "short_id": request.callID.flatMap { shortIDs[$0] } ?? NSNull(),
                    "caller_id": request.callerID, "requested_at_ms": request.requestedAtMs, "requested_at": time.iso8601(ms: request.requestedAtMs),
                    "age_ms": age(listing), "status": request.status, "done_at_ms": listing.doneAtMs ?? NSNull(),
                    "done_at": listing.doneAtMs.map(time.iso8601) ?? NSNull(), "language": request.language ?? NSNull(),
                    "reason": request.reason ?? NSNull()]
        }
        let fields = ["id", "call_id", "short_id", "caller_id", "requested_at_ms", "requested_at", "age_ms", "status", "done_at_ms", "done_at",
                      "language", "reason"]
        switch format {
        case "csv":
            print(CSV.row(fields), terminator: "")
            for request in requests { print(CSV.row(fields.map { CallsList.text(values(request)[$0]) }), terminator: "") }
        case "json":
            print(JSONList.render(requests.map(values)))
        default:
            let rows = requests.map { listing -> [String] in
                let request = listing.callback
                let call = request.callID.map { wide ? $0 : shortIDs[$0] ?? TextTable.cut($0, 12) } ?? "-"
                let minute = String(time.dateTime(ms: request.requestedAtMs).prefix(16)) + " " + time.offsetLabel(ms: request.requestedAtMs)
                var row = [String(request.id ?? 0), call, request.callerID,
                           wide ? time.dateTime(ms: request.requestedAtMs) : minute, TimeFormat.age(ms: age(listing)), request.status,
                           request.language ?? "-"]
                if wide { row.append(request.reason ?? "-") }
                return row
            }
            var header = ["ID", "CALL", "CALLER", "REQUESTED", "AGE", "STATUS", "LANG"]
            if wide { header.append("REASON") }
            print(TextTable.render(header: header, rows: rows, maxWidth: wide ? nil : TextTable.terminalWidth))
            let open = requests.filter { $0.callback.status == CallbackRecord.pending }
            if let oldest = open.first {
                print("\(open.count) pending; the oldest has waited \(TimeFormat.age(ms: nowMs - oldest.callback.requestedAtMs))")
            } else {
                print("no pending callback requests")
            }
        }
    }
}
