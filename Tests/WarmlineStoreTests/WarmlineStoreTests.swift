import Testing
@testable import WarmlineStore
