import Foundation
import Sockets
import WireGuard

/// Reads a `tunnel` interface's WireGuard peer for a validator, through the same device-status code as
/// `sigil wg show` (kernel over generic netlink, or wireguard-go's UAPI socket).
enum TunnelProbe {
    static func read(interface: String, validatorHost: String, now: Date = Date()) -> StatusSnapshot.Tunnel {
        var out = StatusSnapshot.Tunnel(interface: interface, up: false, lastHandshakeAgeSeconds: nil,
                                        receivedBytes: 0, sentBytes: 0)
        guard let device = try? UserspaceBackend.backend(for: interface).device(named: interface) else { return out }
        out.up = true
        let destination = IPAddress(validatorHost)
        let covering = destination.flatMap { d in device.peers.first { $0.allowedIPs.contains { $0.contains(d) } } }
        let peer = covering ?? (device.peers.count == 1 ? device.peers.first : nil)
        guard let peer else { return out }
        out.receivedBytes = peer.rxBytes
        out.sentBytes = peer.txBytes
        if peer.lastHandshakeSeconds > 0 {
            let at = Double(peer.lastHandshakeSeconds) + Double(peer.lastHandshakeNanoseconds) / 1e9
            out.lastHandshakeAgeSeconds = max(0, now.timeIntervalSince1970 - at)
        }
        return out
    }
}
