import Testing
@testable import WarmlineUnit

@Suite("ConfigReader")
struct ConfigReaderTests {
    @Test("edit distance counts insertions, deletions and substitutions")
    func editDistance() {
        #expect(ConfigReader.editDistance("flash_ms", "flash_ms") == 0)
        #expect(ConfigReader.editDistance("flsh_ms", "flash_ms") == 1)
        #expect(ConfigReader.editDistance("tone_plna", "tone_plan") == 2)
        #expect(ConfigReader.editDistance("", "abc") == 3)
        #expect(ConfigReader.editDistance("abc", "") == 3)
    }

    @Test("only a close known key is suggested; a far one gives no hint")
    func closest() {
        let known = ["sample_rate", "speech", "lines"]
        #expect(ConfigReader.closest(to: "sample_rte", in: known) == "sample_rate")
        #expect(ConfigReader.closest(to: "Lines", in: known) == "lines")
        #expect(ConfigReader.closest(to: "colour", in: known) == nil)
        #expect(ConfigReader.closest(to: "x", in: ["y"]) == nil)
    }
}
