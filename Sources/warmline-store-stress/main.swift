import Foundation
import WarmlineStore

// Crash-test child: `warmline-store-stress --db PATH --run ID` writes events until killed (see StoreCrashTest).
let arguments = CommandLine.arguments
func value(after flag: String) -> String? {
    guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
guard let databasePath = value(after: "--db"), let runID = value(after: "--run") else {
    FileHandle.standardError.write(Data("usage: warmline-store-stress --db PATH --run ID\n".utf8))
    exit(2)
}
StoreCrashTest.runChild(databasePath: databasePath, runID: runID)
