import Testing
@testable import WarmlineBoard

@Suite("COBS framing")
struct COBSTests {
    @Test("encodes the textbook example and never emits a zero")
    func knownVector() {
        #expect(COBS.encode([0x11, 0x22, 0x00, 0x33]) == [0x03, 0x11, 0x22, 0x02, 0x33])
        #expect(COBS.encode([0x00]) == [0x01, 0x01])
    }

    @Test("round-trips zeros, long runs and the 254-byte boundary")
    func roundTrips() {
        let long = (0..<600).map { UInt8($0 % 255 + 1) }
        for input in [[], [0], [UInt8](repeating: 0, count: 300), Array(long[0..<254]), Array(long[0..<255]), long] {
            let encoded = COBS.encode(input)
            #expect(!encoded.contains(0))
            #expect(COBS.decode(encoded) == input)
        }
    }

    @Test("rejects a block whose code runs past its end")
    func malformed() {
        #expect(COBS.decode([0x05, 0x11, 0x22]) == nil)
        #expect(COBS.decode([0x03, 0x11, 0x00]) == nil)
    }
}
