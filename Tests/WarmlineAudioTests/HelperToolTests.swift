import Foundation
import Testing
import WarmlineCore
@testable import WarmlineAudio

@Suite("Helper tools through swift-subprocess")
struct HelperToolTests {
    @Test("A tool run to its end gives its exit status and what it wrote to stderr, not its stdout")
    func statusAndErrorOutput() async throws {
        let outcome = try await HelperTool.run(["sh", "-c", "echo kept-out; echo 'espeak-ng: no voice' >&2; exit 3"])
        #expect(outcome.status == 3)
        #expect(outcome.output == "espeak-ng: no voice\n")
    }

    @Test("With merged output, stdout and stderr come back together in the order written")
    func mergedOutput() async throws {
        let outcome = try await HelperTool.run(["sh", "-c", "echo first; echo second >&2; echo third; exit 0"], mergingOutput: true)
        #expect(outcome.status == 0)
        #expect(outcome.output == "first\nsecond\nthird\n")
    }

    @Test("A tool killed by a signal reports 128 + the signal; a missing tool is an error naming it and where it was looked for")
    func killedAndMissing() async throws {
        #expect(try await HelperTool.run(["sh", "-c", "kill -9 $$"]).status == 128 + 9)
        let missing = await #expect(throws: HelperToolError.self) { try await HelperTool.run(["warmline-no-such-tool", "-v"]) }
        #expect(missing?.description == "cannot start warmline-no-such-tool: not found on PATH")
        let absent = await #expect(throws: HelperToolError.self) { try await HelperTool.run(["/nonexistent/espeak-ng"]) }
        #expect(absent?.description.hasPrefix("cannot start /nonexistent/espeak-ng: ") == true)
    }

    @Test("A tool that must succeed passes on exit 0 and otherwise throws with its command, status and stderr")
    func runSucceeding() async throws {
        try await HelperTool.runSucceeding(["sh", "-c", "exit 0"])
        await #expect {
            try await HelperTool.runSucceeding(["sh", "-c", "echo 'sox FAIL formats' >&2; exit 2"])
        } throws: { error in
            "\(error)" == "sh -c echo 'sox FAIL formats' >&2; exit 2 exited with 2: sox FAIL formats"
        }
    }

    @Test("A renderer without espeak-ng says which tool is missing and which Debian package to install, and leaves no file")
    func missingSynthesiser() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var tools = PromptRenderTools()
        tools.espeak = "espeak-ng-not-installed"
        let renderer = PromptRenderer(cacheDirectory: dir.path("cache"), tools: tools)
        let error = await #expect(throws: PromptRenderError.self) {
            try await renderer.render(PromptCatalog(language: "en", prompts: ["goodbye": "Goodbye."]))
        }
        #expect(error?.description == "en/goodbye (\"Goodbye.\"): cannot start espeak-ng-not-installed: not found on PATH "
                + "(install Debian package espeak-ng)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path("cache/en")).isEmpty)
    }

    @Test("A failing sox reaches the render error with its exit status and what it wrote to stderr")
    func failingResampler() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var settings = PromptRenderSettings()
        settings.sampleRate = -8000  // the real sox refuses it
        let renderer = PromptRenderer(cacheDirectory: dir.path("cache"), settings: settings)
        let error = await #expect(throws: PromptRenderError.self) {
            try await renderer.render(PromptCatalog(language: "en", prompts: ["goodbye": "Goodbye."]))
        }
        // sox names itself by the path PATH gave (argv[0])
        #expect(error?.description.hasPrefix("en/goodbye (\"Goodbye.\"): sox exited 1: ") == true, "\(String(describing: error))")
        #expect(error?.description.hasSuffix("sox FAIL sox: Rate value `-8000' is not a positive number") == true, "\(String(describing: error))")
    }
}
