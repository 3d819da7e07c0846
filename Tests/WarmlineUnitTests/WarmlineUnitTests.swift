import Testing
@testable import WarmlineUnit
