import Foundation
import Testing
import Sockets
import TestSupport
@testable import WireGuard

/// Real wireguard-go in a throw-away network namespace, driven through its UAPI socket.
@Suite(.enabled(if: Root.enabled), .serialized)
struct UserspaceBackendTests {
    @Test func startConfigureReadDiffStop() throws {
        let ns = Root.unique("sigil-uapi-")
        let iface = Root.unique("wgu")
        let dir = try TempDir()
        let backend = UserspaceBackend()
        try Root.ip(["netns", "add", ns])
        defer {
            try? backend.stop(iface)
            _ = try? run("/usr/sbin/ip", ["netns", "del", ns])
            dir.remove()
        }
        // wireguard-go runs inside the namespace; its socket path is global, so the backend reaches it.
        let wrapper = dir.path("wireguard-go-in-ns")
        try "#!/bin/sh\nexec /usr/sbin/ip netns exec \(ns) wireguard-go \"$@\"\n"
            .write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)

        #expect(!backend.isLive(iface))
        try backend.start(iface, executable: wrapper)
        #expect(backend.isLive(iface))
        #expect(backend.interfaces().contains(iface))

        let sk = WireGuardKey.generatePrivate()
        let p1 = WireGuardKey.generatePrivate().publicKey(), p2 = WireGuardKey.generatePrivate().publicKey()
        let psk = WireGuardKey.generatePreshared()
        let desired = DeviceConfig(privateKey: sk, listenPort: 0, fwmark: 0, peers: [
            PeerConfig(publicKey: p1, presharedKey: psk,
                       endpoint: Endpoint(address: IPAddress("192.0.2.7")!, port: 51821),
                       persistentKeepalive: 25, allowedIPs: [CIDR("10.200.0.2/32")!, CIDR("fd00::/64")!]),
            PeerConfig(publicKey: p2, allowedIPs: [CIDR("10.200.0.3/32")!]),
        ])
        let first = desired.changes(from: try backend.device(named: iface))
        try backend.configure(iface, first)

        let d = try backend.device(named: iface)
        #expect(d.privateKey == sk)
        #expect(d.publicKey == sk.publicKey())
        #expect(d.listenPort != 0)
        // wireguard-go lists peers in no fixed order: match them by key.
        #expect(Set(d.peers.map(\.publicKey)) == [p1, p2])
        let peer1 = try #require(d.peers.first { $0.publicKey == p1 })
        #expect(peer1.presharedKey == psk)
        #expect(peer1.endpoint?.description == "192.0.2.7:51821")
        #expect(peer1.persistentKeepalive == 25)
        #expect(Set(peer1.allowedIPs) == [CIDR("10.200.0.2/32")!, CIDR("fd00::/64")!])
        #expect(desired.changes(from: d).isEmpty, "re-applying the same config sends nothing")

        // Cross-check with wg(8), which reads the same socket.
        let (rc, dump) = try run("/usr/bin/wg", ["show", iface, "dump"])
        #expect(rc == 0)
        let lines = dump.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(lines.first?[1] == sk.publicKey().base64)
        #expect(lines.first?[2] == String(d.listenPort))
        // wg sorts peers by handshake time, so find p1's line by key.
        let p1Line = lines.dropFirst().first { $0.first == p1.base64 }
        #expect(p1Line?[2] == "192.0.2.7:51821")
        #expect(p1Line?[7] == "25")
        #expect(lines.count == 3)

        var fewer = desired
        fewer.peers.removeFirst()
        let change = fewer.changes(from: d)
        #expect(change.peers == [PeerConfig(publicKey: p1, remove: true)])
        try backend.configure(iface, change)
        #expect(try backend.device(named: iface).peers.map(\.publicKey) == [p2])

        // A request wireguard-go does not understand comes back as a non-zero errno.
        let reply = try backend.exchange(iface, Array("set=1\nbogus_key=1\n\n".utf8))
        #expect(UAPI.errno(of: reply) == -22)

        try backend.stop(iface)
        #expect(!FileManager.default.fileExists(atPath: backend.socketPath(iface)))
        #expect(Root.eventually { (try? Root.ip(["-n", ns, "link", "show", iface])) == nil },
                "wireguard-go exits and its TUN link goes away once the socket is removed")
    }

    @Test func missingImplementationIsReported() {
        do {
            try UserspaceBackend().start("wgmissing0", executable: "/nonexistent/wireguard-go")
            Issue.record("started a missing binary")
        } catch let e as WireGuardError {
            #expect(e.code == .userspaceStart)
            #expect(e.reason.contains("/nonexistent/wireguard-go"))
        } catch {
            Issue.record("\(error)")
        }
    }
}
