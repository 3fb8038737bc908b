import Glibc
import Netlink
import Sockets

/// Pure builder for WG_CMD_SET_DEVICE, split across messages the way wireguard-tools' `kernel_set_device`
/// splits them, with the same capacity checks (libmnl `*_check` semantics):
/// - IFNAME (NUL-terminated) in every message; private key, listen port, fwmark and REPLACE_PEERS only
///   in the first.
/// - A peer that does not fit is cancelled and restarted in the next message; when its allowed IPs run
///   out of room, the peer is closed and continued in the next message with PUBLIC_KEY (+ REMOVE_ME /
///   UPDATE_ONLY) and the remaining ALLOWEDIPS only. PSK, endpoint, keepalive and REPLACE_ALLOWEDIPS go
///   only in a peer's first fragment.
public enum WireGuardSetMessages {
    /// `bufferSize` is the per-message limit (wg(8) uses the page size capped at 8192).
    public static func build(interface: String, config: DeviceConfig, familyID: UInt16,
                             bufferSize: Int = 4096) throws -> [[UInt8]] {
        try validateInterfaceName(interface)
        var messages: [[UInt8]] = []
        let peers = config.peers
        var peerIndex = 0
        var ipIndex: Int? = nil  // non-nil: the current peer continues from this allowed IP
        repeat {
            let startState = (peerIndex, ipIndex)
            var b = GenericMessages.builder(familyID: familyID, command: WG.cmdSetDevice, version: WG.version,
                                            flags: [.request, .ack], capacity: bufferSize)
            guard b.putStringZChecked(WG.Device.ifname, interface) else {
                throw NetlinkError.tooLarge("buffer of \(bufferSize) bytes cannot hold a header and IFNAME")
            }
            if messages.isEmpty {
                try putDeviceAttributes(config, into: &b)
            }
            if peers.isEmpty {
                messages.append(b.bytes)
                break
            }
            let peersNest = b.beginNest(WG.Device.peers)
            peerLoop: while peerIndex < peers.count {
                let peer = peers[peerIndex]
                switch putPeer(peer, continuingAt: &ipIndex, into: &b) {
                case .complete:
                    peerIndex += 1
                    ipIndex = nil
                case .full:
                    break peerLoop
                }
            }
            b.endNest(peersNest)
            messages.append(b.bytes)
            // The first message may be all device attributes; after that, each message must move on.
            if messages.count > 1 && peerIndex < peers.count && startState == (peerIndex, ipIndex) {
                throw NetlinkError.tooLarge("peer \(peerIndex + 1) does not fit in a \(bufferSize)-byte message")
            }
        } while peerIndex < peers.count
        return messages
    }

    private static func putDeviceAttributes(_ config: DeviceConfig, into b: inout NetlinkMessageBuilder) throws {
        var ok = true
        if let key = config.privateKey { ok = ok && b.putChecked(WG.Device.privateKey, key.raw) }
        if let port = config.listenPort { ok = ok && b.putU16Checked(WG.Device.listenPort, port) }
        if let mark = config.fwmark { ok = ok && b.putU32Checked(WG.Device.fwmark, mark) }
        if config.replacePeers { ok = ok && b.putU32Checked(WG.Device.flags, WG.Device.replacePeers) }
        guard ok else { throw NetlinkError.tooLarge("device attributes exceed \(b.capacity) bytes") }
    }

    private enum PeerResult { case complete, full }

    /// Writes one peer (or its continuation). On `.full` the builder holds only whole attributes and
    /// `ipIndex` says where the next message resumes (nil: restart the peer).
    private static func putPeer(_ peer: PeerConfig, continuingAt ipIndex: inout Int?,
                                into b: inout NetlinkMessageBuilder) -> PeerResult {
        guard let peerNest = b.beginNestChecked(WG.arrayElement) else { return .full }
        guard b.putChecked(WG.Peer.publicKey, peer.publicKey.raw) else {
            b.cancelNest(peerNest)
            return .full
        }
        var flags: UInt32 = 0
        if peer.remove { flags |= WG.Peer.removeMe }
        if peer.updateOnly { flags |= WG.Peer.updateOnly }
        if ipIndex == nil {
            if peer.replaceAllowedIPs { flags |= WG.Peer.replaceAllowedIPs }
            var ok = true
            if let psk = peer.presharedKey { ok = ok && b.putChecked(WG.Peer.presharedKey, psk.raw) }
            if let endpoint = peer.endpoint { ok = ok && b.putChecked(WG.Peer.endpoint, Sockaddr.encode(endpoint)) }
            if let keepalive = peer.persistentKeepalive {
                ok = ok && b.putU16Checked(WG.Peer.persistentKeepalive, keepalive)
            }
            guard ok else {
                b.cancelNest(peerNest)
                return .full
            }
        }
        if flags != 0, !b.putU32Checked(WG.Peer.flags, flags) {
            b.cancelNest(peerNest)
            return .full
        }
        if !peer.allowedIPs.isEmpty {
            if ipIndex == nil { ipIndex = 0 }
            guard let ipsNest = b.beginNestChecked(WG.Peer.allowedIPs) else {
                b.endNest(peerNest)
                return .full
            }
            while let i = ipIndex, i < peer.allowedIPs.count {
                guard putAllowedIP(peer.allowedIPs[i], into: &b) else {
                    b.endNest(ipsNest)
                    b.endNest(peerNest)
                    return .full
                }
                ipIndex = i + 1
            }
            b.endNest(ipsNest)
        }
        b.endNest(peerNest)
        return .complete
    }

    private static func putAllowedIP(_ cidr: CIDR, into b: inout NetlinkMessageBuilder) -> Bool {
        guard let nest = b.beginNestChecked(WG.arrayElement) else { return false }
        let ok = b.putU16Checked(WG.AllowedIP.family, UInt16(cidr.address.family))
            && b.putChecked(WG.AllowedIP.ipAddress, cidr.address.bytes)
            && b.putU8Checked(WG.AllowedIP.cidrMask, UInt8(cidr.prefixLength))
        guard ok else {
            b.cancelNest(nest)
            return false
        }
        b.endNest(nest)
        return true
    }

    /// WG_CMD_GET_DEVICE for one interface: REQUEST|ACK|DUMP with IFNAME, as wg(8) sends it.
    public static func get(interface: String, familyID: UInt16) throws -> [UInt8] {
        try validateInterfaceName(interface)
        var b = GenericMessages.builder(familyID: familyID, command: WG.cmdGetDevice, version: WG.version,
                                        flags: [.request, .ack, .dump])
        b.putStringZ(WG.Device.ifname, interface)
        return b.bytes
    }
}
