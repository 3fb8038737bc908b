import Dispatch
import Synchronization

/// Runs `body` on Swift's concurrency pool and waits for it on the calling thread. Only for Sigil's own
/// threads (the signer's connection threads, a command's main thread): never call it from async code, where
/// it would hold a cooperative-pool thread.
///
/// Gives up after `limit` even if `body` does not honour its own deadline, and cancels it.
func blocking<T: Sendable>(
    on executor: QueueExecutor, limit: Duration, _ body: @escaping @Sendable () async throws -> T
) -> Result<T, any Error>? {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let task = Task(executorPreference: executor) {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        box.value.withLock { $0 = result }
        done.signal()
    }
    let (seconds, attoseconds) = limit.components
    let nanos = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
    if done.wait(timeout: .now() + .nanoseconds(nanos)) == .timedOut {
        task.cancel()
        return nil
    }
    return box.value.withLock { $0 }
}

private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
}
