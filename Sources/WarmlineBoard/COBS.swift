/// Consistent Overhead Byte Stuffing: removes every 0x00 so that 0x00 can delimit frames on the wire.
public enum COBS {
    /// Encodes `bytes` (no delimiter added).
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0]
        out.reserveCapacity(bytes.count + bytes.count / 254 + 2)
        var codeAt = 0
        var code: UInt8 = 1
        for byte in bytes {
            if byte == 0 {
                out[codeAt] = code
                codeAt = out.count
                out.append(0)
                code = 1
            } else {
                out.append(byte)
                code += 1
                if code == 0xFF {
                    out[codeAt] = code
                    codeAt = out.count
                    out.append(0)
                    code = 1
                }
            }
        }
        out[codeAt] = code
        return out
    }

    /// Decodes one block (no delimiter); nil when it is malformed.
    public static func decode<C: Collection>(_ block: C) -> [UInt8]? where C.Element == UInt8, C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(block.count)
        var i = block.startIndex
        while i < block.endIndex {
            let code = block[i]
            i += 1
            if code == 0 { return nil }
            for _ in 1..<Int(code) {
                guard i < block.endIndex, block[i] != 0 else { return nil }
                out.append(block[i])
                i += 1
            }
            // A code below 0xFF stands for a zero, except at the very end of the block.
            if code != 0xFF && i < block.endIndex { out.append(0) }
        }
        return out
    }
}
