import Glibc
import Netlink
import Sockets

/// Pure parser for the WG_CMD_GET_DEVICE dump. Device attributes come in the first message; a peer whose
/// allowed IPs overflow a message is repeated in the next with PUBLIC_KEY + ALLOWEDIPS only, so peers with
/// equal keys are merged (wg(8) `coalesce_peers`, wgctrl-go `mergeDevices`). FLAGS attributes are ignored,
/// so SET messages parse too.
public enum WireGuardDeviceParser {
    public static func parse(_ messages: [NetlinkMessage]) throws -> Device {
        var device: Device?
        var peerSlot: [WireGuardKey: Int] = [:]
        for m in messages {
            let attrs = try m.attributes(after: 4)  // genlmsghdr
            var d = device ?? Device(name: "")
            for a in attrs {
                switch a.type {
                case WG.Device.ifindex: d.ifindex = try a.u32()
                case WG.Device.ifname: d.name = a.string()
                case WG.Device.privateKey: d.privateKey = try key(a)
                case WG.Device.publicKey: d.publicKey = try key(a)
                case WG.Device.listenPort: d.listenPort = try a.u16()
                case WG.Device.fwmark: d.fwmark = try a.u32()
                case WG.Device.peers:
                    for element in try a.nested() {
                        let peer = try parsePeer(element.nested())
                        if let slot = peerSlot[peer.publicKey] {
                            d.peers[slot].allowedIPs += peer.allowedIPs
                        } else {
                            peerSlot[peer.publicKey] = d.peers.count
                            d.peers.append(peer)
                        }
                    }
                default: continue
                }
            }
            device = d
        }
        guard let device, !device.name.isEmpty else {
            throw NetlinkError.malformed("WireGuard GET reply without a device (no WGDEVICE_A_IFNAME)")
        }
        return device
    }

    public static func parse(bytes messages: [[UInt8]]) throws -> Device {
        try parse(messages.map { try NetlinkMessage($0) })
    }

    static func parsePeer(_ attrs: [NetlinkAttribute]) throws -> Peer {
        guard let publicKey = try attrs.first(WG.Peer.publicKey).map(key) else {
            throw NetlinkError.malformed("WireGuard peer without WGPEER_A_PUBLIC_KEY")
        }
        var p = Peer(publicKey: publicKey)
        for a in attrs {
            switch a.type {
            case WG.Peer.presharedKey:
                let psk = try key(a)
                p.presharedKey = psk.isZero ? nil : psk  // the kernel always sends one; zeros mean none
            case WG.Peer.endpoint: p.endpoint = Sockaddr.decode(a.payload)
            case WG.Peer.persistentKeepalive: p.persistentKeepalive = try a.u16()
            case WG.Peer.lastHandshakeTime:
                guard a.payload.count == 16 else {
                    throw NetlinkError.malformed("WGPEER_A_LAST_HANDSHAKE_TIME of \(a.payload.count) bytes (want 16)")
                }
                p.lastHandshakeSeconds = try a.i64(at: 0)
                p.lastHandshakeNanoseconds = try a.i64(at: 8)
            case WG.Peer.rxBytes: p.rxBytes = try a.u64()
            case WG.Peer.txBytes: p.txBytes = try a.u64()
            case WG.Peer.protocolVersion: p.protocolVersion = try a.u32()
            case WG.Peer.allowedIPs:
                p.allowedIPs = try a.nested().map { try parseAllowedIP($0.nested()) }
            default: continue
            }
        }
        return p
    }

    static func parseAllowedIP(_ attrs: [NetlinkAttribute]) throws -> CIDR {
        guard let family = try attrs.first(WG.AllowedIP.family)?.u16(),
              let raw = attrs.first(WG.AllowedIP.ipAddress)?.payload,
              let mask = try attrs.first(WG.AllowedIP.cidrMask)?.u8()
        else { throw NetlinkError.malformed("WireGuard allowed IP without family, address or mask") }
        let address: IPAddress
        switch Int32(family) {
        case AF_INET where raw.count == 4: address = .v4(raw)
        case AF_INET6 where raw.count == 16: address = .v6(raw)
        default:
            throw NetlinkError.malformed("WireGuard allowed IP of family \(family) with \(raw.count) address bytes")
        }
        guard Int(mask) <= address.bitWidth else {
            throw NetlinkError.malformed("WireGuard allowed IP \(address)/\(mask): mask too long")
        }
        return CIDR(address: address, prefixLength: Int(mask))
    }

    static func key(_ a: NetlinkAttribute) throws -> WireGuardKey {
        WireGuardKey(raw: try a.bytes(count: WG.keyLength))
    }
}
