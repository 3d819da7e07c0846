import Foundation
import Testing
import WarmlineStore
@testable import WarmlineWeb

@Suite("Dashboard in a real headless Chromium", .serialized)
struct DashboardBrowserTests {
    @Test("every page shows what warmline report reads, escapes callers' text, and a call written while the page is open appears live")
    func dashboardInChromium() async throws {
        guard let chromium = executable(["/usr/bin/chromium", "/usr/bin/chromium-browser"]),
              let driver = executable(["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]) else {
            print("SKIP dashboardInChromium: chromium and chromium-driver are not installed (`make deps` installs them)")
            return
        }
        guard let python = python(with: "selenium") else {
            print("SKIP dashboardInChromium: no python3 with selenium (`make deps` installs python3-selenium)")
            return
        }
        let scratch = try Scratch("browser")
        defer { scratch.cleanUp() }
        let dbPath = scratch.file("warmline.sqlite")
        let fixture = try DashboardFixture(path: dbPath)
        // the figures the page must show: `warmline report` on the same file
        let report = try Child(try warmlineBinary(), ["report", "--db", dbPath, "--format", "json"])
        #expect(report.wait(upTo: 60) == 0, "warmline report failed: \(report.stderr)")
        let expected = try scratch.write("report.json", report.stdout)
        let reported = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        #expect(reported?["calls"] as? Int == 13, "the fixture's 13 calls today: \(report.stdout)")
        try FileManager.default.createDirectory(atPath: testOutputDirectory, withIntermediateDirectories: true)
        let output = try await withDashboard(store: fixture.store) { port in
            try await withDashboard(store: fixture.store, unit: FakeRunningUnit()) { runningPort in
            let check = try Child(python, [
                "\(checkoutRoot)/Scripts/dashboard-browser-check.py", "--base", "http://127.0.0.1:\(port)", "--db", dbPath,
                "--expect", expected, "--out", testOutputDirectory, "--chromium", chromium, "--chromedriver", driver,
                "--distress-call", DashboardFixture.distressCallID, "--whisper", DashboardFixture.whisper,
                "--running-base", "http://127.0.0.1:\(runningPort)",
            ])
            let status = await check.finish(upTo: 180)
            return (status, check.stdout, check.stderr)
            }
        }
        print(output.1)
        #expect(output.0 == 0, "browser checks failed:\n\(output.1)\n\(output.2)")
        #expect(output.1.contains("ok    live: the new call appears without a reload"))
        for page in ["overview", "calls", "call", "passes", "live", "lines"] {
            #expect(FileManager.default.fileExists(atPath: "\(testOutputDirectory)/dashboard-\(page).png"), "\(page) screenshot")
        }
    }
}
