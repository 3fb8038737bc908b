import Glibc
import Synchronization

/// A listening TCP or Unix stream socket.
public final class Listener: Sendable {
    private let fd: Mutex<Int32>
    private let unixPath: String?
    /// The bound address as text, e.g. `127.0.0.1:40123`.
    public let localDescription: String
    /// The bound TCP port (the kernel's choice when asked for port 0); 0 for Unix sockets.
    public let port: UInt16

    private init(fd: Int32, local: SocketAddress, unixPath: String?) {
        self.fd = Mutex(fd)
        self.unixPath = unixPath
        localDescription = local.description
        port = local.port
    }

    deinit { close() }

    /// Listens on `host:port` with SO_REUSEADDR; port 0 picks an ephemeral port.
    public static func tcp(host: String, port: UInt16) throws -> Listener {
        let address = try SocketAddress.resolve(host: host, port: port, passive: true)[0]
        let fd = try listening(address)
        var bound = SocketAddress()
        bound.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutableBytes(of: &bound.storage) { raw in
            getsockname(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &bound.length)
        }
        return Listener(fd: fd, local: bound, unixPath: nil)
    }

    /// Listens on a Unix socket path, replacing a stale socket file left at that path.
    public static func unix(path: String) throws -> Listener {
        let address = try SocketAddress.unix(path: path)
        var st = stat()
        if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFSOCK { unlink(path) }
        return Listener(fd: try listening(address), local: address, unixPath: path)
    }

    private static func listening(_ address: SocketAddress) throws -> Int32 {
        let name = address.description
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.bindFailed(name, errno: errno) }
        if address.family != AF_UNIX { _ = setOption(fd, SOL_SOCKET, SO_REUSEADDR, Int32(1)) }
        guard address.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
            let err = errno
            Glibc.close(fd)
            throw SocketError.bindFailed(name, errno: err)
        }
        guard Glibc.listen(fd, 64) == 0 else {
            let err = errno
            Glibc.close(fd)
            throw SocketError.failed(.listenFailed, "listen on", name, errno: err)
        }
        return fd
    }

    /// Waits up to `timeout` seconds (nil: forever) for a connection. Throws `.timedOut` or `.closed`.
    public func accept(timeout: Double?) throws -> Socket {
        let fd = fd.withLock { $0 }
        guard fd >= 0 else { throw SocketError.closed(localDescription) }
        let waited = pollFD(fd, events: Int16(POLLIN), timeout: timeout)
        guard waited.ready else {
            if waited.errno != 0 { throw SocketError.failed(.acceptFailed, "accept on", localDescription,
                                                            errno: waited.errno) }
            throw SocketError.timedOut("waiting for a connection on \(localDescription)")
        }
        var peer = SocketAddress()
        peer.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = retryingEINTR {
            withUnsafeMutableBytes(of: &peer.storage) { raw in
                Glibc.accept(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &peer.length)
            }
        }
        guard rc.value >= 0 else {
            if rc.errno == EBADF || rc.errno == EINVAL { throw SocketError.closed(localDescription) }
            throw SocketError.failed(.acceptFailed, "accept on", localDescription, errno: rc.errno)
        }
        _ = fcntl(rc.value, F_SETFD, FD_CLOEXEC)
        if peer.family != AF_UNIX { _ = setOption(rc.value, Int32(IPPROTO_TCP), TCP_NODELAY, Int32(1)) }
        let name = peer.family == AF_UNIX ? "unix://\(unixPath ?? "")" : peer.description
        return Socket(fd: rc.value, peer: name)
    }

    /// Stops listening (waking a blocked `accept`) and removes the Unix socket file.
    public func close() {
        fd.withLock { fd in
            guard fd >= 0 else { return }
            shutdown(fd, Int32(SHUT_RDWR))
            Glibc.close(fd)
            fd = -1
            if let unixPath { unlink(unixPath) }
        }
    }
}
