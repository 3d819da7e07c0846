import Foundation
import WarmlineTestSupport

// Drill child for the store tests:
//   warmline-store-stress --db PATH --run ID                          writes events until killed (StoreCrashTest)
//   warmline-store-stress --db PATH --fsize-limit BYTES --events N    full-disk drill (FileSizeLimitDrill)
let arguments = CommandLine.arguments
func value(after flag: String) -> String? {
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
guard let databasePath = value(after: "--db") else {
    FileHandle.standardError.write(Data("usage: warmline-store-stress --db PATH (--run ID | --fsize-limit BYTES --events N)\n".utf8))
    exit(2)
}
if let limit = value(after: "--fsize-limit").flatMap(Int.init), let events = value(after: "--events").flatMap(Int.init) {
    FileSizeLimitDrill.runChild(databasePath: databasePath, limitBytes: limit, events: events)
}
guard let runID = value(after: "--run") else {
    FileHandle.standardError.write(Data("warmline-store-stress: --run ID or --fsize-limit BYTES --events N is required\n".utf8))
    exit(2)
}
StoreCrashTest.runChild(databasePath: databasePath, runID: runID)
