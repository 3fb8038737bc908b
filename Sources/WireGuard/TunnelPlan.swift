import Sockets

/// Pure decisions behind `sigil tunnel up`: what the config asks for that sigil does not do, and which
/// routes and addresses are missing.
enum TunnelPlan {
    /// Default MTU of the kernel module and wireguard-go (`device/tun.go DefaultMTU`).
    static let defaultMTU: UInt32 = 1420
    /// WireGuard's worst-case overhead: IPv6 header 40 + UDP 8 + WireGuard 32 (wg-quick subtracts the same).
    static let overhead: UInt32 = 80

    /// wg-quick's rule: an explicit `MTU =` wins; otherwise the smallest MTU of the links the peers' endpoints
    /// are reached through, less the overhead, so a 1450-byte cloud network gets 1370 instead of a black hole.
    static func mtu(explicit: UInt32?, endpointLinkMTUs: [UInt32]) -> UInt32 {
        if let explicit { return explicit }
        guard let smallest = endpointLinkMTUs.filter({ $0 > overhead }).min() else { return defaultMTU }
        return smallest - overhead
    }

    /// wg-quick features sigil does not perform, each refused with what to do instead.
    static func unsupported(_ c: TunnelConfig) -> WireGuardError? {
        func no(_ what: String, _ fix: String) -> WireGuardError {
            WireGuardError(code: .unsupported,
                           reason: "\(c.name).conf: \(what) is not supported by sigil tunnel; \(fix)")
        }
        if c.privateKey == nil {
            return no("an [Interface] without PrivateKey", "add `PrivateKey = <sigil wg genkey output>'")
        }
        if !c.dns.isEmpty { return no("DNS =", "remove it (a signer link needs no resolver) or set it up yourself") }
        let hooks = c.preUp + c.postUp + c.preDown + c.postDown
        if !hooks.isEmpty {
            return no("PreUp/PostUp/PreDown/PostDown hooks", "run those commands around `sigil tunnel up`")
        }
        if c.saveConfig { return no("SaveConfig = true", "remove it; sigil never rewrites the config") }
        if case .number(let n) = c.table { return no("Table = \(n)", "use `Table = auto' or `Table = off'") }
        if c.table == .auto, let full = c.peers.flatMap(\.allowedIPs).first(where: { $0.prefixLength == 0 }) {
            return no("AllowedIPs = \(full) (a full tunnel needs policy routing)",
                      "list the peer's tunnel prefixes, or set `Table = off' and route yourself")
        }
        return nil
    }

    /// Routes to add for the peers' allowed IPs, longest prefix first (as wg-quick), skipping those a
    /// connected prefix of the interface already covers (10.200.0.1/24 covers 10.200.0.2/32).
    static func routes(allowed: [CIDR], connected: [CIDR]) -> [CIDR] {
        var out = [CIDR]()
        for a in allowed.map(\.normalized).sorted(by: { $0.prefixLength > $1.prefixLength }) where !out.contains(a) {
            let covered = connected.contains { c in
                c.address.family == a.address.family && c.prefixLength <= a.prefixLength && c.contains(a.address)
            }
            if !covered { out.append(a) }
        }
        return out
    }

    /// Addresses of the config not yet on the link (same address and prefix length).
    static func missingAddresses(_ wanted: [CIDR], live: [CIDR]) -> [CIDR] {
        wanted.filter { !live.contains($0) }
    }
}
