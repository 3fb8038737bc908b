import Glibc
import SigilCrypto

/// Key files on disk: created 0600 with O_EXCL, refused when group or others can read them.
public enum KeyFile {
    /// Writes `key` as base64 plus a newline to a new file; fails if `path` exists.
    public static func write(_ key: WireGuardKey, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            let e = errno
            if e == EEXIST { throw WireGuardError.keyFile(path, "already exists; refusing to overwrite a key") }
            throw WireGuardError.keyFile(path, "cannot create: \(String(cString: strerror(e)))")
        }
        defer { close(fd) }
        // O_CREAT honours the umask; fchmod makes 0600 independent of it.
        guard fchmod(fd, 0o600) == 0 else { throw WireGuardError.keyFile(path, "chmod 600 failed") }
        var text = Array((key.base64 + "\n").utf8)
        defer { wipe(&text) }
        var done = 0
        while done < text.count {
            let n = text[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let e = errno
                unlink(path)
                throw WireGuardError.keyFile(path, "write failed: \(String(cString: strerror(e)))")
            }
            done += n
        }
        guard fsync(fd) == 0 else { throw WireGuardError.keyFile(path, "fsync failed") }
    }

    /// Reads a file that holds a secret, refusing it when its mode lets group or others read it.
    static func readSecret(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WireGuardError.keyFile(path, "cannot open: \(String(cString: strerror(errno))); check the path") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw WireGuardError.keyFile(path, "cannot stat") }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw WireGuardError.keyFile(path, "is not a regular file (a directory?); give the path of the file itself")
        }
        // Write access for others matters as much as read: whoever can write the file chooses the key.
        guard st.st_mode & 0o077 == 0 else { throw WireGuardError.insecureKeyFile(path, mode: st.st_mode) }
        guard st.st_size <= 1 << 20 else { throw WireGuardError.keyFile(path, "larger than 1 MiB; not a key file") }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        defer { wipe(&chunk) }
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { wipe(&out); throw WireGuardError.keyFile(path, "read failed") }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Reads a private key file (`wg genkey` output: 44 base64 characters, optional trailing whitespace).
    public static func readPrivateKey(_ path: String) throws -> WireGuardKey {
        var bytes = try readSecret(path)
        defer { wipe(&bytes) }
        return try parseKeyText(bytes, what: "private key in \(path)", secret: true)
    }

    /// `wg pubkey`'s input rule: exactly 44 characters, then only whitespace or NUL.
    public static func parseKeyText(_ bytes: [UInt8], what: String, secret: Bool) throws -> WireGuardKey {
        let head = Array(bytes.prefix(44))
        let rest = bytes.dropFirst(44)
        let blank: Set<UInt8> = [0, 9, 10, 11, 12, 13, 32]
        var end = bytes.count
        while end > 0, blank.contains(bytes[end - 1]) { end -= 1 }
        // Counted without the trailing newline, so a 43-character key is reported as 43, not 44.
        guard end == 44, head.count == 44, rest.allSatisfy({ blank.contains($0) }) else {
            let kind = secret ? "`wg genkey` or `wg genpsk`" : "`wg pubkey`"
            throw WireGuardError.invalidKey(what, "expected the 44 base64 characters \(kind) prints, found \(end) "
                + "characters (not counting trailing whitespace)")
        }
        return try WireGuardKey(base64: String(decoding: head, as: UTF8.self), what: what, secret: secret)
    }
}
