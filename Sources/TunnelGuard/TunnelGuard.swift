import Netlink
import WireGuard
import Sockets

/// Where the signer may dial from: the tunnel's source address and the device to bind to (SO_BINDTODEVICE).
public struct GuardedRoute: Hashable, Sendable {
    public let sourceAddress: IPAddress
    public let device: String
}

/// Everything the guard looks at, gathered by `TunnelGuard.gather` (or written by hand in tests).
public struct GuardFacts: Hashable, Sendable {
    public var interface: String
    public var destination: IPAddress
    /// The configured interface's link, nil when it does not exist.
    public var link: Link?
    public var hasLiveUAPISocket = false
    /// Addresses assigned to the configured interface.
    public var interfaceAddresses: [CIDR] = []
    /// `ip route get destination`, nil when there is no route.
    public var route: RouteInfo?
    /// The WireGuard device's peers, nil when the device could not be read.
    public var peers: [Peer]?
    public var deviceError: String?
    /// Wall-clock seconds, for handshake age.
    public var now: Int64

    public init(interface: String, destination: IPAddress, link: Link?, now: Int64) {
        self.interface = interface
        self.destination = destination
        self.link = link
        self.now = now
    }
}

/// The signer's dial check: refuse unless the validator is reached through a live WireGuard tunnel.
public struct TunnelGuard {
    /// Gathers facts from the kernel / wireguard-go and evaluates them.
    public static func check(interface: String, destination: IPAddress) throws -> GuardedRoute {
        try evaluate(facts: gather(interface: interface, destination: destination)).get()
    }

    public static func gather(interface: String, destination: IPAddress,
                              userspace: UserspaceBackend = UserspaceBackend()) throws -> GuardFacts {
        let rt = try RouteNetlink()
        let link = try rt.links().first { $0.name == interface }
        var facts = GuardFacts(interface: interface, destination: destination, link: link, now: Int64(time(nil)))
        guard let link else { return facts }
        facts.hasLiveUAPISocket = userspace.isLive(interface)
        facts.interfaceAddresses = try rt.addresses().filter { $0.interfaceIndex == link.index }.map(\.cidr)
        facts.route = try? rt.route(to: destination)
        let backend: any WireGuardBackend = facts.hasLiveUAPISocket ? userspace : KernelBackend()
        do {
            facts.peers = try backend.device(named: interface).peers
        } catch {
            facts.deviceError = "\(error)"
        }
        return facts
    }

    /// The pure decision. Each refusal names what was found and what to change.
    public static func evaluate(facts f: GuardFacts) -> Result<GuardedRoute, GuardError> {
        let name = f.interface, dst = f.destination
        func no(_ c: GuardError.Code, _ found: String, _ fix: String) -> Result<GuardedRoute, GuardError> {
            .failure(.refuse(c, found, fix: fix))
        }
        guard dst.isPrivate else {
            return no(.notPrivate, "validator address \(dst) is not a private (RFC 1918, 100.64/10 or fc00::/7) "
                      + "address", "dial the validator's tunnel address, e.g. tcp://10.200.0.1:26659")
        }
        guard let link = f.link else {
            return no(.noSuchInterface, "interface \(name) does not exist",
                      "bring the tunnel up first (`sigil tunnel up \(name).conf`)")
        }
        guard link.kind == "wireguard" || (link.kind == "tun" && f.hasLiveUAPISocket) else {
            return no(.notWireGuard, "interface \(name) is of kind \(link.kind ?? "none")"
                      + (link.kind == "tun" ? " without a live wireguard-go socket" : "") + ", not WireGuard",
                      "set the tunnel interface to your WireGuard interface")
        }
        guard link.isUp else { return no(.interfaceDown, "interface \(name) is down", "run `sigil tunnel up`") }
        guard let route = f.route else {
            return no(.wrongRoute, "no route to \(dst)", "add the validator's address to the peer's AllowedIPs "
                      + "and run `sigil tunnel up`")
        }
        guard route.interfaceName == name else {
            return no(.wrongRoute, "the route to \(dst) leaves through \(route.interfaceName), not \(name)",
                      "route \(dst) through \(name) (AllowedIPs of the validator's [Peer]) and remove the other route")
        }
        let own = f.interfaceAddresses.filter { $0.address.family == dst.family && $0.address.isPrivate }
        let source = route.preferredSource.flatMap { src in own.first { $0.address == src }?.address }
            ?? own.first?.address
        guard let source else {
            return no(.noSourceAddress, "\(name) has no private address of \(dst.family == AF_INET ? "IPv4" : "IPv6")",
                      "add `Address = 10.200.0.2/32` (or similar) to \(name).conf")
        }
        guard let peers = f.peers else {
            return no(.notWireGuard, "cannot read WireGuard device \(name): \(f.deviceError ?? "unknown error")",
                      "check that \(name) is a WireGuard interface this process may manage (CAP_NET_ADMIN)")
        }
        guard let peer = peers.first(where: { p in p.allowedIPs.contains { $0.contains(dst) } }) else {
            return no(.noPeer, "no peer on \(name) has AllowedIPs covering \(dst)",
                      "add \(dst)/\(dst.bitWidth) to the validator's [Peer] AllowedIPs")
        }
        guard let age = Handshake.age(peer, now: f.now), age < Handshake.rejectAfter else {
            let seen = Handshake.age(peer, now: f.now).map { "is \($0) s old" } ?? "never happened"
            return no(.staleHandshake, "the latest handshake with the validator's peer on \(name) \(seen) "
                      + "(must be under \(Handshake.rejectAfter) s)",
                      "run `sigil tunnel wait-handshake \(name).conf` and check the peer's Endpoint, PublicKey and PresharedKey")
        }
        return .success(GuardedRoute(sourceAddress: source, device: name))
    }
}

#if canImport(Glibc)
import Glibc
#endif
