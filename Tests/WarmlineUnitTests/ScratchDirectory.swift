import Foundation

/// A fresh temporary directory for one test; the test removes it with `cleanUp()`.
struct ScratchDirectory {
    let path: String

    init(_ label: String = "unit") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    /// Writes `text` to `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: target, atomically: true, encoding: .utf8)
        return target
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

/// The repository checkout (for Config/ and Prompts/).
let checkoutRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
