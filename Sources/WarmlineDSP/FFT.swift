/// In-place radix-2 complex FFT of a fixed power-of-two size, with precomputed twiddles.
struct FFT: Sendable {
    let size: Int
    private let cosTable: ContiguousArray<Float>
    private let sinTable: ContiguousArray<Float>
    private let bitReversed: ContiguousArray<Int>

    init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two, got \(size)")
        self.size = size
        var c = ContiguousArray<Float>(), s = ContiguousArray<Float>()
        for k in 0..<(size / 2) {
            let angle = -2 * DSPMath.pi * Double(k) / Double(size)
            c.append(Float(DSPMath.cos(angle)))
            s.append(Float(DSPMath.sin(angle)))
        }
        cosTable = c
        sinTable = s
        let bits = size.trailingZeroBitCount
        bitReversed = ContiguousArray((0..<size).map { i in
            var r = 0
            for b in 0..<bits where i & (1 << b) != 0 { r |= 1 << (bits - 1 - b) }
            return r
        })
    }

    /// Transforms `re`/`im` (each `size` long) in place.
    func transform(re: inout ContiguousArray<Float>, im: inout ContiguousArray<Float>) {
        for i in 0..<size {
            let j = bitReversed[i]
            if j > i { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var half = 1
        while half < size {
            let step = size / (half * 2)
            var start = 0
            while start < size {
                for k in 0..<half {
                    let wr = cosTable[k * step], wi = sinTable[k * step]
                    let a = start + k, b = a + half
                    let tr = re[b] * wr - im[b] * wi
                    let ti = re[b] * wi + im[b] * wr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                }
                start += half * 2
            }
            half *= 2
        }
    }
}
