import Foundation
import Testing
import WarmlineCore
import WarmlineTestScheduling
import WarmlineUnit

@Suite("RunOverride", .holdsItsThread)
struct RunOverrideTests {
    func lineProblem(_ specs: [String]) -> String? {
        do {
            _ = try RunOverride.lines(specs)
            return nil
        } catch {
            return error.description
        }
    }

    func agentProblem(_ spec: String) -> String? {
        do {
            _ = try RunOverride.agent(spec)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("a --line of four fields becomes the line: number, port, capture and playback PCM")
    func lineRead() throws {
        let lines = try RunOverride.lines(["2:/dev/pts/7:line2_in:line2_out", "3:/dev/pts/8:line3_in:line3_out"])
        #expect(lines.map(\.number) == [2, 3])
        #expect(lines[0].serialDevice == "/dev/pts/7")
        #expect(lines[0].captureDevice == "line2_in" && lines[0].playbackDevice == "line2_out")
    }

    @Test("a --line with a PCM name holding ':' says what is wrong and how to name the PCM, in one clear sentence")
    func lineWithColons() {
        #expect(lineProblem(["1:/dev/ttyACM0:hw:0:hw:0"]) ==
            "--line '1:/dev/ttyACM0:hw:0:hw:0': expected NUMBER:SERIAL:CAPTURE:PLAYBACK (4 fields), got 6, "
            + "e.g. 1:/dev/ttyACM0:line1_in:line1_out; a PCM name with ':' (such as hw:0) cannot be given here: "
            + "define a PCM without ':' in --alsa-config and name that")
    }

    @Test("each bad --line names the field at fault", arguments: [
        ("1:/dev/ttyACM0", "expected NUMBER:SERIAL:CAPTURE:PLAYBACK (4 fields), got 2, e.g. 1:/dev/ttyACM0:line1_in:line1_out"),
        ("one:/dev/a:in:out", "the line NUMBER 'one' must be a whole number from 1 to 64"),
        ("0:/dev/a:in:out", "the line NUMBER '0' must be a whole number from 1 to 64"),
        ("65:/dev/a:in:out", "the line NUMBER '65' must be a whole number from 1 to 64"),
        ("1::in:out", "the SERIAL device is empty"),
        ("1:/dev/a::out", "the CAPTURE PCM is empty"),
        ("1:/dev/a:in:", "the PLAYBACK PCM is empty"),
    ])
    func badLine(spec: String, reason: String) {
        let problem = lineProblem([spec])
        #expect(problem?.hasPrefix("--line '\(spec)': \(reason)") == true, "\(problem ?? "accepted")")
    }

    @Test("two --line values sharing a number or a serial port are refused, naming the first; sharing a PCM is not")
    func duplicateLines() throws {
        #expect(lineProblem(["1:/dev/a:in1:out1", "1:/dev/b:in2:out2"])
            == "--line '1:/dev/b:in2:out2': number '1' is already used by --line '1:/dev/a:in1:out1'; each line needs its own")
        #expect(lineProblem(["1:/dev/a:in1:out1", "2:/dev/a:in2:out2"])?.contains("serial device '/dev/a' is already used") == true)
        // ALSA's null device stands in for lines that never ring (the 16-line test, the unit bench)
        #expect(try RunOverride.lines(["1:/dev/a:null:null", "2:/dev/b:null:null"]).map(\.number) == [1, 2])
    }

    @Test("an --agent is NAME:DIGITS with the config's dial characters; anything else names what is wrong")
    func agents() throws {
        #expect(try RunOverride.agent("night desk:0,201") == HandoffTarget(name: "night desk", dial: "0,201"))
        #expect(agentProblem("desk") == "--agent 'desk': expected NAME:DIGITS (2 fields), got 1, e.g. desk:201")
        #expect(agentProblem(":201") == "--agent ':201': the NAME is empty, e.g. desk:201")
        #expect(agentProblem("desk:2o1")?.hasPrefix("--agent 'desk:2o1': the DIGITS '2o1' must hold only 0-9") == true)
        #expect(agentProblem("desk:")?.hasPrefix("--agent 'desk:': the DIGITS '' must") == true)
    }

    @Test("warmline run with a bad --line or --agent exits 2 (as the README promises for bad input), not 64", arguments: [
        (["--line", "1:/dev/ttyACM0:hw:0:hw:0"], "warmline run: --line '1:/dev/ttyACM0:hw:0:hw:0': expected NUMBER:SERIAL"),
        (["--agent", "desk"], "warmline run: --agent 'desk': expected NAME:DIGITS"),
    ])
    func binaryExitsTwo(arguments: [String], message: String) throws {
        let scratch = try ScratchDirectory("run-override")
        defer { scratch.cleanUp() }
        let config = try scratch.write("warmline.yaml", "database: \(scratch.file("w.sqlite"))\n")
        let result = try Self.runWarmline(["run", "--config", config, "--no-speech"] + arguments)
        #expect(result.status == 2, "stderr: \(result.err)")
        #expect(result.err.hasPrefix(message), "stderr: \(result.err)")
        #expect(result.out.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: scratch.file("w.sqlite")))
    }

    /// Runs the `warmline` built beside the test binary (`swift build --build-tests` builds it).
    static func runWarmline(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = ((testBinary as NSString).deletingLastPathComponent as NSString).appendingPathComponent("warmline")
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: run `swift build --build-tests`")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
