import Foundation
import Glibc

/// An exclusive `flock` on `<state file>.lock`, held for the life of the process, so two signers can never
/// sign for one chain from the same state. The kernel drops the lock when the process dies, so a crash leaves
/// nothing stale behind.
final class StateLock: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(statePath: String) throws(StateError) {
        let path = statePath + ".lock"
        self.path = path
        let fd = retrying { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600) }
        guard fd >= 0 else {
            let cause = SystemCallError(call: "open", path: path, errno: errno)
            throw StateError(code: .locked, reason: "cannot open state lock \(path): \(cause.message)")
        }
        if retrying({ flock(fd, LOCK_EX | LOCK_NB) }) != 0 {
            if errno != EWOULDBLOCK {
                // Not another signer: the lock itself failed (ENOLCK, EIO), so say that, not "held by".
                let cause = SystemCallError(call: "flock", path: path, errno: errno)
                _ = close(fd)
                throw StateError(code: .locked, reason: "cannot lock state lock \(path): \(cause.message)")
            }
            let holder = StateLock.holder(fd)
            _ = close(fd)
            throw StateError.locked(path, holder: holder)
        }
        self.fd = fd
        // The pid is only for the message a second signer prints; the lock itself is the flock.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { _ = close(fd) }

    /// Whether some process holds the lock of `statePath` right now, and its pid when known; creates nothing.
    static func probe(statePath: String) -> (held: Bool, holder: String?) {
        let fd = retrying { open(statePath + ".lock", O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return (false, nil) }
        defer { _ = close(fd) }
        guard retrying({ flock(fd, LOCK_EX | LOCK_NB) }) != 0 else { return (false, nil) }
        return (true, holder(fd))
    }

    private static func holder(_ fd: Int32) -> String? {
        var buf = [UInt8](repeating: 0, count: 32)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        let text = String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text) != nil ? text : nil
    }
}
