import Foundation
import Testing
@testable import WarmlineUnit

@Suite("DoctorReport")
struct DoctorReportTests {
    let checks: [DoctorCheck] = [
        .ok("line 1 board link /dev/pts/3", "HELLO: protocol 1, firmware 1.0.0"),
        .skip("line 1 test tone loopback", "no loopback"),
        .fail("free disk", "3 MB free", fix: "free space"),
    ]

    @Test("SKIP is not a failure: a report of OK and SKIP passes with exit code 0, one FAIL makes it exit 1")
    func passing() {
        #expect(DoctorReport(configPath: "w.yaml", checks: Array(checks.prefix(2))).exitCode == 0)
        #expect(DoctorReport(configPath: "w.yaml", checks: checks).exitCode == 1)
        #expect(DoctorReport(configPath: "w.yaml", checks: []).passed)
    }

    @Test("the text has one line per check, the fix under the failure, and a count summary")
    func text() {
        #expect(DoctorReport(configPath: "w.yaml", checks: checks).text == """
        warmline doctor (config w.yaml)
        OK    line 1 board link /dev/pts/3: HELLO: protocol 1, firmware 1.0.0
        SKIP  line 1 test tone loopback: no loopback
        FAIL  free disk: 3 MB free
              fix: free space
        1 OK, 1 FAIL, 1 SKIP: not ready; fix the FAIL lines and run `warmline doctor` again

        """)
    }

    @Test("the JSON carries the verdict and every check, and decodes back to the same checks")
    func json() throws {
        struct Document: Decodable {
            var config: String
            var passed: Bool
            var checks: [DoctorCheck]
        }
        let report = DoctorReport(configPath: "/etc/warmline/warmline.yaml", checks: checks)
        let decoded = try JSONDecoder().decode(Document.self, from: Data(report.json.utf8))
        #expect(decoded.config == "/etc/warmline/warmline.yaml")
        #expect(decoded.passed == false)
        #expect(decoded.checks == checks)
        #expect(report.json.contains("\"status\" : \"FAIL\""))
    }
}
