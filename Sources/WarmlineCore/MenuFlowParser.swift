import WarmlineConfig

/// Turns `menu.yaml` text into a `MenuFlow`, recording every shape problem with its line.
struct MenuFlowParser {
    private var reader: FlowReader
    private var references: [PromptReference] = []
    private var defaults = NodeDefaults()

    /// Values a node takes when it does not set them (the `defaults:` block, then FreeSWITCH's).
    private struct NodeDefaults {
        var timeoutMs = 10_000
        var interDigitTimeoutMs = 2000
        var maxFailures = 3
        var maxTimeouts = 3
        var invalidSound: [String] = []
        var timeoutSound: [String] = []
        var exitSound: [String] = []
        var onExhausted: MenuAction = .handoff
        var onExhaustedLine: Int?
    }

    init(file: String) { reader = FlowReader(file: file) }

    var problems: [FlowProblem] { reader.problems }

    mutating func parse(_ text: String) -> MenuFlow? {
        guard let root = reader.root(text), let entries = reader.mapping(root, "menu.yaml") else { return nil }
        var start: String?
        var languagePrompt = "language_name"
        var languages: [LanguageDigit] = []
        var person: EverywhereOption?
        var emergency: EverywhereOption?
        var silent: String?
        var safety: [String] = []
        var safetyLine: Int?
        var callerIDLanguages: [CallerIDLanguage] = []
        var nodeEntries: [YAMLEntry] = []
        // defaults first: nodes may come before them in the file
        if let defaultsNode = entries.first(where: { $0.key == "defaults" }) { parseDefaults(defaultsNode.value) }
        for entry in entries {
            switch entry.key {
            case "start": start = reader.string(entry.value, "start")
            case "language_prompt":
                if let id = reader.string(entry.value, "language_prompt") {
                    languagePrompt = id
                    references.append(PromptReference(promptID: id, line: entry.value.line))
                }
            case "languages": languages = parseLanguages(entry.value)
            case "everywhere": (person, emergency, silent) = parseEverywhere(entry.value, line: entry.line)
            case "safety":
                safety = prompts(entry.value, "safety")
                safetyLine = entry.line
            case "language_by_caller_id": callerIDLanguages = parseCallerIDLanguages(entry.value)
            case "defaults": break
            case "nodes": nodeEntries = reader.mapping(entry.value, "nodes") ?? []
            default:
                reader.fail(line: entry.line, .unknownKey,
                            "unknown key '\(entry.key)' (known: start, safety, language_prompt, languages, "
                                + "language_by_caller_id, everywhere, defaults, nodes)")
            }
        }
        var nodes: [String: MenuNode] = [:]
        for entry in nodeEntries {
            if let node = parseNode(name: entry.key, line: entry.line, entry.value) { nodes[entry.key] = node }
        }
        if start == nil { reader.fail(line: 1, .syntax, "missing 'start: <node>'") }
        if nodeEntries.isEmpty { reader.fail(line: 1, .syntax, "missing 'nodes:' with at least one node") }
        if safetyLine == nil {
            reader.fail(line: 1, .syntax, "missing 'safety: [prompt ids]': the sentence every caller hears first (emergency "
                + "number, the person digit, the keys for a caller who cannot speak)")
        } else if safety.isEmpty, let safetyLine {
            reader.fail(line: safetyLine, .syntax, "'safety' names no prompt: every caller must hear the safety sentence")
        }
        guard let start, let person, let emergency, let silent, let safetyLine, !safety.isEmpty else { return nil }
        return MenuFlow(file: reader.file, startNode: start, languageDigits: languages, languagePrompt: languagePrompt,
                        person: person, emergency: emergency, safetyPrompts: safety, safetyLine: safetyLine,
                        silentDigits: silent, callerIDLanguages: callerIDLanguages, nodes: nodes,
                        nodeOrder: nodeEntries.map(\.key), promptReferences: references)
    }

    private mutating func parseDefaults(_ node: YAMLNode) {
        for entry in reader.mapping(node, "defaults") ?? [] {
            switch entry.key {
            case "timeout_ms": defaults.timeoutMs = reader.count(entry.value, "timeout_ms") ?? defaults.timeoutMs
            case "inter_digit_timeout_ms":
                defaults.interDigitTimeoutMs = reader.count(entry.value, "inter_digit_timeout_ms") ?? defaults.interDigitTimeoutMs
            case "max_failures": defaults.maxFailures = reader.count(entry.value, "max_failures") ?? defaults.maxFailures
            case "max_timeouts": defaults.maxTimeouts = reader.count(entry.value, "max_timeouts") ?? defaults.maxTimeouts
            case "invalid_sound": defaults.invalidSound = prompts(entry.value, "invalid_sound")
            case "timeout_sound": defaults.timeoutSound = prompts(entry.value, "timeout_sound")
            case "exit_sound": defaults.exitSound = prompts(entry.value, "exit_sound")
            case "on_exhausted":
                defaults.onExhausted = parseAction(entry.value, node: nil, "on_exhausted") ?? .handoff
                defaults.onExhaustedLine = entry.value.line
            default:
                reader.fail(line: entry.line, .unknownKey, "unknown key '\(entry.key)' in defaults")
            }
        }
    }

