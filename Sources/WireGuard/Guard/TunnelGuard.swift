import Foundation
import Netlink
import Sockets

/// Where the signer's privval socket must come from: the tunnel address, on the tunnel device.
public struct GuardedRoute: Hashable, Sendable {
    public let sourceAddress: IPAddress
    public let device: String
}

/// What the guard needs to know about the machine, gathered by `TunnelGuard.check` (or a test).
public struct GuardFacts: Sendable {
    public var interface: String
    public var destination: IPAddress
    /// The interface the kernel's route lookup for `destination` chose, and its preferred source.
    public var routeInterface: String
    public var routeSource: IPAddress?
    /// `IFLA_INFO_KIND` of `interface` (nil when it does not exist).
    public var kind: String?
    /// wireguard-go runs `tun` links; those count only with a live UAPI socket.
    public var liveUAPISocket: Bool
    public var addresses: [CIDR]
    /// Newest handshake over all peers, seconds since the epoch (0 = never), and the clock now.
    public var latestHandshake: Int64
    public var now: Int64

    public init(interface: String, destination: IPAddress, routeInterface: String, routeSource: IPAddress?,
                kind: String?, liveUAPISocket: Bool, addresses: [CIDR], latestHandshake: Int64, now: Int64) {
        self.interface = interface
        self.destination = destination
        self.routeInterface = routeInterface
        self.routeSource = routeSource
        self.kind = kind
        self.liveUAPISocket = liveUAPISocket
        self.addresses = addresses
        self.latestHandshake = latestHandshake
        self.now = now
    }
}

/// Refuses a privval link that could leave the machine outside the WireGuard tunnel.
public enum TunnelGuard {
    /// WireGuard's REJECT_AFTER_TIME: a session older than this carries no traffic.
    public static let handshakeMaxAge: Int64 = 180

    /// The pure rules, in the order an operator would check them.
    public static func evaluate(_ f: GuardFacts) throws(GuardError) -> GuardedRoute {
        guard !f.destination.isUnspecified else {
            throw GuardError(.unspecified, "validator address \(f.destination) is unspecified: use the validator's "
                + "tunnel address (e.g. 10.200.0.1)")
        }
        guard f.destination.isPrivate else {
            throw GuardError(.notPrivate, "validator address \(f.destination) is not a private-range tunnel address: "
                + "tunnel = \"\(f.interface)\" needs an RFC 1918, CGNAT or ULA address such as 10.200.0.1")
        }
        guard f.routeInterface == f.interface else {
            throw GuardError(.routeOutsideTunnel, "route to \(f.destination) leaves through \(f.routeInterface), not "
                + "\(f.interface): bring the tunnel up (sigil tunnel up) and make its peer's AllowedIPs cover \(f.destination)")
        }
        try checkWireGuard(f.interface, kind: f.kind, liveUAPISocket: f.liveUAPISocket)
        guard f.latestHandshake > 0, f.now - f.latestHandshake <= handshakeMaxAge else {
            let seen = f.latestHandshake == 0 ? "no handshake yet" : "last handshake \(f.now - f.latestHandshake) s ago"
            throw GuardError(.noHandshake, "\(f.interface) has no handshake newer than \(handshakeMaxAge) s (\(seen)): "
                + "check the peer is up and UDP reaches it (sigil tunnel wait-handshake)")
        }
        let source = f.routeSource.flatMap { s in f.addresses.contains { $0.address == s } ? s : nil }
            ?? f.addresses.first { $0.address.family == f.destination.family }?.address
        guard let source else {
            throw GuardError(.noTunnelAddress, "\(f.interface) has no address of \(f.destination)'s family: add "
                + "Address = to its [Interface]")
        }
        return GuardedRoute(sourceAddress: source, device: f.interface)
    }

    static func checkWireGuard(_ interface: String, kind: String?, liveUAPISocket: Bool) throws(GuardError) {
        switch kind {
        case "wireguard"?: return
        case "tun"? where liveUAPISocket: return
        case nil:
            throw GuardError(.notWireGuard, "interface \(interface) does not exist: bring the tunnel up first "
                + "(sigil tunnel up /etc/sigil/\(interface).conf)")
        case let k?:
            throw GuardError(.notWireGuard, "interface \(interface) is of kind \(k), not WireGuard "
                + (k == "tun" ? "(a tun device without a wireguard-go UAPI socket)" : "") + ": name the WireGuard interface")
        }
    }

    /// Gathers the facts over rtnetlink and the WireGuard backend, then evaluates them.
    public static func check(interface: String, destination: IPAddress,
                             userspace: UserspaceBackend = UserspaceBackend()) throws -> GuardedRoute {
        let rt = try RouteNetlink()
        let route = try rt.route(to: destination)
        let link = try? rt.link(named: interface)
        let addresses = link.map { l in (try? rt.addresses())?.filter { $0.interfaceIndex == l.index }.map(\.cidr) ?? [] } ?? []
        var handshake: Int64 = 0
        let backend: any WireGuardBackend = userspace.isLive(interface) ? userspace : KernelBackend()
        if link != nil, let device = try? backend.device(named: interface) {
            handshake = device.peers.map(\.lastHandshakeSeconds).max() ?? 0
        }
        return try evaluate(GuardFacts(
            interface: interface, destination: destination, routeInterface: route.interfaceName,
            routeSource: route.preferredSource, kind: link?.kind, liveUAPISocket: userspace.isLive(interface),
            addresses: addresses, latestHandshake: handshake, now: Int64(Date().timeIntervalSince1970)))
    }
}
