import Testing
@testable import WarmlineCore
