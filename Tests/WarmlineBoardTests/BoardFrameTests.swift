import Testing
@testable import WarmlineBoard

@Suite("Frames and the streaming decoder")
struct BoardFrameTests {
    @Test("a frame survives encoding and decoding at every payload length")
    func roundTrip() {
        var decoder = FrameDecoder()
        for length in 0...BoardFrame.maxPayload {
            let frame = BoardFrame(type: 0x81, seq: UInt8(length), payload: (0..<length).map { UInt8($0 * 37 % 256) })
            #expect(decoder.push(frame.wireBytes()) == [frame])
        }
        #expect(decoder.bytesDropped == 0)
    }

    @Test("decoding gives the same frames whatever the chunking")
    func chunking() {
        let frames = (0..<20).map { BoardFrame(type: 0x10 + UInt8($0 % 5), seq: UInt8($0), payload: [0, UInt8($0), 0]) }
        let wire = frames.flatMap { $0.wireBytes() }
        var decoder = FrameDecoder()
        var got: [BoardFrame] = []
        var i = 0
        while i < wire.count {
            let n = min(wire.count - i, 1 + i % 7)
            got += decoder.push(wire[i..<(i + n)])
            i += n
        }
        #expect(got == frames)
    }

    @Test("garbage is dropped and counted and the next frame still decodes")
    func garbage() {
        var decoder = FrameDecoder()
        let frame = BoardFrame(type: 0xA0, seq: 0, payload: [9, 0, 0, 4])
        #expect(decoder.push(Array("ATZ\r\nNO CARRIER".utf8) + frame.wireBytes()) == [frame])
        #expect(decoder.bytesDropped == "ATZ\r\nNO CARRIER".utf8.count)
    }

    @Test("a frame with a flipped bit is rejected as a bad CRC")
    func badCRC() {
        var decoder = FrameDecoder()
        var wire = BoardFrame(type: 0x14, seq: 3, payload: [0x02, 0x58]).wireBytes()
        wire[3] ^= 0x10
        #expect(decoder.push(wire).isEmpty)
        #expect(decoder.framesBadCRC + decoder.framesMalformed == 1)
    }

    @Test("a FLASH frame has the documented wire layout")
    func wireFormat() {
        // Expected bytes from PROTOCOL.md's layout with the CRC from Python's binascii.crc_hqx(raw, 0xFFFF) = 0x6D99.
        let wire = BoardFrame(type: 0x14, seq: 7, payload: [0x02, 0x58]).wireBytes()
        #expect(wire == [0x00, 0x07, 0x14, 0x07, 0x02, 0x58, 0x6D, 0x99, 0x00])
    }
}