    private mutating func parseLanguages(_ node: YAMLNode) -> [LanguageDigit] {
        (reader.mapping(node, "languages") ?? []).compactMap { entry in
            guard let digit = digit(entry.value, "language '\(entry.key)'") else { return nil }
            return LanguageDigit(language: entry.key, digit: digit)
        }
    }

    private mutating func parseCallerIDLanguages(_ node: YAMLNode) -> [CallerIDLanguage] {
        (reader.mapping(node, "language_by_caller_id") ?? []).compactMap { entry in
            guard let language = reader.string(entry.value, "language_by_caller_id '\(entry.key)'") else { return nil }
            guard entry.key.hasPrefix("+") || entry.key.allSatisfy(\.isNumber), entry.key.count >= 2 else {
                reader.fail(line: entry.line, .invalidValue,
                            "language_by_caller_id: '\(entry.key)' is not a caller ID prefix such as \"+380\"")
                return nil
            }
            return CallerIDLanguage(prefix: entry.key, language: language)
        }
    }

    /// `everywhere.silent.digits`: two or more presses of one key (a second key would be a menu choice).
    private mutating func parseSilent(_ node: YAMLNode) -> String? {
        var digits: String?
        for field in reader.mapping(node, "everywhere.silent") ?? [] {
            switch field.key {
            case "digits": digits = reader.string(field.value, "everywhere.silent.digits")
            default: reader.fail(line: field.line, .unknownKey, "unknown key '\(field.key)' in everywhere.silent (known: digits)")
            }
        }
        guard let digits else {
            reader.fail(line: node.line, .syntax, "everywhere.silent needs 'digits', e.g. \"55\"")
            return nil
        }
        guard digits.count >= 2, digits.allSatisfy({ $0 == digits.first }), digits.first?.isDTMF == true else {
            reader.fail(line: node.line, .invalidValue,
                        "everywhere.silent.digits '\(digits)' must be one key pressed two or more times, e.g. \"55\"")
            return nil
        }
        return digits
    }

    private mutating func parseEverywhere(_ node: YAMLNode, line: Int) -> (EverywhereOption?, EverywhereOption?, String?) {
        var person: EverywhereOption?
        var emergency: EverywhereOption?
        var silent: String?
        for entry in reader.mapping(node, "everywhere") ?? [] {
            if entry.key == "silent" {
                silent = parseSilent(entry.value)
                continue
            }
            var digitValue: Character?
            var keywords: [String] = []
            for field in reader.mapping(entry.value, "everywhere.\(entry.key)") ?? [] {
                switch field.key {
                case "digit": digitValue = digit(field.value, "everywhere.\(entry.key).digit")
                case "keywords": keywords = reader.strings(field.value, "keywords").map { $0.lowercased() }
                default: reader.fail(line: field.line, .unknownKey, "unknown key '\(field.key)' in everywhere.\(entry.key)")
                }
            }
            guard let digitValue else {
                reader.fail(line: entry.line, .syntax, "everywhere.\(entry.key) needs a digit")
                continue
            }
            let option = EverywhereOption(digit: digitValue, keywords: keywords)
            switch entry.key {
            case "person": person = option
            case "emergency": emergency = option
            default:
                reader.fail(line: entry.line, .unknownKey, "unknown key '\(entry.key)' in everywhere (known: person, emergency, silent)")
            }
        }
        if person == nil { reader.fail(line: line, .syntax, "everywhere.person is required: a caller must reach a person from every node") }
        if emergency == nil { reader.fail(line: line, .syntax, "everywhere.emergency is required (the greeting promises it)") }
        if silent == nil, !reader.problems.contains(where: { $0.reason.contains("everywhere.silent") }) {
            reader.fail(line: line, .syntax, "everywhere.silent is required: the safety sentence tells a caller who cannot speak "
                + "which keys to press")
        }
        return (person, emergency, silent)
    }

