import Foundation
import Testing
import TestSupport

/// `sigil tunnel` against real wireguard-go in two network namespaces joined by a veth pair.
@Suite(.enabled(if: WG.rootEnabled), .serialized)
struct WireGuardTunnelTests {
    @Test func upHandshakeTCPShowIdempotentDown() throws {
        let pair = try WireGuardPair()
        defer { pair.cleanup() }

        let (rcA, upA) = try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA])
        #expect(rcA == 0, "\(upA)")
        #expect(upA.contains("created \(pair.ifA) (userspace (wireguard-go))"))
        #expect(upA.contains("address 10.200.0.1/24"))
        #expect(upA.contains("mtu 1420, up"))
        #expect(!upA.contains("route"), "10.200.0.1/24 already covers the peer's 10.200.0.2/32")
        // B reaches A's endpoint over a 1450-byte link (a cloud overlay): with no MTU in the config, wg-quick's
        // rule gives 1450 - 80.
        _ = try WG.ip(["-n", pair.nsB, "link", "set", "vB", "mtu", "1450"])
        let (rcB, upB) = try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB])
        #expect(rcB == 0, "\(upB)")
        #expect(upB.contains("mtu 1370, up"), "\(upB)")
        #expect(upB.contains("route 10.200.0.1/32 dev \(pair.ifB)"))
        #expect(try WG.ip(["-n", pair.nsB, "route", "show", "dev", pair.ifB]).contains("10.200.0.1"))

        let (rcW, wait) = try pair.sigil(pair.nsB, ["tunnel", "wait-handshake", pair.confB, "--timeout", "15"])
        #expect(rcW == 0, "\(wait)")
        let handshakeB = pair.latestHandshake(pair.ifB)
        let handshakeA = pair.latestHandshake(pair.ifA)
        #expect(handshakeB > 0 && handshakeA > 0, "real wg(8) sees the handshake on both sides")

        // A TCP connection across the tunnel: the listener sees the peer's tunnel address.
        try exchangeTCP(pair)

        let (rcS, show) = try pair.sigil(pair.nsB, ["tunnel", "show", pair.confB])
        #expect(rcS == 0)
        for line in ["interface: \(pair.ifB)", "backend: userspace (wireguard-go)", "public key: \(pair.pubB)",
                     "peer: \(pair.pubA)", "endpoint: 192.0.2.1:51820", "allowed ips: 10.200.0.1/32",
                     "latest handshake: ", "transfer: ", "persistent keepalive: every 25 seconds"] {
            #expect(show.contains(line), "missing `\(line)` in\n\(show)")
        }
        let (_, wgShow) = try pair.sigil(pair.nsA, ["wg", "show"])
        #expect(wgShow.contains("interface: \(pair.ifA)") && !wgShow.contains("interface: \(pair.ifB)"),
                "wg show lists the interfaces of its own namespace")

        // Re-running `up` changes nothing and keeps the session: same handshake, counters not reset.
        let rxBefore = try transfer(pair.ifB)
        let (rcB2, again) = try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB])
        #expect(rcB2 == 0)
        #expect(again.contains("already up to date"), "\(again)")
        #expect(pair.latestHandshake(pair.ifB) == handshakeB)
        #expect(try transfer(pair.ifB) >= rxBefore)

        // A changed field is sent alone; the peer is not re-created, so A's handshake survives.
        try pair.writeA(extra: "PersistentKeepalive = 15")
        let (rcA2, changed) = try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA])
        #expect(rcA2 == 0)
        #expect(changed == "configured 1 peer(s) added or updated\n", "\(changed)")
        #expect(pair.latestHandshake(pair.ifA) == handshakeA)
        let (_, dump) = try WG.exec("/usr/bin/wg", ["show", pair.ifA, "persistent-keepalive"])
        #expect(dump.hasSuffix("\t15\n"), "\(dump)")
        try exchangeTCP(pair)

        for (ns, iface, conf) in [(pair.nsA, pair.ifA, pair.confA), (pair.nsB, pair.ifB, pair.confB)] {
            let (rc, down) = try pair.sigil(ns, ["tunnel", "down", conf])
            #expect(rc == 0, "\(down)")
            #expect((try? WG.ip(["-n", ns, "link", "show", iface])) == nil, "link \(iface) is gone")
            #expect(!FileManager.default.fileExists(atPath: "/var/run/wireguard/\(iface).sock"))
        }
        let (rcD, downAgain) = try pair.sigil(pair.nsA, ["tunnel", "down", pair.confA])
        #expect(rcD == 1)
        #expect(downAgain.contains("no interface \(pair.ifA)"))
    }

    /// Listener in A on the tunnel address, client in B; both are python3 one-liners (test tooling only).
    func exchangeTCP(_ pair: WireGuardPair, source: String? = nil, device: String? = nil) throws {
        let port = Int.random(in: 20000..<30000)
        let ip = URL(fileURLWithPath: "/usr/sbin/ip")
        let server = try Child(ip, ["netns", "exec", pair.nsA, "/usr/bin/python3", "-c", """
            import socket
            l = socket.socket(); l.bind(("10.200.0.1", \(port))); l.listen(1); print("listening", flush=True)
            c, a = l.accept(); print("peer", a[0], flush=True); c.sendall(b"pong"); c.close()
            """])
        #expect(server.waitForOutput(timeout: 10) { $0.contains("listening") })
        let (rc, reply) = try WG.exec("/usr/sbin/ip", ["netns", "exec", pair.nsB, "/usr/bin/python3", "-c", """
            import socket
            s = socket.socket(); s.settimeout(5)
            \(device.map { "s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b\"\($0)\")" } ?? "")
            \(source.map { "s.bind((\"\($0)\", 0))" } ?? "")
            s.connect(("10.200.0.1", \(port))); print(s.recv(16).decode())
            """])
        #expect(rc == 0, "\(reply)")
        #expect(reply.contains("pong"))
        #expect(server.waitForOutput(timeout: 10) { $0.contains("peer 10.200.0.2") }, "\(server.output)")
    }

    func transfer(_ iface: String) throws -> Int64 {
        let (_, out) = try WG.exec("/usr/bin/wg", ["show", iface, "transfer"])
        return out.split(separator: "\t").dropFirst().first.flatMap { Int64($0) } ?? -1
    }

    @Test func guardAcceptsTunnelAddressOnly() throws {
        let pair = try WireGuardPair()
        defer { pair.cleanup() }
        #expect(try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA]).0 == 0)
        #expect(try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB]).0 == 0)
        #expect(try pair.sigil(pair.nsB, ["tunnel", "wait-handshake", pair.confB]).0 == 0)

        // Signer side: the route to the validator must go through the tunnel.
        let (rc, ok) = try pair.sigil(pair.nsB, ["guard", "route", "--interface", pair.ifB, "10.200.0.1"])
        #expect(rc == 0, "\(ok)")
        #expect(ok.contains("from 10.200.0.2 on \(pair.ifB)"))
        // What the signer does with the answer: bind to that source and device, then connect.
        try exchangeTCP(pair, source: "10.200.0.2", device: pair.ifB)
        let (rcOff, off) = try WG.exec("/usr/sbin/ip", ["netns", "exec", pair.nsB, "/usr/bin/python3", "-c", """
            import socket
            s = socket.socket(); s.settimeout(3)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"vB")
            s.connect(("10.200.0.1", 9))
            """])
        #expect(rcOff != 0, "bound to the veth, the tunnel address is unreachable: \(off)")
        let (rcV, veth) = try pair.sigil(pair.nsB, ["guard", "route", "--interface", "vB", "10.200.0.1"])
        #expect(rcV == 1)
        #expect(veth.contains("interface vB is of kind veth, not WireGuard"), "\(veth)")
        try WG.ip(["-n", pair.nsB, "route", "add", "10.99.0.0/16", "dev", "vB"])
        let (rcR, around) = try pair.sigil(pair.nsB, ["guard", "route", "--interface", pair.ifB, "10.99.0.1"])
        #expect(rcR == 1)
        #expect(around.contains("the route to 10.99.0.1 leaves through vB, not \(pair.ifB)"), "\(around)")
        let (rcP, pub) = try pair.sigil(pair.nsB, ["guard", "route", "--interface", pair.ifB, "192.0.2.1"])
        #expect(rcP == 1)
        #expect(pub.contains("not a private"), "\(pub)")

        // Validator side: priv_validator_laddr must be an address of a WireGuard interface.
        let cases: [(String, Int32, String)] = [
            ("tcp://10.200.0.1:26659", 0, "is on WireGuard interface \(pair.ifA)"),
            ("tcp://192.0.2.1:26659", 1, "an address of vA (kind veth), not a WireGuard interface"),
            ("tcp://0.0.0.0:26659", 1, "listens on every interface"),
            ("unix:///run/privval.sock", 1, "a Unix socket"),
            ("", 1, "is empty"),
        ]
        for (laddr, want, text) in cases {
            let toml = pair.dir.path("config-\(want)-\(laddr.count).toml")
            try "# CometBFT\nproxy_app = \"tcp://127.0.0.1:26658\"\npriv_validator_laddr = \"\(laddr)\"\n\n[p2p]\n"
                .write(toFile: toml, atomically: true, encoding: .utf8)
            let (rc, out) = try pair.sigil(pair.nsA, ["guard", "laddr", toml])
            #expect(rc == want, "\(laddr): \(out)")
            #expect(out.contains(text), "\(laddr): \(out)")
            if want != 0 { #expect(out.contains("10.200.0.1 (\(pair.ifA))"), "the refusal names the address to use") }
        }
    }

    /// With the validator side down there is no handshake: the gate and the guard both refuse.
    @Test func noPeerNoHandshakeNoDial() throws {
        let pair = try WireGuardPair()
        defer { pair.cleanup() }
        #expect(try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB]).0 == 0)
        let (rc, out) = try pair.sigil(pair.nsB, ["tunnel", "wait-handshake", pair.confB, "--timeout", "3"])
        #expect(rc == 1)
        #expect(out.contains("no handshake with peer \(pair.pubA) on \(pair.ifB) within 3 s"), "\(out)")
        let (rcG, refused) = try pair.sigil(pair.nsB, ["guard", "route", "--interface", pair.ifB, "10.200.0.1"])
        #expect(rcG == 1)
        #expect(refused.contains("latest handshake with the validator's peer on \(pair.ifB) never happened"),
                "\(refused)")
    }

    /// After `tunnel up` changed something, only a handshake made since then counts: here A switches to a key B
    /// does not know, and the handshake from before the switch must not "confirm" the dead tunnel. `--since`
    /// moves the cut-off to a time the operator noted.
    @Test func waitHandshakeWantsOneFromAfterTheLastChange() throws {
        let pair = try WireGuardPair()
        defer { pair.cleanup() }
        let before = Int64(Date().timeIntervalSince1970)
        #expect(try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA]).0 == 0)
        #expect(try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB]).0 == 0)
        let (rc1, out1) = try pair.sigil(pair.nsA, ["tunnel", "wait-handshake", pair.confA])
        #expect(rc1 == 0, "\(out1)")
        let (rc2, out2) = try pair.sigil(pair.nsA, ["tunnel", "wait-handshake", pair.confA, "--timeout", "2"])
        #expect(rc2 == 0, "nothing changed since that handshake: \(out2)")

        let (rcK, newKey) = try pair.sigil(pair.nsA, ["wg", "genkey"])
        #expect(rcK == 0)
        try pair.writeA(privateKey: newKey.trimmed, extra: "")
        let (rcU, up) = try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA])
        #expect(rcU == 0 && up.contains("private key"), "\(up)")
        let (rc3, out3) = try pair.sigil(pair.nsA, ["tunnel", "wait-handshake", pair.confA, "--timeout", "3"])
        #expect(rc3 == 1 && out3.contains("no handshake with peer \(pair.pubB) on \(pair.ifA) within 3 s"), "\(out3)")
        let (rc4, out4) = try pair.sigil(pair.nsA, ["tunnel", "wait-handshake", pair.confA, "--since", "\(before)"])
        #expect(rc4 == 0, "the old handshake is after --since: \(out4)")
    }

    /// One side with a different preshared key: no handshake, and the error says to compare the PSKs.
    @Test func mismatchedPresharedKeyIsNamedInTheError() throws {
        let pair = try WireGuardPair()
        defer { pair.cleanup() }
        let (rc, _) = try WG.exec(Built.sigil.path, ["wg", "genpsk", "--out", pair.dir.path("other.psk")])
        #expect(rc == 0)
        try pair.writeA(psk: try String(contentsOfFile: pair.dir.path("other.psk"), encoding: .utf8).trimmed, extra: "")
        #expect(try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA]).0 == 0)
        #expect(try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB]).0 == 0)
        let (rcW, out) = try pair.sigil(pair.nsB, ["tunnel", "wait-handshake", pair.confB, "--timeout", "3"])
        #expect(rcW == 1)
        #expect(out.contains("that both sides have the same PresharedKey (or neither has one)"), "\(out)")
    }

    /// IPv6 tunnel addresses and routes go over the same rtnetlink calls; the guard picks the v6 source.
    @Test func ipv6AddressesRoutesAndGuard() throws {
        let pair = try WireGuardPair(ipv6: true)
        defer { pair.cleanup() }
        let (rcA, upA) = try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA])
        #expect(rcA == 0, "\(upA)")
        #expect(upA.contains("address fd00:200::1/64"))
        #expect(!upA.contains("route fd00:200::2/128"), "fd00:200::1/64 covers it")
        let (rcB, upB) = try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB])
        #expect(rcB == 0, "\(upB)")
        #expect(upB.contains("route fd00:200::1/128 dev \(pair.ifB)"))
        #expect(try WG.ip(["-6", "-n", pair.nsB, "route", "show", "dev", pair.ifB]).contains("fd00:200::1"))
        #expect(try WG.ip(["-6", "-n", pair.nsB, "address", "show", "dev", pair.ifB]).contains("fd00:200::2/128"))
        #expect(try pair.sigil(pair.nsB, ["tunnel", "wait-handshake", pair.confB]).0 == 0)
        let (rcG, ok) = try pair.sigil(pair.nsB, ["guard", "route", "--interface", pair.ifB, "fd00:200::1"])
        #expect(rcG == 0, "\(ok)")
        #expect(ok.contains("from fd00:200::2 on \(pair.ifB)"), "\(ok)")
        let (_, again) = try pair.sigil(pair.nsB, ["tunnel", "up", pair.confB])
        #expect(again.contains("already up to date"), "\(again)")
    }

    /// A failure after the link was created (here: the listen port is taken) leaves nothing behind.
    @Test func failedUpRemovesWhatItCreated() throws {
        let pair = try WireGuardPair()
        defer { pair.cleanup() }
        #expect(try pair.sigil(pair.nsA, ["tunnel", "up", pair.confA]).0 == 0)
        let ifC = WG.unique("wgC")
        defer { unlink("/var/run/wireguard/\(ifC).sock") }
        let confC = pair.dir.path("\(ifC).conf")
        let (_, key) = try pair.sigil(pair.nsA, ["wg", "genkey"])
        try WG.writeSecret(confC, "[Interface]\nPrivateKey = \(key.trimmed)\nListenPort = 51820\n"
                               + "Address = 10.201.0.1/24\n")
        let (rc, out) = try pair.sigil(pair.nsA, ["tunnel", "up", confC])
        #expect(rc == 1)
        #expect(out.contains("errno=-98"), "\(out)")
        #expect(WG.eventually { (try? WG.ip(["-n", pair.nsA, "link", "show", ifC])) == nil }, "no half-made \(ifC)")
        #expect(!FileManager.default.fileExists(atPath: "/var/run/wireguard/\(ifC).sock"))
        #expect(try pair.sigil(pair.nsA, ["tunnel", "show", pair.ifA]).0 == 0, "the other tunnel is untouched")
    }

    @Test(.enabled(if: !FileManager.default.fileExists(atPath: "/sys/module/wireguard")))
    func kernelBackendReportsMissingModule() throws {
        let pair = try WireGuardPair()
        defer { pair.cleanup() }
        let (rc, out) = try pair.sigil(pair.nsA, ["tunnel", "up", "--backend", "kernel", pair.confA])
        #expect(rc == 1)
        #expect(out.contains("this kernel has no WireGuard module"), "\(out)")
        #expect(out.contains("--backend userspace"))
        #expect((try? WG.ip(["-n", pair.nsA, "link", "show", pair.ifA])) == nil, "nothing half-created")
        let (rcS, show) = try pair.sigil(pair.nsA, ["tunnel", "show", pair.ifA])
        #expect(rcS == 1)
        #expect(show.contains("no WireGuard interface \(pair.ifA)"), "\(show)")
    }
}
