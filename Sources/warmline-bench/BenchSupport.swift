import Foundation

/// Helpers shared by the benchmarks: CPU time, raw files, external tools, formatting.
enum BenchSupport {
    /// CPU seconds used by this process so far.
    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Directory for generated audio (gitignored, under .build).
    static func corpusDirectory() throws -> URL {
        let url = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(".build/bench-corpus", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads signed 16-bit little-endian mono raw audio.
    static func readRaw(_ url: URL) throws -> [Int16] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            raw.bindMemory(to: Int16.self).map { Int16(littleEndian: $0) }
        }
    }

    /// Writes signed 16-bit little-endian mono raw audio.
    static func writeRaw(_ samples: [Int16], to url: URL) throws {
        let data = samples.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: url)
    }

    /// Runs a shell command line, failing with its stderr when it exits non-zero.
    @discardableResult
    static func shell(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchError.toolFailed(command: command, message: String(decoding: errData, as: UTF8.self))
        }
        return String(decoding: outData, as: UTF8.self)
    }

    /// Percentage with one decimal.
    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "-" : String(format: "%.1f%%", 100 * Double(part) / Double(whole))
    }

    /// Left-pads or right-pads cells into a fixed-width table row.
    static func row(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).enumerated().map { index, pair in
            let (cell, width) = pair
            let pad = String(repeating: " ", count: max(0, width - cell.count))
            return index == 0 ? cell + pad : pad + cell
        }.joined(separator: "  ")
    }
}

/// Errors the benchmarks report.
enum BenchError: Error, CustomStringConvertible {
    case toolFailed(command: String, message: String)
    case peerOutput(String)

    var description: String {
        switch self {
        case let .toolFailed(command, message): "command failed: \(command)\n\(message)"
        case let .peerOutput(message): "peer output unreadable: \(message)"
        }
    }
}

