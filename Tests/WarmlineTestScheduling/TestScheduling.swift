import Dispatch
import Foundation
import Synchronization
import Testing

// Swift's global executor on Linux runs on libdispatch's root-queue pools (two runnable threads each on this 2-core
// machine). A synchronous test holds its pool thread for as long as it runs: a child process awaited, a sleep, seconds
// of DSP. On the default pool that starved every asynchronous test and, worse, the tasks the unit under test starts
// from its own threads (a line's SET_BYPASS, a whisper, the board link's events: detached tasks at the default
// priority), so the end-to-end lanes, the run's critical path, stood still for a minute or more. A lower priority is
// no way out: the test task awaiting its body escalates the body back to its own priority, and so to its pool. These
// traits move each kind of test elsewhere; the tests and their assertions are unchanged.

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

/// Runs each test of a suite (or one test) on `BlockingTestThreads`, threads of its own outside libdispatch's pools.
public struct DedicatedThreadsTrait: SuiteTrait, TestTrait, TestScoping {
    /// Applies to every test in the suite and its sub-suites.
    public var isRecursive: Bool { true }

    /// Scopes test cases only (a suite's own scope is not a test's).
    public func scopeProvider(for test: Test, testCase: Test.Case?) -> DedicatedThreadsTrait? { testCase == nil ? nil : self }

    /// Runs the test with `BlockingTestThreads.shared` as its task executor (its child tasks too) and waits for it.
    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        try await withTaskExecutorPreference(BlockingTestThreads.shared) { try await function() }
    }
}

/// A task executor of a few plain threads for tests that block: what they hold is theirs, not the process's pools.
public final class BlockingTestThreads: TaskExecutor {
    /// The run's one set of threads: four, so that the CPU-bound ones among these tests (speech models, DSP over minutes
    /// of audio) leave the cores to the end-to-end lanes, and niced for the same reason (the children they start inherit
    /// it); a test's structured child tasks run here too and find a thread while their parent blocks on them.
    public static let shared = BlockingTestThreads(threads: 4, nice: 5)

    private let jobs = Mutex<[UnownedJob]>([])
    private let queued = DispatchSemaphore(value: 0)

    /// Starts `threads` threads at `nice` (Linux's nice is per thread) that run the jobs enqueued here, first come first served.
    public init(threads: Int, nice: Int32 = 0) {
        for index in 0..<threads {
            let thread = Thread { [self] in
                // this thread's id, from /proc/thread-self ("PID/task/TID"): Swift's Glibc exports no gettid
                if let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
                   let tid = link.split(separator: "/").last.flatMap({ id_t($0) }) {
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, nice)
                }
                serve()
            }
            thread.name = "blocking-test-\(index)"
            thread.start()
        }
    }

    /// Queues a job for the next free thread.
    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        queued.signal()
    }

    private func serve() {
        while true {
            queued.wait()
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

extension Trait where Self == PoolTrait {
    /// The run's critical path (the end-to-end lanes): high priority, a pool no other test holds.
    public static var criticalPath: Self { PoolTrait(priority: .high) }
}

extension Trait where Self == DedicatedThreadsTrait {
    /// Tests that hold their thread (child processes waited for, sleeps, long CPU-bound loops): run on threads of their
    /// own, so the default pool stays free for asynchronous tests and the unit's own tasks.
    public static var holdsItsThread: Self { DedicatedThreadsTrait() }
}
