import Glibc

/// Runs a syscall, retrying on EINTR; returns the result or `-errno` style failure via `Result`.
@inline(__always)
func retryingEINTR<T: BinaryInteger>(_ call: () -> T) -> (value: T, errno: Int32) {
    while true {
        let r = call()
        if r >= 0 { return (r, 0) }
        let err = errno
        if err != EINTR { return (r, err) }
    }
}

/// Waits for `events` on `fd`; returns false on timeout. A nil timeout waits forever.
func pollFD(_ fd: Int32, events: Int16, timeout: Double?) -> (ready: Bool, errno: Int32) {
    let deadline = timeout.map { monotonicNow() + $0 }
    while true {
        var ms: Int32 = -1
        if let deadline {
            let left = deadline - monotonicNow()
            if left <= 0 { return (false, 0) }
            ms = Int32(min(left * 1000, Double(Int32.max)).rounded(.up))
        }
        var p = pollfd(fd: fd, events: events, revents: 0)
        let rc = poll(&p, 1, ms)
        if rc > 0 { return (true, 0) }
        if rc == 0 { continue }  // re-check the deadline: poll may return early
        let err = errno
        if err != EINTR { return (false, err) }
    }
}

func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func setOption<T: BitwiseCopyable>(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: T) -> Int32 {
    var v = value
    return setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<T>.size)) == 0 ? 0 : errno
}

func timeval(seconds: Double) -> timeval {
    let whole = Int(seconds)
    return Glibc.timeval(tv_sec: whole, tv_usec: Int(((seconds - Double(whole)) * 1e6).rounded()))
}
