/// The digital level convention used across Warmline: dBm0 as G.711 defines it.
///
/// A sine at 0 dBm0 has an RMS 3.17 dB below that of a full-scale digital sine (peak 32768 on
/// 16-bit samples), so a full-scale sine is +3.17 dBm0 (the µ-law "digital milliwatt" convention).
/// A 0 dBm0 sine therefore peaks at about 22 750 and has an RMS of about 16 086 in Int16 units.
public enum DBm0 {
    /// Level of a full-scale digital sine in dBm0.
    public static let fullScaleSineDBm0 = 3.17
    /// Peak of a full-scale digital sine in Int16 sample units.
    public static let fullScalePeak = 32768.0
    /// Mean power (sample units squared) of a 0 dBm0 sine.
    public static let zeroDBm0Power: Double = {
        let peak = fullScalePeak * DSPMath.amplitudeRatio(dB: -fullScaleSineDBm0)
        return peak * peak / 2
    }()

    /// Peak amplitude in Int16 units of a sine at `levelDBm0`.
    public static func sinePeak(levelDBm0: Double) -> Double {
        fullScalePeak * DSPMath.amplitudeRatio(dB: levelDBm0 - fullScaleSineDBm0)
    }

    /// Level in dBm0 of a signal with the given mean power (sample units squared); -inf for silence.
    public static func level(meanPower: Double) -> Double {
        guard meanPower > 0 else { return -.infinity }
        return DSPMath.decibels(powerRatio: meanPower / zeroDBm0Power)
    }

    /// Mean power (sample units squared) of a signal at `levelDBm0`.
    public static func meanPower(levelDBm0: Double) -> Double {
        zeroDBm0Power * DSPMath.powerRatio(dB: levelDBm0)
    }
}
