import Testing

// Swift's global executor on Linux keeps one pool of threads per task priority (two threads each on this 2-core
// machine). A synchronous test holds its pool thread for as long as it runs: a child process awaited, a sleep, seconds
// of DSP. At the default priority that starved every asynchronous test and, worse, the tasks the unit under test
// starts from its own threads (a line's SET_BYPASS, a whisper: detached tasks at the default priority), so the
// end-to-end lanes, the run's critical path, stood still for minutes. These traits put each kind on its own pool;
// the tests and their assertions are unchanged.

/// Runs each test of a suite (or one test) as a child task of `priority`, so it runs on that priority's pool.
public struct PoolTrait: SuiteTrait, TestTrait, TestScoping {
    /// The priority, and so the pool, the tests run on.
    public let priority: TaskPriority

    /// Applies to every test in the suite and its sub-suites.
    public var isRecursive: Bool { true }

    /// Scopes test cases only (a suite's own scope is not a test's).
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> PoolTrait? { testCase == nil ? nil : self }

    /// Runs the test as a child task of `priority` and waits for it.
    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        let priority = priority
        try await withoutActuallyEscaping(function) { body in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask(priority: priority) { try await body() }
                try await group.waitForAll()
            }
        }
    }
}

extension Trait where Self == PoolTrait {
    /// The run's critical path (the end-to-end lanes): high priority, a pool no other test holds.
    public static var criticalPath: Self { PoolTrait(priority: .high) }

    /// Tests that hold their thread (child processes waited for, sleeps, long CPU-bound loops): low priority, a pool
    /// of their own, so the default pool stays free for asynchronous tests and the unit's own tasks.
    public static var holdsItsThread: Self { PoolTrait(priority: .low) }
}
