import Testing
@testable import WarmlineDSP

@Suite("DSP math")
struct DSPMathTests {
    @Test("sin, cos, log10 and pow10 agree with known values")
    func knownValues() {
        #expect(abs(DSPMath.sin(DSPMath.pi / 6) - 0.5) < 1e-14)
        #expect(abs(DSPMath.cos(DSPMath.pi / 3) - 0.5) < 1e-14)
        #expect(abs(DSPMath.sin(1000.25) - (0.940_308_668_156_069_2)) < 1e-9)
        #expect(abs(DSPMath.log10(2) - 0.301_029_995_663_981_2) < 1e-14)
        #expect(abs(DSPMath.pow10(-3.17 / 20) - 0.694_224_601_714_119_1) < 1e-12)
        #expect(DSPMath.log(0) == -.infinity)
        #expect(DSPMath.log(-1).isNaN)
    }

    @Test("the fast atan2 stays within 1e-4 rad around the circle, and is 0 at the origin")
    func atan2() {
        for k in 0..<360 {
            let angle = -Double.pi + Double(k) * 2 * Double.pi / 360
            let y = Float(DSPMath.sin(angle)), x = Float(DSPMath.cos(angle))
            var error = Double(DSPMath.atan2(y, x)) - angle
            if error > Double.pi { error -= 2 * Double.pi }
            if error < -Double.pi { error += 2 * Double.pi }
            #expect(abs(error) < 1e-4, "angle \(angle)")
        }
        #expect(DSPMath.atan2(0, 0) == 0)
    }
}
