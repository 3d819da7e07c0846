/// A validated flow and the prompt catalogs of every enabled language: what a call engine runs on.
public struct FlowBundle: Sendable, Equatable {
    /// The menu flow.
    public let flow: MenuFlow
    /// Prompt catalogs by language code.
    public let catalogs: [String: PromptCatalog]
    /// Enabled languages, default first.
    public let enabledLanguages: [String]
}

/// Loads and validates `Prompts/menu.yaml` and `Prompts/<lang>/prompts.yaml` from text the caller has read.
public enum FlowLoader {
    /// Largest menu.yaml or prompts.yaml read (the shipped ones are under 20 KB).
    public static let maximumFileBytes = 512 * 1024
    /// Most nodes in a menu (the shipped one has a handful; every node is a prompt a caller must sit through).
    public static let maximumNodes = 500
    /// Most prompts in one language's prompts.yaml (the shipped ones have about 60).
    public static let maximumPrompts = 2_000

    /// Parses and validates; throws every problem found, each with file, line and reason.
    public static func load(menu: SourceText, prompts: [String: SourceText],
                            enabledLanguages: [String]) throws(FlowError) -> FlowBundle {
        let oversized = ([menu] + enabledLanguages.compactMap { prompts[$0] }).filter { $0.text.utf8.count > maximumFileBytes }
        guard oversized.isEmpty else {
            throw FlowError(problems: oversized.map {
                FlowProblem(file: $0.name, line: 1, kind: .tooLarge,
                            reason: "the file is \($0.text.utf8.count) bytes; at most \(maximumFileBytes) are read, nothing was loaded")
            })
        }
        var problems: [FlowProblem] = []
        var parser = MenuFlowParser(file: menu.name)
        let flow = parser.parse(menu.text)
        problems += parser.problems
        var catalogs: [String: PromptCatalog] = [:]
        if enabledLanguages.isEmpty {
            problems.append(FlowProblem(file: menu.name, line: 1, kind: .invalidValue, reason: "no language is enabled"))
        }
        for language in enabledLanguages {
            guard let source = prompts[language] else {
                problems.append(FlowProblem(file: menu.name, line: 1, kind: .missingPrompt,
                                            reason: "language '\(language)' is enabled but has no prompt file"))
                continue
            }
            do {
                let catalog = try PromptCatalog.parse(source, language: language)
                guard catalog.texts.count <= maximumPrompts else {
                    problems.append(FlowProblem(file: source.name, line: 1, kind: .tooLarge,
                                                reason: "\(catalog.texts.count) prompts; a language has at most \(maximumPrompts)"))
                    continue
                }
                catalogs[language] = catalog
            } catch {
                problems += error.problems
            }
        }
        if let flow, flow.nodeOrder.count > maximumNodes {
            throw FlowError(problems: [FlowProblem(file: menu.name, line: 1, kind: .tooLarge,
                                                   reason: "\(flow.nodeOrder.count) nodes; a menu has at most \(maximumNodes)")])
        }
        if let flow {
            problems += FlowValidator(flow: flow, catalogs: catalogs, enabledLanguages: enabledLanguages).problems()
        }
        guard problems.isEmpty else {
            throw FlowError(problems: problems.sorted { ($0.file, $0.line) < ($1.file, $1.line) })
        }
        guard let flow else { throw FlowError(problems: [FlowProblem(file: menu.name, line: 1, kind: .syntax, reason: "no flow")]) }
        return FlowBundle(flow: flow, catalogs: catalogs, enabledLanguages: enabledLanguages)
    }
}

/// The checks that need the whole flow: references, reachability, digits, prompts, loops.
struct FlowValidator {
    let flow: MenuFlow
    let catalogs: [String: PromptCatalog]
    let enabledLanguages: [String]

