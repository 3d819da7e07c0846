import Foundation

/// Message type codes and constants of wire protocol version 1 (Firmware/core/protocol.h, Firmware/PROTOCOL.md).
public enum BoardMessage {
    /// Protocol version this module speaks.
    public static let protocolVersion: UInt8 = 1

    static let ack: UInt8 = 0x01
    static let nak: UInt8 = 0x02
    static let hello: UInt8 = 0x10
    static let heartbeat: UInt8 = 0x11
    static let offHook: UInt8 = 0x12
    static let onHook: UInt8 = 0x13
    static let flash: UInt8 = 0x14
    static let dial: UInt8 = 0x15
    static let setBypass: UInt8 = 0x16
    static let getStatus: UInt8 = 0x17

    static let ring: UInt8 = 0x80
    static let callerID: UInt8 = 0x81
    static let ringEnd: UInt8 = 0x82
    static let farEndDisconnect: UInt8 = 0x83
    static let bypass: UInt8 = 0x84
    static let hostReturned: UInt8 = 0x85
    static let flashDone: UInt8 = 0x86
    static let dialDone: UInt8 = 0x87
    static let callProgress: UInt8 = 0x88

    static let status: UInt8 = 0xA0
    static let boot: UInt8 = 0xA1

    /// True for board events, which the host must acknowledge.
    static func isEvent(_ type: UInt8) -> Bool { type >= 0x80 && type < 0xA0 }

    /// Name of a command for messages a technician reads.
    static func commandName(_ type: UInt8) -> String {
        switch type {
        case hello: return "HELLO"
        case offHook: return "OFF_HOOK"
        case onHook: return "ON_HOOK"
        case flash: return "FLASH"
        case dial: return "DIAL"
        case setBypass: return "SET_BYPASS"
        case getStatus: return "GET_STATUS"
        default: return String(format: "command 0x%02X", type)
        }
    }
}
