import Testing
@testable import WarmlineSpeech