    func problems() -> [FlowProblem] {
        var found: [FlowProblem] = []
        func fail(_ line: Int, _ kind: FlowProblem.Kind, _ reason: String) {
            found.append(FlowProblem(file: flow.file, line: line, kind: kind, reason: reason))
        }
        if flow.nodes[flow.startNode] == nil { fail(1, .unknownNode, "start points at unknown node '\(flow.startNode)'") }
        let everywhere = [flow.person.digit: "everywhere.person", flow.emergency.digit: "everywhere.emergency"]
        if flow.person.digit == flow.emergency.digit {
            fail(1, .duplicateDigit, "everywhere.person and everywhere.emergency both use digit '\(flow.person.digit)'")
        }
        checkLanguages(everywhere, fail)
        checkSafety(fail)
        if let key = flow.silentDigits.first, let owner = everywhere[key] {
            fail(1, .duplicateDigit, "everywhere.silent '\(flow.silentDigits)' starts with '\(key)', which is already \(owner)")
        }
        for name in flow.nodeOrder {
            guard let node = flow.nodes[name] else { continue }
            var seen: [String: Int] = [:]
            for option in node.options {
                if let next = option.action.nextNode, flow.nodes[next] == nil {
                    fail(option.line, .unknownNode, "option '\(option.label)' of node '\(name)' points at unknown node '\(next)'")
                }
                guard let digits = option.digits else { continue }
                if let first = seen[digits] {
                    fail(option.line, .duplicateDigit, "digit '\(digits)' is used twice in node '\(name)' (first on line \(first))")
                } else if digits.count == 1, let owner = digits.first.flatMap({ everywhere[$0] }) {
                    fail(option.line, .duplicateDigit, "digit '\(digits)' in node '\(name)' is already \(owner), which works in every node")
                } else if digits.first == flow.silentDigits.first {
                    fail(option.line, .duplicateDigit, "digit '\(digits)' in node '\(name)' starts with '\(flow.silentDigits.prefix(1))', "
                        + "the key of everywhere.silent ('\(flow.silentDigits)'), which works in every node")
                }
                seen[digits] = seen[digits] ?? option.line
            }
            switch node.onExhausted {
            case .handoff: break
            case .goto(let next):
                if flow.nodes[next] == nil {
                    fail(node.onExhaustedLine, .unknownNode, "on_exhausted of node '\(name)' points at unknown node '\(next)'")
                }
            default:
                fail(node.onExhaustedLine, .invalidValue,
                     "on_exhausted of node '\(name)' must be handoff or goto: a caller who cannot use the menu goes to a person, never hangs up")
            }
        }
        checkReachable(fail)
        checkLoops(fail)
        let engineMissing = checkPrompts(fail)
        return found + engineMissing
    }

    private func checkLanguages(_ everywhere: [Character: String], _ fail: (Int, FlowProblem.Kind, String) -> Void) {
        guard enabledLanguages.count > 1 else { return }
        var seen: Set<Character> = []
        for choice in flow.languageDigits {
            if !seen.insert(choice.digit).inserted || everywhere[choice.digit] != nil {
                fail(1, .duplicateDigit, "language digit '\(choice.digit)' for '\(choice.language)' is used twice")
            }
        }
        for language in enabledLanguages where !flow.languageDigits.contains(where: { $0.language == language }) {
            fail(1, .invalidValue, "language '\(language)' is enabled but has no digit under 'languages:'")
        }
    }

    /// The safety sentence exists in every enabled language and names the emergency number there.
    private func checkSafety(_ fail: (Int, FlowProblem.Kind, String) -> Void) {
        for language in enabledLanguages {
            guard let catalog = catalogs[language] else { continue }
            let missing = flow.safetyPrompts.filter { catalog.texts[$0] == nil }
            if !missing.isEmpty {
                fail(flow.safetyLine, .missingPrompt, "the safety sentence is missing in language '\(language)': "
                    + "\(missing.map { "'\($0)'" }.joined(separator: ", ")) not in \(catalog.file); every caller must hear it")
                continue
            }
            let texts = flow.safetyPrompts.compactMap { catalog.texts[$0] }
            if !texts.contains(where: { PromptCatalog.placeholders(in: $0).contains("emergency_number") }) {
                fail(flow.safetyLine, .invalidValue, "the safety sentence in language '\(language)' (\(catalog.file)) never says "
                    + "{emergency_number}")
            }
        }
        let known = Set(flow.languageDigits.map(\.language))
        for entry in flow.callerIDLanguages where !known.contains(entry.language) {
            fail(1, .invalidValue, "language_by_caller_id '\(entry.prefix)' names '\(entry.language)', which is not under 'languages:'")
        }
    }

    /// Nodes each node leads to (options and on_exhausted; the language choice returns to the start).
    private func successors(_ node: MenuNode) -> [String] {
        (node.options.map(\.action) + [node.onExhausted]).compactMap { action in
            action == .language ? flow.startNode : action.nextNode
        }.filter { flow.nodes[$0] != nil }
    }

    private func checkReachable(_ fail: (Int, FlowProblem.Kind, String) -> Void) {
        guard flow.nodes[flow.startNode] != nil else { return }
        let reached = closure(from: [flow.startNode])
        for name in flow.nodeOrder where !reached.contains(name) {
            fail(flow.nodes[name]?.line ?? 1, .unreachableNode, "node '\(name)' is unreachable from start '\(flow.startNode)'")
        }
    }