    private mutating func parseNode(name: String, line: Int, _ node: YAMLNode) -> MenuNode? {
        guard let fields = reader.mapping(node, "node '\(name)'") else { return nil }
        var result = MenuNode(
            name: name, line: line, greetLong: [], greetShort: [], invalidSound: defaults.invalidSound,
            timeoutSound: defaults.timeoutSound, exitSound: defaults.exitSound, timeoutMs: defaults.timeoutMs,
            interDigitTimeoutMs: defaults.interDigitTimeoutMs, maxFailures: defaults.maxFailures,
            maxTimeouts: defaults.maxTimeouts, onExhausted: defaults.onExhausted,
            onExhaustedLine: defaults.onExhaustedLine ?? line, options: [])
        var sawShort = false
        for field in fields {
            switch field.key {
            case "greet_long": result.greetLong = prompts(field.value, "greet_long")
            case "greet_short":
                result.greetShort = prompts(field.value, "greet_short")
                sawShort = true
            case "invalid_sound": result.invalidSound = prompts(field.value, "invalid_sound")
            case "timeout_sound": result.timeoutSound = prompts(field.value, "timeout_sound")
            case "exit_sound": result.exitSound = prompts(field.value, "exit_sound")
            case "timeout_ms": result.timeoutMs = reader.count(field.value, "timeout_ms") ?? result.timeoutMs
            case "inter_digit_timeout_ms":
                result.interDigitTimeoutMs = reader.count(field.value, "inter_digit_timeout_ms") ?? result.interDigitTimeoutMs
            case "max_failures": result.maxFailures = reader.count(field.value, "max_failures") ?? result.maxFailures
            case "max_timeouts": result.maxTimeouts = reader.count(field.value, "max_timeouts") ?? result.maxTimeouts
            case "on_exhausted":
                result.onExhausted = parseAction(field.value, node: name, "on_exhausted") ?? .handoff
                result.onExhaustedLine = field.value.line
            case "options":
                guard let sequence = field.value.sequence else {
                    reader.fail(line: field.value.line, .syntax, "options of node '\(name)' must be a list")
                    continue
                }
                result.options = sequence.compactMap { parseOption($0, node: name) }
            default:
                reader.fail(line: field.line, .unknownKey,
                            "unknown key '\(field.key)' in node '\(name)' (known: greet_long, greet_short, invalid_sound, "
                                + "timeout_sound, exit_sound, timeout_ms, inter_digit_timeout_ms, max_failures, "
                                + "max_timeouts, on_exhausted, options)")
            }
        }
        if result.greetLong.isEmpty { reader.fail(line: line, .syntax, "node '\(name)' needs greet_long") }
        if !sawShort { result.greetShort = result.greetLong }
        if result.maxFailures < 1 || result.maxTimeouts < 1 {
            reader.fail(line: line, .invalidValue, "node '\(name)': max_failures and max_timeouts must be at least 1")
        }
        return result
    }

    private mutating func parseOption(_ node: YAMLNode, node name: String) -> MenuOption? {
        guard let fields = reader.mapping(node, "an option of node '\(name)'") else { return nil }
        var digits: String?
        var keywords: [String] = []
        for field in fields {
            switch field.key {
            case "digit":
                digits = reader.string(field.value, "digit")
                if let value = digits, value.isEmpty || !value.allSatisfy(\.isDTMF) {
                    reader.fail(line: field.value.line, .invalidValue, "digit '\(value)' must be made of 0-9, * and #")
                }
            case "keywords": keywords = reader.strings(field.value, "keywords").map { $0.lowercased() }
            case "action", "node", "next", "reason": break
            default:
                reader.fail(line: field.line, .unknownKey,
                            "unknown key '\(field.key)' in an option of node '\(name)' (known: digit, keywords, action, node, next)")
            }
        }
        if digits == nil && keywords.isEmpty {
            reader.fail(line: node.line, .syntax, "an option of node '\(name)' needs a digit or keywords")
        }
        guard let action = parseAction(node, node: name, "option") else { return nil }
        return MenuOption(digits: digits, keywords: keywords, action: action, line: node.line)
    }

    /// An action: `handoff` as a plain value, or a mapping with `action:` and `node:`/`next:`.
    private mutating func parseAction(_ node: YAMLNode, node current: String?, _ what: String) -> MenuAction? {
        var name: String?
        var target: String?
        var next: String?
        if let scalar = node.scalar {
            name = scalar.string
        } else if let fields = reader.mapping(node, what) {
            for field in fields {
                switch field.key {
                case "action": name = reader.string(field.value, "action")
                case "node": target = reader.string(field.value, "node")
                case "next": next = reader.string(field.value, "next")
                default: break
                }
            }
        }
        let here = current ?? ""
        switch name {
        case "handoff": return .handoff
        case "balance": return .balance(next: next ?? here)
        case "day_pass": return .dayPass(next: next ?? here)
        case "language": return .language
        case "callback": return .callback
        case "hangup": return .hangup
        case "goto":
            guard let target else {
                reader.fail(line: node.line, .syntax, "\(what): action goto needs 'node: <name>'")
                return nil
            }
            return .goto(target)
        default:
            reader.fail(line: node.line, .invalidValue,
                        "\(what): unknown action '\(name ?? "")' (known: handoff, balance, day_pass, goto, language, callback, hangup)")
            return nil
        }
    }

    private mutating func digit(_ node: YAMLNode, _ what: String) -> Character? {
        guard let text = reader.string(node, what) else { return nil }
        guard text.count == 1, let character = text.first, character.isDTMF else {
            reader.fail(line: node.line, .invalidValue, "\(what) must be one of 0-9, * or #, not '\(text)'")
            return nil
        }
        return character
    }

    private mutating func prompts(_ node: YAMLNode, _ what: String) -> [String] {
        let ids = reader.strings(node, what)
        references += ids.map { PromptReference(promptID: $0, line: node.line) }
        return ids
    }
}

extension Character {
    /// True for a DTMF key: 0-9, * or #.
    var isDTMF: Bool { ("0"..."9").contains(self) || self == "*" || self == "#" }
}
