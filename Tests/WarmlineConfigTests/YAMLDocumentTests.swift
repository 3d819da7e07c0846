import Testing
import WarmlineConfig

@Suite("The one YAML reader")
struct YAMLDocumentTests {
    @Test("keys and values carry their 1-based lines, in file order")
    func linesOfKeysAndValues() throws {
        let root = try #require(try YAMLDocument.compose("# a comment\nfirst: 1\nsecond:\n  - a\n  - b\n"))
        let entries = try #require(root.entries)
        #expect(entries.map(\.key) == ["first", "second"])
        #expect(entries.map(\.line) == [2, 3])
        #expect(entries[1].value.sequence?.map(\.line) == [4, 5])
        #expect(entries[0].value.entries == nil)
    }

    @Test("an empty text is no document, not an error")
    func emptyText() throws {
        #expect(try YAMLDocument.compose("") == nil)
        #expect(try YAMLDocument.compose("# only a comment\n") == nil)
    }

    @Test("a text over the byte limit is refused before it is parsed, with its size and the limit")
    func byteLimit() {
        #expect(throws: YAMLReadFailure.tooLarge(bytes: 12, limit: 11)) { try YAMLDocument.compose("key: [1, 2, ", maximumBytes: 11) }
        #expect(throws: Never.self) { try YAMLDocument.compose("key: 1", maximumBytes: 6) }
    }

    @Test("a tree over the node limit is refused, aliases counted each time they are used")
    func nodeLimit() {
        let aliases = "a: &x [1, 2, 3, 4]\nb: [*x, *x, *x, *x]\n"
        #expect(throws: YAMLReadFailure.tooManyNodes(limit: 20)) { try YAMLDocument.compose(aliases, maximumNodes: 20) }
        #expect(throws: Never.self) { try YAMLDocument.compose("a: 1\nb: 2\n", maximumNodes: 5) }
    }

    @Test("a parser error is at its line, with the problem alone and in its context")
    func syntaxError() throws {
        var failure: YAMLReadFailure?
        do { _ = try YAMLDocument.compose("ok: 1\nbad: \"unclosed\n") } catch { failure = error }
        guard case .syntax(let syntax) = try #require(failure) else { Issue.record("not a syntax error"); return }
        #expect(syntax.line == 3)
        #expect(syntax.problem == "found unexpected end of stream")
        #expect(syntax.problemInContext == "while scanning a quoted scalar, found unexpected end of stream")
        #expect(syntax.whole.contains("unclosed"))
    }

    @Test("a duplicate key is refused at the mapping's line, naming the key")
    func duplicateKey() throws {
        var failure: YAMLReadFailure?
        do { _ = try YAMLDocument.compose("a: 1\nb: 2\na: 3\n") } catch { failure = error }
        guard case .syntax(let syntax) = try #require(failure) else { Issue.record("not a syntax error"); return }
        #expect(syntax.problem == "duplicate key a")
        #expect(syntax.context == nil)
    }
}

@Suite("Located errors")
struct LocatedErrorTests {
    @Test("a located error prints as compilers do: file:line: reason, or file: reason without a line")
    func description() {
        #expect(LocatedError(file: "keywords.yaml", line: 7, reason: "threshold of 'help' is bad").description
            == "keywords.yaml:7: threshold of 'help' is bad")
        #expect(LocatedError(file: "/models/en", reason: "missing").description == "/models/en: missing")
    }
}
