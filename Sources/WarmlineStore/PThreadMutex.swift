import Foundation

/// A pthread mutex: the event queue's lock, cheap enough for the audio path (no allocation, no Dispatch).
// @unchecked: wraps a pthread mutex, whose whole purpose is to be shared between threads; its storage never moves.
final class PThreadMutex: @unchecked Sendable {
    fileprivate let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
}

/// A pthread condition variable on the monotonic clock, used with a `PThreadMutex`.
// @unchecked: wraps a pthread condition variable, shared between threads by design and used with its mutex held.
final class PThreadCondition: @unchecked Sendable {
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    /// Waits (the mutex held) until signalled.
    func wait(_ mutex: PThreadMutex) {
        pthread_cond_wait(condition, mutex.mutex)
    }

    /// Waits (the mutex held) until signalled or `timeoutNs` passes; false on timeout.
    func wait(_ mutex: PThreadMutex, timeoutNs: UInt64) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let total = UInt64(deadline.tv_nsec) + timeoutNs
        deadline.tv_sec += Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        return pthread_cond_timedwait(condition, mutex.mutex, &deadline) == 0
    }

    func signal() { pthread_cond_signal(condition) }
    func broadcast() { pthread_cond_broadcast(condition) }
}
