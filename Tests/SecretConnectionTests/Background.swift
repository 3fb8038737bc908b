import Foundation

/// Runs a closure on its own thread; `value()` waits for it with a deadline and rethrows its error.
final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, any Error>?

    init(_ body: @escaping @Sendable () throws -> T) {
        let thread = Thread { [self] in
            result = Result { try body() }
            done.signal()
        }
        thread.start()
    }

    struct TimedOut: Error {}

    func value(timeout: Double = 30) throws -> T {
        guard done.wait(timeout: .now() + timeout) == .success else { throw TimedOut() }
        return try result!.get()
    }
}
