import Foundation
import Testing
import WarmlineCore
@testable import WarmlineUnit

@Suite("EffectiveConfigPrinter")
struct EffectiveConfigPrinterTests {
    @Test("a printed config loads back to the same config, targets, quotes and all")
    func roundTrip() throws {
        var config = UnitConfig()
        config.tonePlan = "uk"
        config.timeZone = "Europe/Istanbul"
        config.databasePath = "/data/a \"quoted\" name.sqlite"
        var second = LineConfig()
        second.number = 2
        second.captureDevice = "plughw:1,0"
        second.playbackDevice = "plughw:1,0"
        second.serialDevice = "/dev/ttyACM1"
        second.answerAfterRings = 4
        config.lines.append(second)
        config.call.handoff.targets = [HandoffTarget(name: "desk", dial: "201", ringTimeoutMs: 9000),
                                       HandoffTarget(name: "mobile", dial: "0,0501234567")]
        config.call.dayPass.declineDigit = "#"
        config.call.distress.raisedPitch = SignalRule(weight: 0.25, threshold: 1.45)
        let text = EffectiveConfigPrinter.yaml(config)
        #expect(try UnitConfigLoader().parse(text, file: "printed") == config)
        let commented = EffectiveConfigPrinter.yaml(config, comments: true)
        #expect(try UnitConfigLoader().parse(commented, file: "printed") == config)
    }

    @Test("the commented default config names every key the loader knows")
    func everyKeyDocumented() {
        let text = EffectiveConfigPrinter.yaml(UnitConfig(), comments: true)
        let keys = UnitConfigLoader.topKeys + UnitConfigLoader.lineKeys + UnitConfigLoader.callKeys
            + UnitConfigLoader.handoffKeys + UnitConfigLoader.dayPassKeys + UnitConfigLoader.distressKeys
            + UnitConfigLoader.signalRules.map(\.0.rawValue)
        let documented = Set(text.split(separator: "\n").compactMap { line -> String? in
            var body = line.drop { $0 == " " || $0 == "-" }
            if UnitConfigLoader.unsetByDefaultKeys.contains(where: { body.hasPrefix("# \($0):") }) { body = body.dropFirst(2) }
            guard !body.hasPrefix("#"), let colon = body.firstIndex(of: ":") else { return nil }
            return String(body[..<colon])
        })
        #expect(Set(keys).subtracting(documented).isEmpty)
        #expect(text.split(separator: "\n").allSatisfy { $0.contains("#") })
    }

    @Test("Config/warmline.yaml in the repository is the printer's commented defaults")
    func shippedFileIsCurrent() throws {
        let shipped = try String(contentsOfFile: "\(checkoutRoot)/Config/warmline.yaml", encoding: .utf8)
        #expect(shipped == EffectiveConfigPrinter.yaml(UnitConfig(), comments: true),
                "regenerate with: warmline config defaults > Config/warmline.yaml")
    }
}
