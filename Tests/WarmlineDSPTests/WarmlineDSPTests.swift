import Testing
@testable import WarmlineDSP
