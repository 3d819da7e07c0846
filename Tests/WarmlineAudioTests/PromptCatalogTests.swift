import Foundation
import Testing
@testable import WarmlineAudio

@Suite("Prompt catalog")
struct PromptCatalogTests {
    @Test("a template with an unclosed placeholder is an error naming the prompt")
    func badTemplate() {
        let catalog = PromptCatalog(language: "en", prompts: ["balance_is": "Your balance is {balance."])
        let error = #expect(throws: PromptFileError.self) { try catalog.segments(of: "balance_is") }
        #expect(error?.description.contains("prompt 'balance_is' has an unclosed '{'") == true)
    }

    @Test("a placeholder splits a prompt into numbered fixed segments, and punctuation-only segments are not rendered")
    func segments() throws {
        let catalog = PromptCatalog(language: "en", prompts: ["balance_is": "Your balance is {balance}."])
        #expect(try catalog.segments(of: "balance_is") == [.text(id: "balance_is.0", text: "Your balance is"), .placeholder("balance")])
    }

    @Test("every shipped prompt file parses in en, uk and tr with the same prompt ids")
    func shippedPrompts() throws {
        let ids = try ["en", "uk", "tr"].map { Set(try PromptCatalog.load(root: promptsRoot, language: $0).prompts.keys) }
        #expect(ids[0] == ids[1] && ids[1] == ids[2])
        #expect(ids[0].contains("day_pass_granted"))
    }

    @Test("an empty prompt text is an error with the file and line")
    func emptyText() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try FileManager.default.createDirectory(atPath: dir.path("en"), withIntermediateDirectories: true)
        try "# prompts\ngoodbye: \"Goodbye.\"\ninvalid: \"\"\n".write(toFile: dir.path("en/prompts.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: PromptFileError.self) { try PromptCatalog.load(root: dir.url.path, language: "en") }
        #expect(error?.description == "\(dir.path("en/prompts.yaml")):3: 'invalid' must have a non-empty text")
    }
}
