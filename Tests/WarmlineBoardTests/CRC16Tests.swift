import Testing
@testable import WarmlineBoard

@Suite("CRC-16/CCITT-FALSE")
struct CRC16Tests {
    @Test("the check string 123456789 gives 0x29B1")
    func checkValue() {
        #expect(CRC16.ccittFalse(Array("123456789".utf8)) == 0x29B1)
    }

    @Test("matches the firmware's reference values for other inputs")
    func otherVectors() {
        #expect(CRC16.ccittFalse([]) == 0xFFFF)
        #expect(CRC16.ccittFalse([UInt8(ascii: "A")]) == 0xB915)
        #expect(CRC16.ccittFalse([UInt8](repeating: UInt8(ascii: "A"), count: 256)) == 0xEA0B)
    }
}
