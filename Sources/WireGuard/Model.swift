import Sockets

/// A 32-byte WireGuard key (private, public or preshared).
public struct WireGuardKey: Hashable, Sendable {
    public let raw: [UInt8]

    public init(raw: [UInt8]) {
        precondition(raw.count == 32, "WireGuard keys are 32 bytes")
        self.raw = raw
    }

    public var isZero: Bool { raw.allSatisfy { $0 == 0 } }
}

/// A UDP endpoint `host:port` (`[v6]:port` for IPv6).
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String {
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}

/// Desired state of one peer. `nil` means "leave unchanged", as in wgctrl-go.
public struct PeerConfig: Hashable, Sendable {
    public var publicKey: WireGuardKey
    public var presharedKey: WireGuardKey?
    public var endpoint: Endpoint?
    public var persistentKeepalive: UInt16?
    public var allowedIPs: [CIDR]
    public var replaceAllowedIPs: Bool
    public var remove: Bool
    public var updateOnly: Bool

    public init(publicKey: WireGuardKey, presharedKey: WireGuardKey? = nil, endpoint: Endpoint? = nil,
                persistentKeepalive: UInt16? = nil, allowedIPs: [CIDR] = [], replaceAllowedIPs: Bool = false,
                remove: Bool = false, updateOnly: Bool = false) {
        self.publicKey = publicKey
        self.presharedKey = presharedKey
        self.endpoint = endpoint
        self.persistentKeepalive = persistentKeepalive
        self.allowedIPs = allowedIPs
        self.replaceAllowedIPs = replaceAllowedIPs
        self.remove = remove
        self.updateOnly = updateOnly
    }
}

/// Desired device state for WG_CMD_SET_DEVICE or a UAPI `set=1`.
public struct DeviceConfig: Hashable, Sendable {
    public var privateKey: WireGuardKey?
    public var listenPort: UInt16?
    public var fwmark: UInt32?
    public var replacePeers: Bool
    public var peers: [PeerConfig]

    public init(privateKey: WireGuardKey? = nil, listenPort: UInt16? = nil, fwmark: UInt32? = nil,
                replacePeers: Bool = false, peers: [PeerConfig] = []) {
        self.privateKey = privateKey
        self.listenPort = listenPort
        self.fwmark = fwmark
        self.replacePeers = replacePeers
        self.peers = peers
    }
}

/// Live state of one peer as the kernel or wireguard-go reports it.
public struct Peer: Hashable, Sendable {
    public var publicKey: WireGuardKey
    public var presharedKey: WireGuardKey?
    public var endpoint: Endpoint?
    public var persistentKeepalive: UInt16
    public var lastHandshakeSeconds: Int64
    public var lastHandshakeNanoseconds: Int64
    public var rxBytes: UInt64
    public var txBytes: UInt64
    public var allowedIPs: [CIDR]
    public var protocolVersion: UInt32

    public init(publicKey: WireGuardKey, presharedKey: WireGuardKey? = nil, endpoint: Endpoint? = nil,
                persistentKeepalive: UInt16 = 0, lastHandshakeSeconds: Int64 = 0, lastHandshakeNanoseconds: Int64 = 0,
                rxBytes: UInt64 = 0, txBytes: UInt64 = 0, allowedIPs: [CIDR] = [], protocolVersion: UInt32 = 1) {
        self.publicKey = publicKey
        self.presharedKey = presharedKey
        self.endpoint = endpoint
        self.persistentKeepalive = persistentKeepalive
        self.lastHandshakeSeconds = lastHandshakeSeconds
        self.lastHandshakeNanoseconds = lastHandshakeNanoseconds
        self.rxBytes = rxBytes
        self.txBytes = txBytes
        self.allowedIPs = allowedIPs
        self.protocolVersion = protocolVersion
    }
}

/// Live state of one WireGuard interface.
public struct Device: Hashable, Sendable {
    public var name: String
    public var ifindex: UInt32
    public var privateKey: WireGuardKey?
    public var publicKey: WireGuardKey?
    public var listenPort: UInt16
    public var fwmark: UInt32
    public var peers: [Peer]

    public init(name: String, ifindex: UInt32 = 0, privateKey: WireGuardKey? = nil, publicKey: WireGuardKey? = nil,
                listenPort: UInt16 = 0, fwmark: UInt32 = 0, peers: [Peer] = []) {
        self.name = name
        self.ifindex = ifindex
        self.privateKey = privateKey
        self.publicKey = publicKey
        self.listenPort = listenPort
        self.fwmark = fwmark
        self.peers = peers
    }
}

/// The kernel (generic netlink) and userspace (wireguard-go UAPI) backends both speak this.
public protocol WireGuardBackend: Sendable {
    /// "kernel" or "userspace (wireguard-go)", shown by `sigil wg show`.
    var name: String { get }
    func device(named name: String) throws -> Device
    func configure(_ name: String, _ config: DeviceConfig) throws
}
