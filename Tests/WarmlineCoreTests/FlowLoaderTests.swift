import Testing
@testable import WarmlineCore

/// The real prompt catalogs with the given menu text.
private func load(_ menu: String, languages: [String] = ["en"],
                  prompts: [String: SourceText] = RealPrompts.prompts) throws(FlowError) -> FlowBundle {
    try FlowLoader.load(menu: SourceText(name: "menu.yaml", text: menu), prompts: prompts, enabledLanguages: languages)
}

/// The problems a menu text is refused with.
private func problems(_ menu: String, languages: [String] = ["en"],
                      prompts: [String: SourceText] = RealPrompts.prompts) -> [FlowProblem] {
    do {
        _ = try load(menu, languages: languages, prompts: prompts)
        return []
    } catch {
        return error.problems
    }
}

/// A small valid flow to break one thing at a time.
private let header = """
start: main
languages: {en: "1", uk: "2", tr: "3"}
safety: [safety_person, safety_danger, safety_silent]
everywhere: {person: {digit: "0", keywords: [person]}, emergency: {digit: "9", keywords: [help]},
  silent: {digits: "55"}}
nodes:

"""

@Suite("Flow loader")
struct FlowLoaderTests {
    @Test("The shipped menu and prompts load for one language and for all three")
    func realFilesLoad() throws {
        let english = try RealPrompts.bundle(languages: ["en"])
        #expect(english.flow.startNode == "main")
        #expect(english.flow.nodes["main"]?.timeoutMs == 10_000)
        #expect(english.flow.nodes["main"]?.interDigitTimeoutMs == 2000)
        #expect(english.flow.nodes["main"]?.maxFailures == 3)
        let all = try RealPrompts.bundle(languages: ["en", "uk", "tr"])
        #expect(all.catalogs.keys.sorted() == ["en", "tr", "uk"])
        #expect(all.flow.keywordsByClass[.person] == ["person", "operator", "agent", "human"])
        #expect(all.flow.keywordsByClass[.distress]?.contains("help") == true)
    }

