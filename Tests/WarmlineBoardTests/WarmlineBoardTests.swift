import Testing
@testable import WarmlineBoard
