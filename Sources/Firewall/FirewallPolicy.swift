import Sockets

/// What the firewall must allow for one end of the Sigil WireGuard link, validated on construction.
///
/// The validator machine (A) runs sekaid with `priv_validator_laddr` on its tunnel address; the signer machine (B)
/// runs Sigil, which dials A through the tunnel. Both ends speak WireGuard only with each other.
public struct FirewallPolicy: Hashable, Sendable {
    public enum Role: String, CaseIterable, Sendable {
        case validator, signer
    }

    /// `scoped` only drops traffic Sigil owns and coexists with ufw, firewalld and Docker;
    /// `lockdown` drops every inbound packet it does not allow (for a dedicated signer machine).
    public enum Profile: String, CaseIterable, Sendable {
        case scoped, lockdown
    }

    public let role: Role
    public let interface: String
    public let listenPort: UInt16
    public let peerEndpoint: PeerEndpoint
    public let peerTunnelIP: IPAddress
    public let localTunnelIP: IPAddress
    public let privvalPort: UInt16
    public let profile: Profile
    /// The node or the tunnel runs in Docker: add guards on the forward path that published ports take.
    public let docker: Bool
    /// Lockdown only: SSH stays reachable on this port unless nil, so operators don't lock themselves out.
    public let sshPort: UInt16?
    /// Lockdown only: further TCP ports to accept (e.g. CometBFT P2P 26656 on a validator).
    public let allowTCP: [UInt16]

    /// Validates and stores a policy; throws `FirewallError` naming the offending input.
    public init(
        role: Role, interface: String = "wg0", listenPort: UInt16 = 51820, peerEndpoint: PeerEndpoint,
        peerTunnelIP: IPAddress, localTunnelIP: IPAddress, privvalPort: UInt16 = 26659,
        profile: Profile = .scoped, docker: Bool = false, sshPort: UInt16? = 22, allowTCP: [UInt16] = []
    ) throws {
        try Self.checkInterface(interface)
        for (flag, port) in [("--listen-port", listenPort), ("--privval-port", privvalPort)] where port == 0 {
            throw FirewallError.badPort(flag, "0")
        }
        if sshPort == 0 { throw FirewallError.badPort("--ssh-port", "0") }
        if allowTCP.contains(0) { throw FirewallError.badPort("--allow-tcp", "0") }
        try Self.checkTunnel("--peer-tunnel-ip", peerTunnelIP)
        try Self.checkTunnel("--local-tunnel-ip", localTunnelIP)
        if peerTunnelIP.family != localTunnelIP.family {
            throw FirewallError.conflict(
                "--peer-tunnel-ip '\(peerTunnelIP)' and --local-tunnel-ip '\(localTunnelIP)' are different "
                    + "address families: use two IPv4 or two IPv6 tunnel addresses")
        }
        if peerTunnelIP == localTunnelIP {
            throw FirewallError.conflict(
                "--peer-tunnel-ip and --local-tunnel-ip are both '\(peerTunnelIP)': each end needs its own address")
        }
        if peerEndpoint.address == peerTunnelIP || peerEndpoint.address == localTunnelIP {
            throw FirewallError.badAddress(
                "--peer-endpoint", "\(peerEndpoint.address)",
                "it is a tunnel address; use the other machine's public IP, which WireGuard's UDP packets come from")
        }
        if profile == .scoped, !allowTCP.isEmpty {
            throw FirewallError.conflict("--allow-tcp only applies to --profile lockdown; scoped never opens ports")
        }
        let opened = allowTCP + (sshPort.map { [$0] } ?? [])
        if opened.contains(privvalPort) {
            throw FirewallError.conflict(
                "port \(privvalPort) is both the privval port and opened for everyone (--ssh-port/--allow-tcp); "
                    + "the privval port must only be reachable through the tunnel")
        }
        self.role = role
        self.interface = interface
        self.listenPort = listenPort
        self.peerEndpoint = peerEndpoint
        self.peerTunnelIP = peerTunnelIP
        self.localTunnelIP = localTunnelIP
        self.privvalPort = privvalPort
        self.profile = profile
        self.docker = docker
        self.sshPort = sshPort
        self.allowTCP = allowTCP
    }

    /// Parses an IP address given on the command line as `flag`.
    public static func address(_ text: String, flag: String) throws -> IPAddress {
        guard let address = IPAddress(text), !text.hasPrefix("[") else {
            throw FirewallError.badAddress(flag, text, "expected an IP address such as 10.200.0.2 (no hostnames)")
        }
        return address
    }

    private static func checkTunnel(_ flag: String, _ address: IPAddress) throws {
        guard address.isPrivate else { throw FirewallError.publicTunnelAddress(flag, "\(address)") }
    }

    private static func checkInterface(_ name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        guard (1...15).contains(name.utf8.count), name.allSatisfy(allowed.contains), name != "lo",
            name != ".", name != ".."
        else { throw FirewallError.badInterface(name) }
    }
}

/// The other machine's public WireGuard address; the port, when known, narrows the match to its source port.
public struct PeerEndpoint: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let port: UInt16?

    public init(address: IPAddress, port: UInt16? = nil) {
        self.address = address
        self.port = port
    }

    /// Parses `IP`, `IPv4:port`, `[IPv6]` or `[IPv6]:port`. Hostnames are refused: rules match addresses.
    public init(parsing text: String) throws {
        let flag = "--peer-endpoint"
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw FirewallError.badAddress(flag, text, "a bracketed IPv6 address needs its ']'")
            }
            let rest = host[host.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else {
                    throw FirewallError.badAddress(flag, text, "expected [IPv6]:port")
                }
                portText = rest.dropFirst()
            }
            host = host[host.index(after: host.startIndex)..<close]
        } else if host.filter({ $0 == ":" }).count == 1, let colon = host.firstIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard let address = IPAddress(String(host)) else {
            throw FirewallError.badAddress(
                flag, text, "expected the peer's public IP address, optionally with :port (no hostnames)")
        }
        if address.isUnspecified || address.isLoopback {
            throw FirewallError.badAddress(flag, text, "use the other machine's public IP address")
        }
        var port: UInt16?
        if let portText {
            guard let p = UInt16(portText), p != 0 else { throw FirewallError.badPort(flag, text) }
            port = p
        }
        self.init(address: address, port: port)
    }

    public var description: String {
        guard let port else { return "\(address)" }
        if case .v6 = address { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}
