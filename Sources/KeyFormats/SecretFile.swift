import Glibc
import SigilCrypto

/// Reading and creating secret files with the permissions TMKMS and WireGuard insist on.
public enum SecretFile {
    /// The file's bytes, after checking that it is a regular file no one but the owner can access.
    /// The caller owns the returned bytes and should `wipe` them when done.
    public static func readChecked(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT { throw KeyFormatError.missingFile(path) }
            if e == ELOOP { throw KeyFormatError.unreadable(path, "it is a symbolic link; point to the file itself") }
            throw KeyFormatError.unreadable(path, errnoText(e))
        }
        defer { close(fd) }
        // fstat on the open descriptor, so the mode checked is the mode of the file read.
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw KeyFormatError.unreadable(path, errnoText(errno)) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw KeyFormatError.notRegularFile(path) }
        guard st.st_mode & 0o077 == 0 else { throw KeyFormatError.insecurePermissions(path, mode: st.st_mode) }

        var out: [UInt8] = []
        out.reserveCapacity(Int(st.st_size) + 1)
        var chunk = [UInt8](repeating: 0, count: 4096)
        defer { wipe(&chunk) }
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                wipe(&out)
                throw KeyFormatError.unreadable(path, errnoText(e))
            }
            if n == 0 { return out }
            out += chunk[0..<n]
            if out.count > maxSize {
                wipe(&out)
                throw KeyFormatError.unreadable(path, "larger than \(maxSize) bytes; not a key file")
            }
        }
    }

    /// Key files are tiny; anything larger is a wrong path, not a key.
    static let maxSize = 64 * 1024

    /// Creates `path` with mode 0600, refusing to replace an existing file (O_EXCL), and fsyncs the file
    /// and its directory. On a failed write the partial file is removed.
    public static func createExclusive(path: String, contents: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            let e = errno
            if e == EEXIST { throw KeyFormatError.alreadyExists(path) }
            throw KeyFormatError.writeFailed(path, errnoText(e))
        }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(path) }
        }
        var written = 0
        while written < contents.count {
            let n = contents.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw KeyFormatError.writeFailed(path, errnoText(errno))
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw KeyFormatError.writeFailed(path, "fsync: \(errnoText(errno))") }
        ok = true
        syncDirectory(of: path)
    }

    /// Makes the new directory entry durable; best effort, since the file itself is already synced.
    private static func syncDirectory(of path: String) {
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dfd >= 0 else { return }
        _ = fsync(dfd)
        close(dfd)
    }
}

func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
