import Testing
@testable import WarmlineAudio

@Suite("Short helper processes")
struct ChildProcessTests {
    @Test("A helper run to its end gives its exit status and what it wrote to stderr, not its stdout")
    func statusAndErrorOutput() throws {
        let outcome = try ChildProcess.run(["sh", "-c", "echo kept-out; echo 'espeak-ng: no voice' >&2; exit 3"])
        #expect(outcome.status == 3)
        #expect(outcome.errorOutput == "espeak-ng: no voice\n")
    }

    @Test("A helper killed by a signal reports 128 + the signal; a missing tool is an error naming it")
    func killedAndMissing() throws {
        #expect(try ChildProcess.run(["sh", "-c", "kill -9 $$"]).status == 128 + 9)
        #expect(throws: ChildProcessError.self) { try ChildProcess.run(["warmline-no-such-tool"]) }
    }

    @Test("A helper that must succeed passes on exit 0 and otherwise throws with its command, status and stderr")
    func runSucceeding() throws {
        try ChildProcess.runSucceeding(["sh", "-c", "exit 0"])
        #expect {
            try ChildProcess.runSucceeding(["sh", "-c", "echo 'sox FAIL formats' >&2; exit 2"])
        } throws: { error in
            "\(error)".contains("exited with 2: sox FAIL formats")
        }
    }
}
