import Glibc
import Synchronization

/// A connected stream socket (TCP or Unix) that owns its file descriptor. Blocking I/O, EINTR retried.
public final class Socket: ByteStream {
    private let fd: Mutex<Int32>
    /// The remote address as text, e.g. `127.0.0.1:26658` or `unix:///run/sigil.sock`.
    public let peerDescription: String

    init(fd: Int32, peer: String) {
        self.fd = Mutex(fd)
        peerDescription = peer
    }

    deinit { close() }

    /// Connects over TCP to `host:port`, trying each resolved address within `timeout` seconds.
    /// `bindAddress` fixes the source address; `bindDevice` sets SO_BINDTODEVICE (e.g. a WireGuard interface).
    public static func connect(host: String, port: UInt16, timeout: Double, bindAddress: IPAddress? = nil,
                               bindDevice: String? = nil) throws -> Socket {
        let target = Address.format(host: host, port: port)
        var lastError = SocketError.connectFailed(target, errno: ECONNREFUSED)
        for address in try SocketAddress.resolve(host: host, port: port) {
            do {
                return try connect(to: address, timeout: timeout, bindAddress: bindAddress, bindDevice: bindDevice)
            } catch let error as SocketError {
                lastError = error
            }
        }
        throw lastError
    }

    /// Connects to a Unix domain stream socket.
    public static func connect(unixPath: String) throws -> Socket {
        let address = try SocketAddress.unix(path: unixPath)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.connectFailed(address.description, errno: errno) }
        let rc = retryingEINTR { address.withSockaddr { Glibc.connect(fd, $0, $1) } }
        guard rc.value == 0 else {
            Glibc.close(fd)
            throw SocketError.connectFailed(address.description, errno: rc.errno)
        }
        return Socket(fd: fd, peer: address.description)
    }

    private static func connect(to address: SocketAddress, timeout: Double, bindAddress: IPAddress?,
                                bindDevice: String?) throws -> Socket {
        let name = address.description
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.connectFailed(name, errno: errno) }
        var ok = false
        defer { if !ok { Glibc.close(fd) } }
        if let bindDevice {
            let err = Array(bindDevice.utf8).withUnsafeBytes { dev in
                setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev.baseAddress, socklen_t(dev.count)) == 0 ? 0 : errno
            }
            guard err == 0 else {
                throw SocketError.failed(.optionFailed, "binding to device `\(bindDevice)' for", name, errno: err)
            }
        }
        if let bindAddress {
            let local = SocketAddress(bindAddress, port: 0)
            guard local.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
                throw SocketError.bindFailed("\(bindAddress) (source address for \(name))", errno: errno)
            }
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        let rc = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if rc != 0 {
            let err = errno
            guard err == EINPROGRESS || err == EINTR else { throw SocketError.connectFailed(name, errno: err) }
            let waited = pollFD(fd, events: Int16(POLLOUT), timeout: timeout)
            guard waited.ready else {
                if waited.errno != 0 { throw SocketError.connectFailed(name, errno: waited.errno) }
                throw SocketError.timedOut("connecting to \(name) after \(timeout)s")
            }
            var soError: Int32 = 0
            var len = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &len)
            guard soError == 0 else { throw SocketError.connectFailed(name, errno: soError) }
        }
        _ = fcntl(fd, F_SETFL, flags)
        _ = setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, Int32(1))
        ok = true
        return Socket(fd: fd, peer: name)
    }

    /// Sets SO_RCVTIMEO / SO_SNDTIMEO; nil means block forever. A timed-out read or write throws `.timedOut`.
    public func setTimeouts(read: Double?, write: Double?) {
        fd.withLock { fd in
            guard fd >= 0 else { return }
            _ = setOption(fd, SOL_SOCKET, SO_RCVTIMEO, timeval(seconds: read ?? 0))
            _ = setOption(fd, SOL_SOCKET, SO_SNDTIMEO, timeval(seconds: write ?? 0))
        }
    }

    public func read(maxLength: Int) throws -> [UInt8] {
        precondition(maxLength > 0, "read(maxLength:) needs room for at least one byte")
        let fd = try currentFD()
        // Received straight into the array: no zero fill of maxLength bytes and no copy of what arrived.
        var rc: (value: Int, errno: Int32) = (0, 0)
        let bytes = [UInt8](unsafeUninitializedCapacity: maxLength) { buffer, count in
            rc = retryingEINTR { recv(fd, buffer.baseAddress, maxLength, 0) }
            count = max(rc.value, 0)
        }
        if rc.value > 0 { return bytes }
        if rc.value == 0 { throw SocketError.closed(peerDescription) }
        throw ioError(rc.errno, reading: true)
    }

    public func write(_ bytes: [UInt8]) throws {
        let fd = try currentFD()
        var offset = 0
        while offset < bytes.count {
            let rc = retryingEINTR {
                bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            }
            guard rc.value > 0 else { throw ioError(rc.errno, reading: false) }
            offset += rc.value
        }
    }

    /// Shuts the socket down (waking a blocked reader) and closes the descriptor.
    public func close() {
        fd.withLock { fd in
            guard fd >= 0 else { return }
            shutdown(fd, Int32(SHUT_RDWR))
            Glibc.close(fd)
            fd = -1
        }
    }

    private func currentFD() throws -> Int32 {
        let fd = fd.withLock { $0 }
        guard fd >= 0 else { throw SocketError.closed(peerDescription) }
        return fd
    }

    private func ioError(_ err: Int32, reading: Bool) -> SocketError {
        switch err {
        case EAGAIN, EWOULDBLOCK: return .timedOut("\(reading ? "reading from" : "writing to") \(peerDescription)")
        case EPIPE, ECONNRESET, EBADF, ENOTCONN: return .closed(peerDescription)
        default: return .failed(reading ? .readFailed : .writeFailed, reading ? "read from" : "write to",
                                peerDescription, errno: err)
        }
    }
}
