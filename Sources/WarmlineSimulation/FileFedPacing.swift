import WarmlineUnit

/// The pacing of a caller fed from a file (the demo, the end-to-end tests): as fast as the CPU allows, waiting for the
/// keyword spotter each period so speech is decided at the same frames every run; real time while the call waits on
/// the board or the network (wall-clock parties) and once the scripted caller is over; the caller hung up half a second
/// after the script ends.
public struct FileFedPacing: CallPacing {
    /// Frames of caller audio in the script.
    public let callerFrames: Int64
    /// Frames per second of the line.
    public let rate: Int
    /// Called once when the script is over (the demo hangs the caller up on the emulator).
    public let onCallerAudioEnd: (@Sendable () -> Void)?
    /// Real time throughout, as a live caller would be: many lines at once on two cores without a loop running flat out.
    public let alwaysRealTime: Bool
    private var callerAudioEnded = false
    private var hold: RealTimeHold

    /// Pacing for a script of `callerFrames` at `rate` frames per second.
    /// With `alwaysRealTime` the call keeps real time all through.
    public init(callerFrames: Int64, rate: Int = 8000, alwaysRealTime: Bool = false, onCallerAudioEnd: (@Sendable () -> Void)? = nil) {
        self.callerFrames = callerFrames
        self.rate = max(1, rate)
        self.alwaysRealTime = alwaysRealTime
        self.onCallerAudioEnd = onCallerAudioEnd
        hold = RealTimeHold(rate: rate)
    }

    /// A file-fed call waits for the spotter each period.
    public var waitsForSpeech: Bool { true }
    /// A file-fed call may wait on the spotter by design: no slow-period reports.
    public var reportsSlowPeriods: Bool { false }

    /// Ends the script half a second after its last frame, then holds real time while the call waits on the world.
    public mutating func periodEnded(atFrame frame: Int, waitsOnBoard: Bool) -> String? {
        var note: String?
        if !callerAudioEnded, Int64(frame) >= callerFrames + Int64(rate / 2) {
            callerAudioEnded = true
            note = "caller's script is over"
            onCallerAudioEnd?()
        }
        hold.step(frame: frame, realTime: alwaysRealTime || waitsOnBoard || callerAudioEnded)
        return note
    }

    /// True once the script is over.
    public var isCallerAudioOver: Bool { callerAudioEnded }
}
