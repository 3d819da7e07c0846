import Foundation
import Testing
import WarmlineCore
import WarmlineTestScheduling
@testable import WarmlineAudio

/// `warmline prompts list` and `render`, run as a technician would (the binary beside the test executable).
@Suite("Prompts command", .holdsItsThread)
struct PromptsCommandTests {
    @Test("prompts list prints one row per prompt and piece with its source, seconds and text; render names what it skipped")
    func listAndRender() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        try soxTone("\(root)/en/recorded/goodbye.wav", seconds: 1.0)
        let options = ["--lang", "en", "--prompts", root, "--cache", dir.path("cache")]
        let list = try runWarmline(["prompts", "list"] + options)
        #expect(list.status == 0, "stderr: \(list.err)")
        let lines = list.out.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["lang", "id", "source", "seconds", "text"])
        let catalog = try PromptCatalog.load(root: root, language: "en")
        #expect(lines.count == 1 + catalog.prompts.count + catalog.pieces.count)
        #expect(lines.contains { $0.wholeMatch(of: /en +goodbye +recorded +1\.0 +Goodbye\./) != nil })
        #expect(lines.contains { $0.wholeMatch(of: /en +invalid +rendered +[1-9]\.[0-9] +Sorry, I did not get that\./) != nil })
        #expect(lines.contains { $0.wholeMatch(of: /en +balance_is +rendered +[0-9]\.[0-9] \+ value +Your balance is \{balance\}\./) != nil })
        let render = try runWarmline(["prompts", "render"] + options)
        #expect(render.status == 0)
        #expect(render.out.contains("; 1 recorded, not rendered (goodbye)"))
    }

    @Test("a recording in the wrong format makes list and render exit 2 with the file and the sox command, printing nothing")
    func badRecordingExitsTwo() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        let path = "\(root)/en/recorded/goodbye.wav"
        try soxTone(path, seconds: 0.5, rate: 16000, channels: 2)
        for command in ["list", "render"] {
            let result = try runWarmline(["prompts", command, "--lang", "en", "--prompts", root, "--cache", dir.path("cache")])
            #expect(result.status == 2)
            #expect(result.out.isEmpty)
            #expect(result.err.contains("warmline: \(path): 16000 Hz stereo 16-bit PCM; recorded prompts must be 8000 Hz mono "
                + "16-bit PCM (sox in.wav -r 8000 -c 1 -b 16 goodbye.wav)\n"), "stderr: \(result.err)")
        }
    }

    @Test("a broken prompt file makes list exit 2 with file and line")
    func badPromptFileExitsTwo() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        try Data("goodbye: \"Goodbye.\"\ninvalid: \"\"\n".utf8).write(to: URL(fileURLWithPath: "\(root)/en/prompts.yaml"))
        let result = try runWarmline(["prompts", "list", "--lang", "en", "--prompts", root, "--cache", dir.path("cache")])
        #expect(result.status == 2)
        #expect(result.err.contains("\(root)/en/prompts.yaml:2: 'invalid' must have a non-empty text"), "stderr: \(result.err)")
    }

    @Test("prompts render and list read prompts_dir, prompt_cache_dir and languages from --config; a missing --config exits 2")
    func readsTheUnitConfig() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let root = try scratchPrompts(in: dir)
        let config = dir.path("warmline.yaml")
        try Data("languages: [en]\nprompts_dir: \"\(root)\"\nprompt_cache_dir: \"\(dir.path("unit-cache"))\"\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        let render = try runWarmline(["prompts", "render", "--config", config])
        #expect(render.status == 0, "stderr: \(render.err)")
        #expect(render.out.hasPrefix("en: ") && render.out.contains("in \(dir.path("unit-cache"))/en"), "\(render.out)")
        #expect(try !FileManager.default.contentsOfDirectory(atPath: dir.path("unit-cache/en")).isEmpty)
        // the render put every prompt where the config says: listing it renders nothing new
        let again = try runWarmline(["prompts", "render", "--config", config])
        #expect(again.out.contains("en: 0 rendered"), "\(again.out)")
        for command in [["prompts", "render"], ["prompts", "list"], ["speech", "check"]] {
            let missing = try runWarmline(command + ["--config", dir.path("no-such.yaml")])
            #expect(missing.status == 2, "\(command)")
            #expect(missing.err.contains("\(dir.path("no-such.yaml")):1: cannot read the config file"), "\(command): \(missing.err)")
            #expect(missing.out.isEmpty)
        }
        // a config naming a prompts directory that is not there is refused, not reported as empty
        try Data("prompts_dir: \"\(dir.path("nowhere"))\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let nowhere = try runWarmline(["prompts", "list", "--config", config])
        #expect(nowhere.status == 2 && nowhere.err.contains("prompts directory \(dir.path("nowhere")) does not exist"), "\(nowhere.err)")
    }
}
