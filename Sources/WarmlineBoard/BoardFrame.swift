/// One link frame: on the wire `00 COBS(type seq payload crc16be) 00` (see Firmware/PROTOCOL.md).
public struct BoardFrame: Sendable, Equatable {
    /// Largest payload the firmware accepts.
    public static let maxPayload = 48

    /// Message type (`BoardMessage`).
    public var type: UInt8
    /// Sequence number: the command id for commands, the event id for events, 0 for unacknowledged frames.
    public var seq: UInt8
    /// Message-specific bytes.
    public var payload: [UInt8]

    /// Makes a frame.
    public init(type: UInt8, seq: UInt8, payload: [UInt8] = []) {
        self.type = type
        self.seq = seq
        self.payload = payload
    }

    /// The bytes to write: leading delimiter, COBS block, trailing delimiter.
    public func wireBytes() -> [UInt8] {
        var raw = [type, seq] + payload
        let crc = CRC16.ccittFalse(raw)
        raw.append(UInt8(crc >> 8))
        raw.append(UInt8(crc & 0xFF))
        return [0] + COBS.encode(raw) + [0]
    }
}

/// Streaming frame decoder: any chunking in, whole checked frames out; everything else is dropped and counted.
public struct FrameDecoder: Sendable {
    private var block: [UInt8] = []
    private var overflow = false
    private static let maxBlock = 2 + BoardFrame.maxPayload + 2 + 2

    /// Frames that decoded with a good CRC.
    public private(set) var framesAccepted = 0
    /// Frames dropped for a bad CRC.
    public private(set) var framesBadCRC = 0
    /// Blocks that were not valid COBS or too short / too long.
    public private(set) var framesMalformed = 0
    /// Bytes thrown away (garbage, bad frames).
    public private(set) var bytesDropped = 0

    /// Makes an empty decoder.
    public init() {}

    /// Feeds received bytes; returns the frames they complete.
    public mutating func push<C: Sequence>(_ bytes: C) -> [BoardFrame] where C.Element == UInt8 {
        var frames: [BoardFrame] = []
        for byte in bytes {
            if byte != 0 {
                if block.count < Self.maxBlock {
                    block.append(byte)
                } else {
                    overflow = true
                    bytesDropped += 1
                }
                continue
            }
            if overflow {
                framesMalformed += 1
                bytesDropped += block.count
            } else if !block.isEmpty, let frame = finish() {
                frames.append(frame)
            }
            block.removeAll(keepingCapacity: true)
            overflow = false
        }
        return frames
    }

    private mutating func finish() -> BoardFrame? {
        guard let raw = COBS.decode(block), raw.count >= 4 else {
            framesMalformed += 1
            bytesDropped += block.count
            return nil
        }
        let want = UInt16(raw[raw.count - 2]) << 8 | UInt16(raw[raw.count - 1])
        guard CRC16.ccittFalse(raw[0..<(raw.count - 2)]) == want else {
            framesBadCRC += 1
            bytesDropped += block.count
            return nil
        }
        framesAccepted += 1
        return BoardFrame(type: raw[0], seq: raw[1], payload: Array(raw[2..<(raw.count - 2)]))
    }
}
