import Sockets

/// A wg-quick configuration file (`wg0.conf`): the `[Interface]` and `[Peer]` sections.
public struct TunnelConfig: Hashable, Sendable {
    /// The interface name, taken from the file's base name.
    public var name: String
    public var privateKey: WireGuardKey?
    public var addresses: [CIDR] = []
    public var listenPort: UInt16?
    public var mtu: UInt32?
    public var fwmark: UInt32?
    public var dns: [String] = []
    public var table: RouteTable = .auto
    public var preUp: [String] = []
    public var postUp: [String] = []
    public var preDown: [String] = []
    public var postDown: [String] = []
    public var saveConfig = false
    public var peers: [TunnelPeer] = []

    public init(name: String, privateKey: WireGuardKey? = nil, addresses: [CIDR] = [], listenPort: UInt16? = nil,
                mtu: UInt32? = nil, fwmark: UInt32? = nil, peers: [TunnelPeer] = []) {
        self.name = name
        self.privateKey = privateKey
        self.addresses = addresses
        self.listenPort = listenPort
        self.mtu = mtu
        self.fwmark = fwmark
        self.peers = peers
    }

    /// wg-quick's `Table =`: `auto` (main table), `off` (no routes) or a table number.
    public enum RouteTable: Hashable, Sendable, CustomStringConvertible {
        case auto, off, number(UInt32)
        public var description: String {
            switch self {
            case .auto: return "auto"
            case .off: return "off"
            case .number(let n): return String(n)
            }
        }
    }

    /// The device part of the config, as a full desired state (what `wg setconf` would apply).
    public var deviceConfig: DeviceConfig {
        get throws {
            DeviceConfig(privateKey: privateKey, listenPort: listenPort, fwmark: fwmark ?? 0,
                         peers: try peers.map { try $0.peerConfig() })
        }
    }
}

/// One `[Peer]` section.
public struct TunnelPeer: Hashable, Sendable {
    public var publicKey: WireGuardKey
    public var presharedKey: WireGuardKey?
    public var allowedIPs: [CIDR]
    public var endpoint: HostPort?
    public var persistentKeepalive: UInt16?

    public init(publicKey: WireGuardKey, presharedKey: WireGuardKey? = nil, allowedIPs: [CIDR] = [],
                endpoint: HostPort? = nil, persistentKeepalive: UInt16? = nil) {
        self.publicKey = publicKey
        self.presharedKey = presharedKey
        self.allowedIPs = allowedIPs
        self.endpoint = endpoint
        self.persistentKeepalive = persistentKeepalive
    }

    /// The desired peer state; a hostname endpoint is resolved here.
    func peerConfig() throws -> PeerConfig {
        let none = WireGuardKey(raw: .init(repeating: 0, count: 32))
        return PeerConfig(publicKey: publicKey, presharedKey: presharedKey ?? none,
                          endpoint: try endpoint?.resolve(), persistentKeepalive: persistentKeepalive ?? 0,
                          allowedIPs: allowedIPs)
    }
}

/// `host:port` or `[v6]:port` as written in `Endpoint =`; the host may be a name.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        let host: Substring, port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard IPAddress(String(host))?.family == AF_INET6 else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, let p = UInt16(port), p != 0 else { return nil }
        self.init(host: String(host), port: p)
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// A numeric host converts directly; a name is looked up once, as wg(8) does.
    public func resolve() throws -> Endpoint {
        if let ip = IPAddress(host) { return Endpoint(address: ip, port: port) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &res)
        guard rc == 0, let first = res else {
            throw WireGuardError(code: .config, reason: "endpoint \(self): cannot resolve `\(host)': "
                + String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(res) }
        var cur: UnsafeMutablePointer<addrinfo>? = first
        while let a = cur {
            if a.pointee.ai_family == AF_INET {
                let b = a.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
                }
                return Endpoint(address: .v4(b), port: port)
            }
            if a.pointee.ai_family == AF_INET6 {
                let b = a.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                }
                return Endpoint(address: .v6(b), port: port)
            }
            cur = a.pointee.ai_next
        }
        throw WireGuardError(code: .config, reason: "endpoint \(self): `\(host)' has no IPv4 or IPv6 address")
    }
}

#if canImport(Glibc)
import Glibc
#endif
