/// Time-scale modification by waveform-similarity overlap-add (WSOLA): the same words at another speed, pitch and
/// spectrum kept. Each output frame is the input frame near its nominal place whose start best continues the previous
/// frame's natural continuation (largest cross-correlation within `search` samples), Hann-windowed and overlap-added at
/// half a frame's hop.
public struct TempoStretch: Sendable, Equatable {
    /// Output duration over input duration (1.1: ten per cent slower).
    public var stretch: Double
    /// Frame length in samples (a few pitch periods: 40 ms).
    public var frame: Int
    /// How far either side of its nominal place a frame may be taken from, in samples.
    public var search: Int

    /// A stretch of `stretch` with frames of `frame` samples and a search of `search` samples either side.
    public init(stretch: Double, frame: Int = 320, search: Int = 80) {
        self.stretch = stretch
        self.frame = max(8, frame & ~1)
        self.search = max(0, search)
    }

    /// `samples` at the new tempo (about `stretch` times as many); input shorter than two frames comes back unchanged.
    public func apply(_ samples: [Int16]) -> [Int16] {
        guard stretch > 0, stretch.isFinite, samples.count >= 2 * frame + search else { return samples }
        let input = samples.map(Double.init)
        let hop = frame / 2
        let inputHop = Double(hop) / stretch
        let window: [Double] = (0..<frame).map { (index: Int) -> Double in 0.5 - 0.5 * DSPMath.cos(2 * DSPMath.pi * Double(index) / Double(frame)) }
        let capacity = Int(Double(input.count) * stretch) + 2 * frame
        var output = [Double](repeating: 0, count: capacity)
        var weight = [Double](repeating: 0, count: capacity)
        var written = 0
        var nominal = 0.0
        var previousStart: Int?
        while true {
            let centre = Int(nominal.rounded())
            guard centre + frame <= input.count, written + frame <= capacity else { break }
            var start = centre
            if let previousStart {
                // the natural continuation of the frame just laid down, and the candidate that correlates best with it
                let follow = previousStart + hop
                guard follow + frame <= input.count else { break }
                let low = max(0, centre - search)
                let high = min(input.count - frame, centre + search)
                var best = -Double.infinity
                for candidate in low...max(low, high) {
                    var sum = 0.0
                    for k in 0..<frame { sum += input[candidate + k] * input[follow + k] }
                    if sum > best { best = sum; start = candidate }
                }
            }
            for k in 0..<frame {
                output[written + k] += input[start + k] * window[k]
                weight[written + k] += window[k]
            }
            previousStart = start
            written += hop
            nominal += inputHop
        }
        let length = written + hop
        return (0..<min(length, capacity)).map { index in
            let value = weight[index] > 1e-3 ? output[index] / weight[index] : output[index]
            return Int16(max(-32768, min(32767, value.rounded())))
        }
    }
}
