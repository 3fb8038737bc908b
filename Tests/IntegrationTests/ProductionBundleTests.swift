import Foundation
import Netlink
import Privval
import Sockets
import Testing
import TestSupport
import ValidatorPeer

/// The two-machine production setup, end to end: machine A (validator) and machine B (signer) joined only through
/// a third "internet" namespace that routes between them and also plays the attacker. `sigil provision` output is
/// applied as is: its firewall rules loaded with nft, its tunnel brought up by `sigil tunnel up` (wireguard-go),
/// a validator-side peer listening on A's tunnel address, `sigil start` on B with the bundle's config.
@Suite(.serialized, .enabled(if: getuid() == 0 || Vectors.isCI))
struct ProductionBundleTests {
    let id = String(UUID().uuidString.prefix(6)).lowercased()

    @Test func provisionedBundlesSignThroughTheTunnelOnly() throws {
        let inet = try Machine("sgi-\(id)"), a = try Machine("sga-\(id)"), b = try Machine("sgb-\(id)")
        defer { a.destroy(); b.destroy(); inet.destroy() }
        try Machine.link(inet, "203.0.113.1/24", a, "203.0.113.10/24")
        try Machine.link(inet, "198.51.100.1/24", b, "198.51.100.20/24")
        try inet.exec("sysctl -qw net.ipv4.ip_forward=1")
        try a.exec("ip route add default via 203.0.113.1")
        try b.exec("ip route add default via 198.51.100.1")

        let dir = try TempDir("sigil-prod")
        defer { dir.remove() }
        let sigil = Built.sigil.path
        let signerHome = dir.path("signer")
        try Machine.sh("\(sigil) provision --chain-id prod-1 --validator-endpoint 203.0.113.10 "
            + "--signer-endpoint 198.51.100.20 --out \(dir.url.path) --signer-home \(signerHome)")
        let validatorConf = dir.path("validator/wg0.conf"), signerConf = dir.path("signer/wg0.conf")

        // Firewalls from the bundles, loaded with nft as they are.
        try a.exec("nft -f \(dir.path("validator/firewall/sigil.nft"))")
        try b.exec("nft -f \(dir.path("signer/firewall/sigil.nft"))")

        // Tunnels through Sigil (wireguard-go: this kernel has no WireGuard module).
        try a.exec("\(sigil) tunnel up \(validatorConf)")
        try b.exec("\(sigil) tunnel up \(signerConf)")
        try b.exec("\(sigil) tunnel wait-handshake \(signerConf) --timeout 20")
        #expect(try b.exec("\(sigil) wg show wg0").contains("userspace"), "wireguard-go backend in use")

        // sekaid's side: listen on the tunnel address only, as the bundle's config.toml patch says.
        let listener = try NetworkNamespace.run(path: a.netns) {
            try ValidatorListener(tcpHost: "10.200.0.1", port: 26659)
        }
        defer { listener.close() }

        // The signer on B, with a fresh consensus key in the bundle's key path.
        try b.exec("\(sigil) softsign keygen \(signerHome)/secrets/priv_validator_key.json")
        try append("\(signerHome)/tmkms.toml", "\n[metrics]\naddr = \"127.0.0.1:9311\"\n")
        let signer = try b.spawn([sigil, "start", "-c", "\(signerHome)/tmkms.toml"])
        defer { signer.kill(SIGTERM) }
        var conn = try Self.accept(listener, signer)
        var driver = ConsensusDriver(chainID: "prod-1")
        _ = try driver.fetchPublicKey(conn)
        var last: [Vote] = []
        for h in Int64(1)...50 { last = try driver.runHeight(conn, height: h, propose: h % 2 == 0) }

        // On machine B, `sigil status` sees the signer and the WireGuard peer it signs through.
        let tunnel = try Self.tunnelStatus(b)
        #expect(tunnel?["interface"] as? String == "wg0" && tunnel?["up"] as? Bool == true, "\(String(describing: tunnel))")
        #expect((tunnel?["last_handshake_age_seconds"] as? Double ?? 1e9) < 180)
        #expect((tunnel?["received_bytes"] as? Int ?? 0) > 0 && (tunnel?["sent_bytes"] as? Int ?? 0) > 0)

        // The internet cannot reach the privval port: not on A's public address, not on its tunnel address
        // (routed via A), and WireGuard packets from a non-peer are dropped by A's firewall.
        try inet.exec("ip route add 10.200.0.0/24 via 203.0.113.10")
        for target in ["203.0.113.10", "10.200.0.1"] {
            let (status, out) = try inet.run("timeout 3 bash -c 'exec 3<>/dev/tcp/\(target)/26659' && echo CONNECTED")
            #expect(status != 0 && !out.contains("CONNECTED"), "26659 on \(target) reachable from the internet: \(out)")
        }
        let dropsBefore = try Self.counter(a, "udp dport 51820 counter")
        try inet.exec("bash -c 'for i in 1 2 3 4 5; do echo x > /dev/udp/203.0.113.10/51820; done'")
        let dropsAfter = try Self.counter(a, "udp dport 51820 counter")
        #expect(dropsAfter >= dropsBefore + 5, "WireGuard from a non-peer is dropped (\(dropsBefore) -> \(dropsAfter))")

        // Tunnel down: the signer refuses to dial (guard). Tunnel back: signing resumes with the state kept.
        try b.exec("\(sigil) tunnel down \(signerConf)")
        conn.close()
        #expect(signer.waitForOutput(timeout: 30) { $0.contains("tunnel guard: interface wg0 does not exist") },
                "the guard refuses to dial outside the tunnel while it is down: \(signer.output)")
        #expect(try Self.tunnelStatus(b)?["up"] as? Bool == false, "status shows the device gone")
        try b.exec("\(sigil) tunnel up \(signerConf)")
        try b.exec("\(sigil) tunnel wait-handshake \(signerConf) --timeout 20")
        conn = try Self.accept(listener, signer)
        _ = try driver.fetchPublicKey(conn)
        var fork = last[1]
        fork.blockID = ConsensusDriver.blockID(height: 50, variant: "-fork")
        fork.signature = []
        guard case .signedVoteResponse(_, let error) = try conn.request(.signVoteRequest(fork, chainID: "prod-1")) else {
            Issue.record("expected a SignedVoteResponse")
            return
        }
        #expect(error != nil, "height 50 is still signed after the outage: a conflicting precommit is refused")
        for h in Int64(51)...53 { _ = try driver.runHeight(conn, height: h) }
    }

    static func accept(_ listener: ValidatorListener, _ signer: Child) throws -> ValidatorConnection {
        do { return try listener.accept(timeout: 30) } catch {
            Issue.record("the signer did not connect: \(signer.output)")
            throw error
        }
    }

    /// The first tunnel in `sigil status --json`, run on machine B.
    static func tunnelStatus(_ b: Machine) throws -> [String: Any]? {
        let json = try b.exec("\(Built.sigil.path) status --addr 127.0.0.1:9311 --json")
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return (doc?["tunnels"] as? [[String: Any]])?.first
    }

    /// The packet counter of the first nft rule in A's table that contains `match`.
    static func counter(_ m: Machine, _ match: String) throws -> Int {
        let listing = try m.exec("nft list table inet sigil")
        guard let line = listing.split(separator: "\n").first(where: { $0.contains(match) }),
              let range = line.range(of: "packets ") else { return 0 }
        return Int(line[range.upperBound...].prefix { $0.isNumber }) ?? 0
    }
}
