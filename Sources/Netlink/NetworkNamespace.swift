import Foundation
import Glibc

/// Runs code inside another network namespace without touching the rest of the process.
///
/// `setns(CLONE_NEWNET)` changes only the calling thread, so the body runs on a dedicated thread that
/// enters the namespace and then ends; netlink sockets opened there belong to that namespace.
public enum NetworkNamespace {
    /// `path` is a namespace file such as `/var/run/netns/NAME` (from `ip netns add NAME`) or `/proc/PID/ns/net`.
    public static func run<T: Sendable>(path: String, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                box.result = .failure(NetlinkError.socket("open namespace \(path)", errno: errno))
                return
            }
            defer { close(fd) }
            guard callSetns(fd, cloneNewNet) == 0 else {
                box.result = .failure(NetlinkError.socket("setns \(path)", errno: errno))
                return
            }
            box.result = Result { try body() }
        }
        thread.start()
        done.wait()
        return try box.result!.get()
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

// glibc declares setns only under _GNU_SOURCE, which the system-library module map does not set, so the
// symbol is looked up at run time and called through a C function pointer.
private typealias SetnsFunction = @convention(c) (Int32, Int32) -> Int32
private let cloneNewNet: Int32 = 0x4000_0000  // CLONE_NEWNET

private func callSetns(_ fd: Int32, _ nstype: Int32) -> Int32 {
    guard let symbol = dlsym(nil, "setns") else {  // RTLD_DEFAULT
        errno = ENOSYS
        return -1
    }
    return unsafeBitCast(symbol, to: SetnsFunction.self)(fd, nstype)
}