    @Test("A safety sentence missing in one language, or never saying the emergency number, is refused at the safety line")
    func safetySentence() {
        var prompts = RealPrompts.prompts
        let tr = prompts["tr"]?.text ?? ""
        prompts["tr"] = SourceText(name: "Prompts/tr/prompts.yaml",
                                   text: tr.split(separator: "\n").filter { !$0.hasPrefix("safety_silent:") }.joined(separator: "\n"))
        let en = prompts["en"]?.text ?? ""
        prompts["en"] = SourceText(name: "Prompts/en/prompts.yaml",
                                   text: en.replacingOccurrences(of: "dial {emergency_number}", with: "dial the police"))
        let found = problems(header + """
          main:
            greet_long: main_menu
        """, languages: ["en", "tr"], prompts: prompts).map(\.description)
        #expect(found == [
            "menu.yaml:3: the safety sentence in language 'en' (Prompts/en/prompts.yaml) never says {emergency_number}",
            "menu.yaml:3: the safety sentence is missing in language 'tr': 'safety_silent' not in Prompts/tr/prompts.yaml; every caller must hear it",
        ])
    }

    @Test("A flow without a safety sentence, or a menu digit that starts the silent keys, is refused")
    func noSafetyAndSilentClash() {
        let found = problems("""
        start: main
        everywhere:
          person: {digit: "0"}
          emergency: {digit: "9"}
          silent: {digits: "55"}
        nodes:
          main:
            greet_long: main_menu
            options:
              - {digit: "5", action: balance}
        """).map(\.description)
        #expect(found.contains { $0.hasPrefix("menu.yaml:1: missing 'safety: [prompt ids]'") })
        #expect(!found.contains { $0.contains("starts with '5', the key of everywhere.silent") })  // no flow: not validated
        let clash = problems(header + """
          main:
            greet_long: main_menu
            options:
              - {digit: "5", action: balance}
        """).map(\.description)
        #expect(clash == ["menu.yaml:10: digit '5' in node 'main' starts with '5', the key of everywhere.silent ('55'), which works in every node"])
    }

    @Test("A node option pointing at a missing node is refused with its line")
    func unknownNode() {
        let found = problems(header + """
          main:
            greet_long: main_menu
            options:
              - digit: "1"
                action: goto
                node: balanse
        """)
        #expect(found.map(\.description) == ["menu.yaml:10: option '1' of node 'main' points at unknown node 'balanse'"])
        #expect(found.first?.kind == .unknownNode)
    }

    @Test("A node no path reaches is refused")
    func unreachableNode() {
        let found = problems(header + """
          main:
            greet_long: main_menu
          orphan:
            greet_long: main_menu
        """)
        #expect(found.map(\.description) == ["menu.yaml:9: node 'orphan' is unreachable from start 'main'"])
        #expect(found.first?.kind == .unreachableNode)
    }

    @Test("A digit used twice in one node, or taking an everywhere digit, is refused")
    func duplicateDigit() {
        let found = problems(header + """
          main:
            greet_long: main_menu
            options:
              - {digit: "1", action: balance}
              - {digit: "1", action: day_pass}
              - {digit: "0", action: hangup}
        """)
        #expect(found.map(\.description) == [
            "menu.yaml:11: digit '1' is used twice in node 'main' (first on line 10)",
            "menu.yaml:12: digit '0' in node 'main' is already everywhere.person, which works in every node",
        ])
        #expect(found.allSatisfy { $0.kind == .duplicateDigit })
    }

    @Test("A prompt missing in one enabled language is refused, naming the language")
    func missingPrompt() {
        var prompts = RealPrompts.prompts
        prompts["uk"] = SourceText(name: "Prompts/uk/prompts.yaml",
                                   text: prompts["uk"]?.text.replacingAll("main_menu_short:", with: "main_menu_shrt:") ?? "")
        let found = problems(header + """
          main:
            greet_long: main_menu
            greet_short: main_menu_short
        """, languages: ["en", "uk"], prompts: prompts)
        #expect(found.map(\.description) == [
            "menu.yaml:9: prompt 'main_menu_short' is missing in language 'uk' (Prompts/uk/prompts.yaml)",
        ])
        #expect(found.first?.kind == .missingPrompt)
    }

    @Test("A prompt the engine plays itself must exist in every enabled language")
    func missingEnginePrompt() {
        var prompts = RealPrompts.prompts
        prompts["tr"] = SourceText(name: "Prompts/tr/prompts.yaml",
                                   text: prompts["tr"]?.text.replacingAll("still_connecting:", with: "stil_connecting:") ?? "")
        let found = problems(header + "  main:\n    greet_long: main_menu\n", languages: ["en", "tr"], prompts: prompts)
        #expect(found.map(\.description) == [
            "Prompts/tr/prompts.yaml:1: prompt 'still_connecting' (played by the call engine) is missing in language 'tr'",
        ])
    }

    @Test("A placeholder no code fills is refused at its line in the prompt file")
    func unknownPlaceholder() {
        var prompts = RealPrompts.prompts
        prompts["en"] = SourceText(name: "Prompts/en/prompts.yaml",
                                   text: prompts["en"]?.text.replacingAll("{balance}", with: "{balanse}") ?? "")
        let found = problems(header + "  main:\n    greet_long: main_menu\n", prompts: prompts)
        let line = (prompts["en"]?.text.split(separator: "\n", omittingEmptySubsequences: false)
            .firstIndex { $0.hasPrefix("balance_is:") } ?? -2) + 1
        #expect(found.count == 1)
        #expect(found.first?.kind == .unknownPlaceholder)
        #expect(found.first?.description.hasPrefix(
            "Prompts/en/prompts.yaml:\(line): placeholder {balanse} in 'balance_is' is filled by no code") == true)
    }

    @Test("Nodes that loop among themselves with no way to a person are refused")
    func loopWithoutPerson() {
        let found = problems(header + """
          main:
            greet_long: main_menu
            options:
              - {digit: "1", action: goto, node: a}
          a:
            greet_long: main_menu
            on_exhausted: {action: goto, node: b}
            options:
              - {digit: "1", action: goto, node: b}
          b:
            greet_long: main_menu
            on_exhausted: {action: goto, node: a}
            options:
              - {digit: "1", action: goto, node: a}
        """)
        #expect(found.map(\.description) == [
            "menu.yaml:11: nodes a -> b -> a loop with no option or on_exhausted leading to a person (handoff)",
        ])
        #expect(found.first?.kind == .loopWithoutPerson)
    }

    @Test("on_exhausted may not hang up: a caller who cannot use the menu goes to a person")
    func exhaustedHangUp() {
        let found = problems(header + "  main:\n    greet_long: main_menu\n    on_exhausted: hangup\n")
        #expect(found.first?.description.hasPrefix("menu.yaml:9: on_exhausted of node 'main' must be handoff or goto") == true)
    }

    @Test("Broken YAML, unknown keys and unknown actions are refused with their lines")
    func syntaxAndKeys() {
        #expect(problems("start: main\nnodes: [unclosed\n").first?.kind == .syntax)
        let found = problems(header + """
          main:
            greet_lnog: main_menu
            options:
              - {digit: "1", action: balanse}
        """)
        #expect(found.map(\.description) == [
            "menu.yaml:7: node 'main' needs greet_long",
            "menu.yaml:8: unknown key 'greet_lnog' in node 'main' (known: greet_long, greet_short, invalid_sound, "
                + "timeout_sound, exit_sound, timeout_ms, inter_digit_timeout_ms, max_failures, max_timeouts, "
                + "on_exhausted, options)",
            "menu.yaml:10: option: unknown action 'balanse' (known: handoff, balance, day_pass, goto, language, callback, hangup)",
        ])
    }

    @Test("An enabled language with no prompt file or no language digit is refused")
    func languageProblems() {
        let found = problems(header + "  main:\n    greet_long: main_menu\n", languages: ["en", "de"])
        #expect(found.map(\.description) == [
            "menu.yaml:1: language 'de' is enabled but has no prompt file",
            "menu.yaml:1: language 'de' is enabled but has no digit under 'languages:'",
        ])
    }

    @Test("A 2 MB menu.yaml of 20,000 nodes is refused at once with file and reason; so is a small file with too many nodes")
    func hugeMenuRefused() {
        let node = "  n%d: {greet_long: main_menu, on_exhausted: {action: goto, node: n%d}, options: [{digit: \"1\", action: goto, node: n%d}]}\n"
        let huge = header + (0..<20_000).map { String(format: node, $0, $0 + 1, $0 + 1) }.joined()
        #expect(huge.utf8.count > 2_000_000)
        let clock = ContinuousClock()
        var found: [FlowProblem] = []
        let took = clock.measure { found = problems(huge) }
        #expect(found.map(\.description) == ["menu.yaml:1: the file is \(huge.utf8.count) bytes; at most 524288 are read, nothing was loaded"])
        #expect(found.first?.kind == .tooLarge)
        #expect(took < .seconds(1))
        let many = header + (0..<501).map { "  n\($0): {greet_long: main_menu}\n" }.joined()
        #expect(problems(many).map(\.description) == ["menu.yaml:1: 501 nodes; a menu has at most 500"])
    }

    @Test("A prompts.yaml with more prompts than a language ever needs is refused with file and reason")
    func tooManyPrompts() {
        var prompts = RealPrompts.prompts
        let en = prompts["en"]?.text ?? ""
        prompts["en"] = SourceText(name: "Prompts/en/prompts.yaml",
                                   text: en + (0..<FlowLoader.maximumPrompts).map { "extra_\($0): \"Hello.\"\n" }.joined())
        let found = problems(RealPrompts.menu.text, prompts: prompts).filter { $0.kind == .tooLarge }
        #expect(found.map(\.file) == ["Prompts/en/prompts.yaml"])
        #expect(found.first?.reason.hasSuffix("prompts; a language has at most 2000") == true)
    }

    @Test("The loop check is linear: a 500-node chain that never reaches a person is checked quickly and reported once")
    func loopCheckIsLinear() {
        // every node leads only onward, the last to itself: each node used to cost a walk of the rest, then a walk per node
        let last = FlowLoader.maximumNodes - 2
        let chain = (0...last).map { index in
            "  n\(index): {greet_long: main_menu, on_exhausted: {action: goto, node: n\(min(index + 1, last))}}\n"
        }.joined()
        let menu = header + """
          main:
            greet_long: main_menu
            options:
              - {digit: "1", action: goto, node: n0}
              - {digit: "2", action: handoff}

        """ + chain
        let clock = ContinuousClock()
        var found: [FlowProblem] = []
        let took = clock.measure { found = problems(menu) }
        #expect(found.map(\.kind) == [.loopWithoutPerson])
        #expect(found.first?.reason == "nodes n\(last) -> n\(last) loop with no option or on_exhausted leading to a person (handoff)")
        #expect(took < .seconds(2))
    }

    @Test("The linear loop check reports exactly the loops the old per-node walk found, on 300 random small menus")
    func loopCheckMatchesTheWalk() {
        var generator = SplitMix(seed: 16)
        var menusWithLoops = 0
        for _ in 0..<300 {
            let names = ["main"] + ["a", "b", "c", "d", "e", "f"].prefix(Int(generator.next() % 6) + 1)
            var successors: [String: [String]] = [:]
            var exits: Set<String> = []
            var text = header
            for name in names {
                var options: [String] = []
                var next: [String] = []
                for digit in ["1", "2", "3"].prefix(Int(generator.next() % 3)) {
                    if generator.next() % 5 == 0 {
                        options.append("{digit: \"\(digit)\", action: handoff}")
                        exits.insert(name)
                    } else {
                        let target = names[Int(generator.next() % UInt64(names.count))]
                        options.append("{digit: \"\(digit)\", action: goto, node: \(target)}")
                        next.append(target)
                    }
                }
                let exhausted: String
                if generator.next() % 4 == 0 {
                    exhausted = "{action: handoff}"
                    exits.insert(name)
                } else {
                    let target = names[Int(generator.next() % UInt64(names.count))]
                    exhausted = "{action: goto, node: \(target)}"
                    next.append(target)
                }
                successors[name] = next
                text += "  \(name): {greet_long: main_menu, on_exhausted: \(exhausted), options: [\(options.joined(separator: ", "))]}\n"
            }
            // the check as it was: a walk from every node, and from every node ahead of it
            func closure(_ start: String) -> Set<String> {
                var reached: Set<String> = [start]
                var pending = [start]
                while let name = pending.popLast() {
                    for next in successors[name] ?? [] where reached.insert(next).inserted { pending.append(next) }
                }
                return reached
            }
            var expected: [String] = []
            var reported: Set<String> = []
            for name in names where !reported.contains(name) {
                let ahead = closure(name)
                guard ahead.isDisjoint(with: exits) else { continue }
                let loop = names.filter { ahead.contains($0) && closure($0).contains(name) }
                guard loop.count > 1 || successors[name]?.contains(name) == true else { continue }
                reported.formUnion(loop)
                expected.append("nodes \((loop + [name]).joined(separator: " -> ")) loop with no option or on_exhausted leading to a person (handoff)")
            }
            let found = problems(text).filter { $0.kind == .loopWithoutPerson }.map(\.reason)
            #expect(found.sorted() == expected.sorted(), "\(text)")
            if !expected.isEmpty { menusWithLoops += 1 }
        }
        #expect(menusWithLoops > 30)
    }
}

/// A small deterministic generator for the random menus (the same menus every run).
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
