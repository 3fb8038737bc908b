import Dispatch

/// Runs the client's async work (gRPC connections and calls) on a serial dispatch queue instead of Swift's
/// cooperative pool, so the calls still make progress when every pool thread is blocked by someone else's
/// synchronous wait (a test runner's sync tests, for one). Structured child tasks inherit the preference.
final class QueueExecutor: TaskExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
