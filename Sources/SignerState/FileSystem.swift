import Glibc
/// The few file-system calls the state file needs, behind a protocol so a test can make any one of them fail.
protocol StateFileSystem: Sendable {
    /// The whole file, or nil when it does not exist; a file longer than `limit` bytes fails with EFBIG.
    func read(_ path: String, limit: Int) throws(SystemCallError) -> [UInt8]?
    func isDirectory(_ path: String) -> Bool
    func createExclusive(_ path: String, mode: mode_t) throws(SystemCallError) -> Int32
    func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemCallError)
    func fsync(_ fd: Int32, path: String) throws(SystemCallError)
    func close(_ fd: Int32)
    func rename(_ from: String, _ to: String) throws(SystemCallError)
    func openDirectory(_ path: String) throws(SystemCallError) -> Int32
    func unlink(_ path: String)
    func openReadWrite(_ path: String) throws(SystemCallError) -> Int32
    /// Writes all of `bytes` at `offset` (the journal's slots).
    func pwrite(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(SystemCallError)
    func fdatasync(_ fd: Int32, path: String) throws(SystemCallError)
    /// Whether `path` still names the open file `fd` (not deleted, moved or replaced); throws when `path` is gone.
    func stillNames(_ path: String, _ fd: Int32) throws(SystemCallError) -> Bool
    /// The same calls, syncing even under `UnsafeTestSwitch` (the journal's one-time creation).
    func syncingAlways() -> any StateFileSystem
}

extension StateFileSystem {
    func syncingAlways() -> any StateFileSystem { self }
}

/// The real thing: plain POSIX calls, retried on EINTR.
struct SystemFileSystem: StateFileSystem {
    var skipsSync = UnsafeTestSwitch.skipFsync

    func syncingAlways() -> any StateFileSystem { SystemFileSystem(skipsSync: false) }

    func read(_ path: String, limit: Int) throws(SystemCallError) -> [UInt8]? {
        let fd = retrying { open(path, O_RDONLY | O_CLOEXEC) }
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw SystemCallError(call: "open", path: path, errno: errno)
        }
        defer { _ = Glibc.close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { buf in retrying { Glibc.read(fd, buf.baseAddress, buf.count) } }
            if n < 0 { throw SystemCallError(call: "read", path: path, errno: errno) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
            // Guards against a state_file pointed at a device or a huge file.
            if out.count > limit { throw SystemCallError(call: "read", path: path, errno: EFBIG) }
        }
    }

    func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    func createExclusive(_ path: String, mode: mode_t) throws(SystemCallError) -> Int32 {
        let fd = retrying { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
        if fd < 0 { throw SystemCallError(call: "open", path: path, errno: errno) }
        return fd
    }

    func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                retrying { Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset) }
            }
            if n < 0 { throw SystemCallError(call: "write", path: path, errno: errno) }
            offset += n
        }
    }

    func fsync(_ fd: Int32, path: String) throws(SystemCallError) {
        if skipsSync { return }
        if retrying({ Glibc.fsync(fd) }) != 0 { throw SystemCallError(call: "fsync", path: path, errno: errno) }
    }

    func close(_ fd: Int32) { _ = Glibc.close(fd) }

    func rename(_ from: String, _ to: String) throws(SystemCallError) {
        if Glibc.rename(from, to) != 0 { throw SystemCallError(call: "rename", path: "\(from), \(to)", errno: errno) }
    }

    func openDirectory(_ path: String) throws(SystemCallError) -> Int32 {
        let fd = retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        if fd < 0 { throw SystemCallError(call: "open", path: path, errno: errno) }
        return fd
    }

    func unlink(_ path: String) { _ = Glibc.unlink(path) }

    func openReadWrite(_ path: String) throws(SystemCallError) -> Int32 {
        let fd = retrying { open(path, O_RDWR | O_CLOEXEC) }
        if fd < 0 { throw SystemCallError(call: "open", path: path, errno: errno) }
        return fd
    }

    func pwrite(_ fd: Int32, _ bytes: [UInt8], offset: Int, path: String) throws(SystemCallError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                retrying { Glibc.pwrite(fd, buf.baseAddress! + done, buf.count - done, off_t(offset + done)) }
            }
            if n < 0 { throw SystemCallError(call: "pwrite", path: path, errno: errno) }
            done += n
        }
    }

    func fdatasync(_ fd: Int32, path: String) throws(SystemCallError) {
        if skipsSync { return }
        if retrying({ Glibc.fdatasync(fd) }) != 0 { throw SystemCallError(call: "fdatasync", path: path, errno: errno) }
    }

    func stillNames(_ path: String, _ fd: Int32) throws(SystemCallError) -> Bool {
        var open = stat(), named = stat()
        if fstat(fd, &open) != 0 { throw SystemCallError(call: "fstat", path: path, errno: errno) }
        if stat(path, &named) != 0 { throw SystemCallError(call: "stat", path: path, errno: errno) }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }
}

@inline(__always)
func retrying<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let r = call()
        if r >= 0 || errno != EINTR { return r }
    }
}

/// `SIGIL_TEST_UNSAFE_SKIP_FSYNC=1` makes every state write skip its syncs (the journal record's fdatasync, the
/// state file's two fsync calls), so the power-cut campaign can show it catches a state write that is not durable
/// (Docs/reliability.md). The journal's one-time creation still syncs: a journal whose zeros were lost reads as
/// damaged and stops the signer, which would end the campaign instead of showing the lost records. Test only: it is read
/// from the environment alone, never from a config file, and the signer warns loudly at start when it is set.
enum UnsafeTestSwitch {
    static let variable = "SIGIL_TEST_UNSAFE_SKIP_FSYNC"
    static let skipFsync = getenv(variable).map { String(cString: $0) == "1" } ?? false
}
