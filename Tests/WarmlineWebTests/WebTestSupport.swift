import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import Testing
import WarmlineStore
@testable import WarmlineWeb

/// The repository checkout (Scripts/, Config/).
let checkoutRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// Where tests leave screenshots and logs for people to look at.
let testOutputDirectory = checkoutRoot + "/.build/test-output"

/// A fresh temporary directory for one test.
struct Scratch {
    let path: String

    init(_ label: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("warmline-web-\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
        return file(name)
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
}

/// A child process whose output is collected; killed when the test is done with it.
final class Child: Sendable {
    /// Bytes a pipe delivered so far.
    final class Collected: Sendable {
        let data = Mutex<Data>(Data())
    }

    let process: Process
    private let output = Collected()
    private let errors = Collected()

    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        out.fileHandleForReading.readabilityHandler = { [output] handle in
            let data = handle.availableData
            output.data.withLock { $0.append(data) }
        }
        err.fileHandleForReading.readabilityHandler = { [errors] handle in
            let data = handle.availableData
            errors.data.withLock { $0.append(data) }
        }
        try process.run()
    }

    var stdout: String { output.data.withLock { String(decoding: $0, as: UTF8.self) } }
    var stderr: String { errors.data.withLock { String(decoding: $0, as: UTF8.self) } }

    /// Waits up to `seconds` for the first stdout line (a server's port).
    func firstLine(within seconds: Double) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let line = stdout.split(separator: "\n").first { return String(line) }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure(description: "\(process.executableURL?.path ?? "?") printed no line within \(seconds) s; stderr: \(stderr)")
    }

    /// Waits up to `seconds` for the process to exit; kills it after that.
    @discardableResult
    func wait(upTo seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            stop()
            return nil
        }
        Thread.sleep(forTimeInterval: 0.05)  // let the pipes drain
        return process.terminationStatus
    }

    /// `wait(upTo:)` for async tests: polls without holding a thread of the cooperative pool.
    func finish(upTo seconds: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            stop()
            return nil
        }
        try? await Task.sleep(for: .milliseconds(50))
        return process.terminationStatus
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(3)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }
}

/// The first of `candidates` that is an executable file, or nil.
func executable(_ candidates: [String]) -> String? {
    candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// The `warmline` binary built next to the test bundle.
func warmlineBinary() throws -> String {
    let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    let path = ((testBinary as NSString).deletingLastPathComponent as NSString).appendingPathComponent("warmline")
    guard FileManager.default.isExecutableFile(atPath: path) else {
        throw TestFailure(description: "\(path) is missing: build it with `swift build --build-tests`")
    }
    return path
}

/// A Python 3 that can import `module` (Debian's /usr/bin/python3 first: python3-selenium lives there), or nil.
func python(with module: String?) -> String? {
    for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "/root/.pyenv/shims/python3"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
        guard let module else { return candidate }
        if let child = try? Child(candidate, ["-c", "import \(module)"]), child.wait(upTo: 30) == 0 { return candidate }
    }
    return nil
}

/// Runs the dashboard in this process on a free loopback port until `body` returns.
func withDashboard<T: Sendable>(store: StoreDatabase, settings: DashboardSettings = DashboardSettings(),
                                unit: any LinesNowSource = ServiceNotRunning(),
                                _ body: @Sendable (Int) async throws -> T) async throws -> T {
    var settings = settings
    settings.port = 0
    settings.livePollMs = 200
    var logger = Logger(label: "warmline.web.test")
    logger.logLevel = .critical  // cancelling the server at the end of a test logs errors that mean nothing here
    let server = try DashboardServer(store: store, settings: settings, unit: unit, logger: logger)
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    // Stopped the way the unit stops it, by a graceful shutdown of its service group: cancelling the task instead can
    // drop a connection still queued in the server channel, and NIO traps on its unfinished writer.
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(
        services: [server.application { continuation.yield($0) }], logger: logger))
    let finished = DoneFlag()
    let task = Task {
        try? await group.run()
        finished.set()
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next(), port > 0 else {
        task.cancel()
        throw TestFailure(description: "the dashboard did not start")
    }
    let result: T
    do {
        result = try await body(port)
    } catch {
        await stopDashboard(group, task: task, finished: finished)
        throw error
    }
    await stopDashboard(group, task: task, finished: finished)
    return result
}

/// Shuts the dashboard's group down gracefully and waits up to 10 s for it (a stream a client keeps open); cancels after.
private func stopDashboard(_ group: ServiceGroup, task: Task<Void, Never>, finished: DoneFlag) async {
    await group.triggerGracefulShutdown()
    for _ in 0..<200 where !finished.isSet { try? await Task.sleep(for: .milliseconds(50)) }
    if !finished.isSet { task.cancel() }
    await task.value
}

/// A flag one task sets and another polls.
final class DoneFlag: Sendable {
    private let value = Mutex(false)
    /// Sets the flag.
    func set() { value.withLock { $0 = true } }
    /// Whether it was set.
    var isSet: Bool { value.withLock { $0 } }
}

/// The tests' HTTP client: redirects are not followed, so a test sees the 303 itself.
let testHTTPClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

/// A GET over real HTTP: status, headers (lower-cased names, values joined) and body.
func httpGet(_ url: String, headers: [(String, String)] = []) async throws -> (status: Int, headers: [String: String], body: String) {
    try await httpRequest(url, method: .GET, headers: headers)
}

/// Any request over real HTTP.
func httpRequest(_ url: String, method: HTTPMethod, headers: [(String, String)] = []) async throws
    -> (status: Int, headers: [String: String], body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await testHTTPClient.execute(request, timeout: .seconds(20))
    let body = try await response.body.collect(upTo: 8 * 1024 * 1024)
    var fields: [String: String] = [:]
    for header in response.headers { fields[header.name.lowercased(), default: ""] += (fields[header.name.lowercased()] == nil ? "" : ", ") + header.value }
    return (Int(response.status.code), fields, String(buffer: body))
}

/// A TCP port nothing listens on right now (bound and released).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
    guard bound == 0 else { throw TestFailure(description: "bind() failed") }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
