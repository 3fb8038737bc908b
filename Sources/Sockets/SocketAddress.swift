import Glibc

/// A resolved socket address (IPv4, IPv6 or Unix), stored as `sockaddr_storage`.
struct SocketAddress: Sendable, CustomStringConvertible {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    var family: Int32 { Int32(storage.ss_family) }

    init() {}

    init(_ ip: IPAddress, port: UInt16) {
        switch ip {
        case .v4(let bytes):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin.sin_addr) { $0.copyBytes(from: bytes) }
            self.init(copying: &sin)
        case .v6(let bytes):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { $0.copyBytes(from: bytes) }
            self.init(copying: &sin6)
        }
    }

    init<T>(copying value: inout T) {
        length = socklen_t(MemoryLayout<T>.size)
        withUnsafeMutableBytes(of: &storage) { dst in
            withUnsafeBytes(of: &value) { dst.copyMemory(from: $0) }
        }
    }

    static func unix(path: String) throws -> SocketAddress {
        var sun = sockaddr_un()
        sun.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: sun.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw SocketError.invalidAddress(path, "a Unix socket path must be 1 to \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &sun.sun_path) { $0.copyBytes(from: bytes) }
        return SocketAddress(copying: &sun)
    }

    /// Numeric addresses for `host`, which may be an IP literal or a name.
    static func resolve(host: String, port: UInt16, passive: Bool = false) throws -> [SocketAddress] {
        if let ip = IPAddress(host) { return [SocketAddress(ip, port: port)] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw SocketError.resolveFailed(host, String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(first) }
        var out = [SocketAddress]()
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sa = info.pointee.ai_addr {
                var address = SocketAddress()
                address.length = info.pointee.ai_addrlen
                withUnsafeMutableBytes(of: &address.storage) { dst in
                    dst.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: Int(info.pointee.ai_addrlen)))
                }
                out.append(address)
            }
            cursor = info.pointee.ai_next
        }
        guard !out.isEmpty else { throw SocketError.resolveFailed(host, "no addresses") }
        return out
    }

    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: storage) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    var port: UInt16 {
        withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET: return UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
            case AF_INET6: return UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
            default: return 0
            }
        }
    }

    var description: String {
        withUnsafeBytes(of: storage) { raw in
            switch family {
            case AF_INET:
                let sin = raw.load(as: sockaddr_in.self)
                let ip = IPAddress.v4(withUnsafeBytes(of: sin.sin_addr) { Array($0) })
                return "\(ip):\(port)"
            case AF_INET6:
                let sin6 = raw.load(as: sockaddr_in6.self)
                let ip = IPAddress.v6(withUnsafeBytes(of: sin6.sin6_addr) { Array($0) })
                return "[\(ip)]:\(port)"
            case AF_UNIX:
                let sun = raw.load(as: sockaddr_un.self)
                let path = withUnsafeBytes(of: sun.sun_path) { p in
                    String(decoding: p.prefix { $0 != 0 }, as: UTF8.self)
                }
                return "unix://\(path)"
            default:
                return "<unknown address family \(family)>"
            }
        }
    }
}
