import Sockets

extension DeviceConfig {
    /// Nothing to send: no device field and no peer.
    public var isEmpty: Bool {
        privateKey == nil && listenPort == nil && fwmark == nil && !replacePeers && peers.isEmpty
    }

    /// The changes that turn `live` into this desired state, like `wg syncconf` but without REPLACE_PEERS:
    /// vanished peers get `remove`, changed fields are set, unchanged peers are left out entirely (their
    /// sessions and handshakes survive). `nil` fields of the desired state mean "leave as is"; a desired
    /// listen port of 0 ("pick one") accepts whatever port is live.
    public func changes(from live: Device) -> DeviceConfig {
        var out = DeviceConfig()
        if let k = privateKey, k != live.privateKey { out.privateKey = k }
        if let p = listenPort, p != 0, p != live.listenPort { out.listenPort = p }
        if let f = fwmark, f != live.fwmark { out.fwmark = f }
        let desiredKeys = Set(peers.map(\.publicKey))
        for p in live.peers where !desiredKeys.contains(p.publicKey) {
            out.peers.append(PeerConfig(publicKey: p.publicKey, remove: true))
        }
        let liveByKey = Dictionary(live.peers.map { ($0.publicKey, $0) }, uniquingKeysWith: { a, _ in a })
        // WireGuard silently ignores a peer with the device's own public key; asking again each run would
        // make `up` never settle.
        let own = (privateKey ?? live.privateKey)?.publicKey()
        for want in peers where !want.remove && want.publicKey != own {
            if let have = liveByKey[want.publicKey] {
                if let change = want.changes(from: have) { out.peers.append(change) }
            } else {
                out.peers.append(want.asNewPeer)
            }
        }
        return out
    }
}

extension PeerConfig {
    /// A peer that does not exist yet: everything desired, minus "none" values that are defaults anyway.
    var asNewPeer: PeerConfig {
        var p = self
        if p.presharedKey?.isZero == true { p.presharedKey = nil }
        if p.persistentKeepalive == 0 { p.persistentKeepalive = nil }
        p.replaceAllowedIPs = false
        p.updateOnly = false
        return p
    }

    /// Only the fields that differ from the live peer; nil when nothing does.
    func changes(from live: Peer) -> PeerConfig? {
        var c = PeerConfig(publicKey: publicKey)
        var changed = false
        if let want = presharedKey {
            let have = live.presharedKey ?? WireGuardKey(raw: .init(repeating: 0, count: 32))
            if want != have { c.presharedKey = want; changed = true }
        }
        if let want = endpoint, want != live.endpoint { c.endpoint = want; changed = true }
        if let want = persistentKeepalive, want != live.persistentKeepalive {
            c.persistentKeepalive = want
            changed = true
        }
        if Set(allowedIPs.map(\.normalized)) != Set(live.allowedIPs.map(\.normalized)) {
            c.replaceAllowedIPs = true
            c.allowedIPs = allowedIPs
            changed = true
        }
        return changed ? c : nil
    }
}

extension CIDR {
    /// The prefix with host bits cleared, as WireGuard stores allowed IPs.
    var normalized: CIDR { CIDR(address: network, prefixLength: prefixLength) }
}
