import Testing
@testable import WarmlineUnit

@Suite("ConfigWarnings")
struct ConfigWarningsTests {
    static let targets = """
        handoff:
          targets:
            - name: desk
              dial: "201"
        """

    func warnings(_ text: String) throws -> [String] {
        try UnitConfigLoader().parseWithWarnings(text, file: "w.yaml").warnings.map(\.description)
    }

    @Test("a config with targets and an emergency number that matches its tone plan gives no warning")
    func cleanConfigIsQuiet() throws {
        #expect(try warnings(Self.targets + "\ntone_plan: us\nemergency_number: \"911\"\n") == [])
        #expect(try warnings(Self.targets + "\ntone_plan: uk\nemergency_number: \"999\"\n") == [])
        #expect(try warnings(Self.targets + "\ntone_plan: uk\nemergency_number: \"112\"\n") == [])
    }

    @Test("no hand-off targets warns at the handoff key (line 1 when it is not set), and the config still loads")
    func noTargets() throws {
        let found = try warnings("tone_plan: eu\nhandoff:\n  flash_ms: 600\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("w.yaml:2: warning: handoff.targets is empty") == true, "\(found)")
        #expect(try warnings("").first?.hasPrefix("w.yaml:1: warning: handoff.targets is empty") == true)
    }

    @Test("an emergency number that is not the tone plan's country's warns at emergency_number, naming the right one")
    func emergencyNumberMismatch() throws {
        let found = try warnings(Self.targets + "\ntone_plan: us\nemergency_number: \"112\"\n")
        #expect(found == ["w.yaml:6: warning: emergency_number is 112 but tone_plan 'us' is a network where callers dial 911: "
            + "the greeting would tell a caller in danger the wrong number"])
        // the default number (112) under a UK plan is fine; under a US plan the tone_plan line is named, with the default said
        let unset = try warnings(Self.targets + "\ntone_plan: us\n")
        #expect(unset.first?.hasPrefix("w.yaml:5: warning: emergency_number is 112 (the default: the key is not set)") == true, "\(unset)")
    }

    @Test("a distress threshold above every weight together warns: no caller could be handed off for distress")
    func unreachableThreshold() throws {
        let found = try warnings(Self.targets + "\ndistress:\n  handoff_score: 50\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("w.yaml:6: warning: distress.handoff_score is 50.0 but every signal firing at once scores") == true,
                "\(found)")
        #expect(try warnings(Self.targets + "\ndistress:\n  handoff_score: 2\n") == [])
    }

    @Test("a person bound above 120 s warns; 120 s does not")
    func personBound() throws {
        let found = try warnings(Self.targets + "\ncall:\n  person_bound_ms: 180000\n")
        #expect(found == ["w.yaml:6: warning: call.person_bound_ms is 180000 (180 s): a caller still in the menu waits more than "
            + "120 s before a person is tried"])
        #expect(try warnings(Self.targets + "\ncall:\n  person_bound_ms: 120000\n") == [])
    }

    @Test("warnings never turn a valid config into a refused one, and errors still refuse it")
    func warningsAreNotErrors() throws {
        #expect(throws: Never.self) { try UnitConfigLoader().parse("tone_plan: us\ndistress:\n  handoff_score: 99\n", file: "w.yaml") }
        #expect(throws: ConfigError.self) { try UnitConfigLoader().parseWithWarnings("tone_plan: mars\n", file: "w.yaml") }
    }
}
