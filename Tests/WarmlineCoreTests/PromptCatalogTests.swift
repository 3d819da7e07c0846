import Testing
@testable import WarmlineCore

@Suite("Prompt catalog")
struct PromptCatalogTests {
    @Test("Every shipped prompt uses only placeholders the engine fills, and renders with them filled")
    func shippedCatalogs() throws {
        for language in ["en", "uk", "tr"] {
            let catalog = try PromptCatalog.parse(RealPrompts.source("\(language)/prompts.yaml"), language: language)
            #expect(catalog.texts.count >= 20)
            let text = catalog.render("balance_is", placeholders: ["balance": "0,00"])
            #expect(text?.contains("0,00") == true)
            #expect(text?.contains("{") == false)
        }
    }

    @Test("A prompt file that is not a flat map of texts is refused at the offending line")
    func notFlat() {
        do {
            _ = try PromptCatalog.parse(SourceText(name: "x.yaml", text: "a: \"ok\"\nb:\n  nested: 1\n"), language: "en")
            Issue.record("nested value accepted")
        } catch {
            #expect(error.description == "x.yaml:3: prompt 'b' must be a single value")
        }
    }
}