    private func closure(from starts: [String]) -> Set<String> {
        var reached = Set(starts)
        var pending = starts
        while let name = pending.popLast() {
            for next in flow.nodes[name].map(successors) ?? [] where reached.insert(next).inserted { pending.append(next) }
        }
        return reached
    }

    /// Loops no caller can leave for a person: strongly connected parts of the nodes that cannot reach a hand-off.
    /// Linear in nodes and options (one reverse walk and one Tarjan pass), so a 20,000-node menu is checked in a blink.
    private func checkLoops(_ fail: (Int, FlowProblem.Kind, String) -> Void) {
        let names = flow.nodeOrder.filter { flow.nodes[$0] != nil }
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        let edges: [[Int]] = names.map { name in flow.nodes[name].map(successors)?.compactMap { index[$0] } ?? [] }
        // the nodes from which a person can be reached: walk back from every exit
        var reverse = Array(repeating: [Int](), count: names.count)
        for (from, targets) in edges.enumerated() { for to in targets { reverse[to].append(from) } }
        var leadsOut = Array(repeating: false, count: names.count)
        var pending: [Int] = []
        for (position, name) in names.enumerated() {
            guard let node = flow.nodes[name], node.onExhausted == .handoff || node.options.contains(where: { $0.action == .handoff })
            else { continue }
            leadsOut[position] = true
            pending.append(position)
        }
        while let next = pending.popLast() {
            for from in reverse[next] where !leadsOut[from] {
                leadsOut[from] = true
                pending.append(from)
            }
        }
        // Tarjan's strongly connected components among the trapped nodes, iteratively (no recursion depth limit)
        var order = Array(repeating: -1, count: names.count)
        var low = Array(repeating: 0, count: names.count)
        var onStack = Array(repeating: false, count: names.count)
        var stack: [Int] = []
        var counter = 0
        var loops: [[Int]] = []
        for root in names.indices where !leadsOut[root] && order[root] < 0 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            order[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack[root] = true
            while let (node, edge) = work.last {
                let targets = edges[node]
                if edge < targets.count {
                    work[work.count - 1].edge += 1
                    let next = targets[edge]
                    guard !leadsOut[next] else { continue }
                    if order[next] < 0 {
                        order[next] = counter; low[next] = counter; counter += 1
                        stack.append(next); onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        low[node] = min(low[node], order[next])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { low[parent.node] = min(low[parent.node], low[node]) }
                guard low[node] == order[node] else { continue }
                var component: [Int] = []
                while let member = stack.popLast() {
                    onStack[member] = false
                    component.append(member)
                    if member == node { break }
                }
                if component.count > 1 || edges[node].contains(node) { loops.append(component.sorted()) }
            }
        }
        for loop in loops.sorted(by: { ($0.first ?? 0) < ($1.first ?? 0) }) {
            guard let first = loop.first else { continue }
            let members = loop.map { names[$0] }
            fail(flow.nodes[names[first]]?.line ?? 1, .loopWithoutPerson,
                 "nodes \((members + [names[first]]).joined(separator: " -> ")) loop with no option or on_exhausted leading to a person (handoff)")
        }
    }

    /// Prompts the flow names are reported at the menu line; prompts the engine plays, in the catalog file.
    private func checkPrompts(_ fail: (Int, FlowProblem.Kind, String) -> Void) -> [FlowProblem] {
        var missing: [FlowProblem] = []
        for language in enabledLanguages {
            guard let catalog = catalogs[language] else { continue }
            // a missing safety prompt is reported once, by checkSafety, in its own words
            for reference in flow.promptReferences
            where catalog.texts[reference.promptID] == nil && !flow.safetyPrompts.contains(reference.promptID) {
                fail(reference.line, .missingPrompt,
                     "prompt '\(reference.promptID)' is missing in language '\(language)' (\(catalog.file))")
            }
            for id in MenuFlow.enginePromptIDs where catalog.texts[id] == nil {
                missing.append(FlowProblem(file: catalog.file, line: 1, kind: .missingPrompt,
                                           reason: "prompt '\(id)' (played by the call engine) is missing in language '\(language)'"))
            }
        }
        return missing
    }
}

extension MenuOption {
    /// The digit, or the first keyword, for messages.
    var label: String { digits ?? keywords.first ?? "?" }
}
