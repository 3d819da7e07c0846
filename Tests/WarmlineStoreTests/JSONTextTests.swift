import Foundation
import Testing
import WarmlineStore

@Suite("The one JSON writer")
struct JSONTextTests {
    @Test("a flat payload is one line with sorted keys and RFC 8259 escapes, and reads back as written")
    func flatPayload() throws {
        let payload = ["reason": "said \"help\"\\\n\t\u{1}", "line": "2"]
        let text = JSONText.flat(payload)
        #expect(text == #"{"line":"2","reason":"said \"help\"\\\n\t\u0001"}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(decoded == payload)
    }

    @Test("an object line and a document both sort their keys; a document writes snake_case names when asked")
    func linesAndDocuments() throws {
        #expect(try JSONText.line(["b": 1, "a": ["x", NSNull()]] as [String: Any]) == #"{"a":["x",null],"b":1}"#)
        struct Window: Encodable { var toMs = 2, fromMs = 1 }
        let document = String(decoding: try JSONText.document(Window(), keys: .snakeCase), as: UTF8.self)
        #expect(document.replacingOccurrences(of: " ", with: "").split(separator: "\n") == ["{", "\"from_ms\":1,", "\"to_ms\":2", "}"])
    }
}
