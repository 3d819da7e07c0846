import Testing
@testable import WarmlineStore

@Suite("CSV")
struct CSVTests {
    @Test("fields with commas, quotes and line breaks are quoted and read back unchanged")
    func roundTrip() {
        let fields = ["plain", "a,b", "say \"help\"", "two\nlines", "", "ünï"]
        let records = CSV.parse(CSV.row(fields) + CSV.row(["x", "y", "z", "w", "v", "u"]))
        #expect(records.count == 2)
        #expect(records[0].fields == fields)
        #expect(records[1].line == 3)
    }

    @Test("a byte order mark before the header (as spreadsheets export) is not part of the first field")
    func byteOrderMark() {
        let records = CSV.parse("\u{FEFF}msisdn,balance\n+15550101,1250\n")
        #expect(records.first?.fields == ["msisdn", "balance"])
        #expect(records.first?.fields.first?.unicodeScalars.count == 6)
        #expect(records.last == CSV.Record(line: 2, fields: ["+15550101", "1250"]))
    }

    @Test("records keep the line they start on, CRLF and blank lines are tolerated, a last line without newline is read")
    func lineNumbers() {
        let records = CSV.parse("h1,h2\r\n\r\na,1\r\n\"multi\nline\",2\nlast,3")
        #expect(records.map(\.line) == [1, 3, 4, 6])
        #expect(records.map(\.fields) == [["h1", "h2"], ["a", "1"], ["multi\nline", "2"], ["last", "3"]])
    }
}
