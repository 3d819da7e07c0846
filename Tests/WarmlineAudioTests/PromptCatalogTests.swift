import Foundation
import Testing
import WarmlineCore
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

    @Test("every shipped prompt file parses in en, uk and tr with the same prompt ids, besides keys-only variants of prompts that invite speech")
    func shippedPrompts() throws {
        let catalogs = try ["en", "uk", "tr"].map { try PromptCatalog.load(root: promptsRoot, language: $0) }
        let ids = catalogs.map { Set($0.prompts.keys.filter { !$0.hasSuffix("_keys") }) }
        #expect(ids[0] == ids[1] && ids[1] == ids[2])
        #expect(ids[0].contains("day_pass_granted"))
        for catalog in catalogs {
            for (id, text) in catalog.prompts where id.hasSuffix("_keys") {
                #expect(catalog.prompts[String(id.dropLast(5))] != nil, "\(id) in \(catalog.language) varies no prompt")
                #expect(!text.lowercased().contains(" say "), "\(id) in \(catalog.language) still invites speech")
            }
        }
        // English is spotted: every prompt that invites speech has a keys-only variant for a unit without the model
        let english = catalogs[0]
        for (id, text) in english.prompts where text.lowercased().contains(" say ") {
            #expect(english.prompts[id + "_keys"] != nil, "\(id) invites speech but has no \(id)_keys")
        }
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
