import Testing
@testable import WarmlineAudio
