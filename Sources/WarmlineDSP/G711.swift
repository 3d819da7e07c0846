/// ITU-T G.711 µ-law and A-law companding, bit-exact with the ITU reference (G.191 `g711.c`).
///
/// Linear samples are 16-bit; µ-law uses the top 14 bits and A-law the top 13, as the standard does.
public enum G711 {
    private static let muLawSegmentEnds: [Int32] = [0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]
    private static let aLawSegmentEnds: [Int32] = [0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF]

    /// Decoded value of every µ-law code, indexed by code.
    public static let muLawDecodeTable: [Int16] = (0...255).map { muLawDecodeSlow(UInt8($0)) }
    /// Decoded value of every A-law code, indexed by code.
    public static let aLawDecodeTable: [Int16] = (0...255).map { aLawDecodeSlow(UInt8($0)) }

    /// Encodes one 16-bit linear sample to a µ-law code.
    public static func muLawEncode(_ sample: Int16) -> UInt8 {
        var pcm = Int32(sample) >> 2
        let mask: Int32
        if pcm < 0 { pcm = -pcm; mask = 0x7F } else { mask = 0xFF }
        pcm = min(pcm, 8159) + 33
        let segment = segmentIndex(pcm, muLawSegmentEnds)
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        let code = (Int32(segment) << 4) | ((pcm >> Int32(segment + 1)) & 0xF)
        return UInt8(truncatingIfNeeded: code ^ mask)
    }

    /// Decodes one µ-law code to a 16-bit linear sample.
    @inline(__always)
    public static func muLawDecode(_ code: UInt8) -> Int16 { muLawDecodeTable[Int(code)] }

    /// Encodes one 16-bit linear sample to an A-law code.
    public static func aLawEncode(_ sample: Int16) -> UInt8 {
        var pcm = Int32(sample) >> 3
        let mask: Int32
        if pcm >= 0 { mask = 0xD5 } else { mask = 0x55; pcm = -pcm - 1 }
        let segment = segmentIndex(pcm, aLawSegmentEnds)
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        var code = Int32(segment) << 4
        code |= segment < 2 ? (pcm >> 1) & 0xF : (pcm >> Int32(segment)) & 0xF
        return UInt8(truncatingIfNeeded: code ^ mask)
    }

    /// Decodes one A-law code to a 16-bit linear sample.
    @inline(__always)
    public static func aLawDecode(_ code: UInt8) -> Int16 { aLawDecodeTable[Int(code)] }

    /// Encodes a buffer of linear samples to µ-law codes.
    public static func muLawEncode(_ samples: [Int16]) -> [UInt8] { samples.map(muLawEncode) }
    /// Decodes a buffer of µ-law codes to linear samples.
    public static func muLawDecode(_ codes: [UInt8]) -> [Int16] { codes.map(muLawDecode) }
    /// Encodes a buffer of linear samples to A-law codes.
    public static func aLawEncode(_ samples: [Int16]) -> [UInt8] { samples.map(aLawEncode) }
    /// Decodes a buffer of A-law codes to linear samples.
    public static func aLawDecode(_ codes: [UInt8]) -> [Int16] { codes.map(aLawDecode) }

    private static func segmentIndex(_ value: Int32, _ ends: [Int32]) -> Int {
        for (index, end) in ends.enumerated() where value <= end { return index }
        return ends.count
    }

    private static func muLawDecodeSlow(_ code: UInt8) -> Int16 {
        let u = Int32(~code)
        var t = ((u & 0x0F) << 3) + 0x84
        t <<= (u & 0x70) >> 4
        return Int16((u & 0x80) != 0 ? 0x84 - t : t - 0x84)
    }

    private static func aLawDecodeSlow(_ code: UInt8) -> Int16 {
        let a = Int32(code ^ 0x55)
        var t = (a & 0x0F) << 4
        let segment = (a & 0x70) >> 4
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t = (t + 0x108) << (segment - 1)
        }
        return Int16((a & 0x80) != 0 ? t : -t)
    }
}
