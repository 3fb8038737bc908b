import Foundation
import KeyFormats
import Netlink
import SigilCrypto
import Testing
import TestSupport
import ValidatorPeer

/// Docs/production.md as written: machine A (validator) and machine B (signer) joined through an "internet"
/// namespace, bundles provisioned both ways, firewalls and wireguard-go tunnels from the bundles, the systemd
/// install step (user, modes, units through systemd-analyze verify) and Sigil running as that user with the
/// unit's capabilities, then the WireGuard key rotation. A validator stand-in listens on A's tunnel address.
extension DocsTests {
    @Test func productionSetupAsDocumented() throws {
        let inet = try Machine("spi-\(id)"), a = try Machine("spa-\(id)"), b = try Machine("spb-\(id)")
        defer { a.destroy(); b.destroy(); inet.destroy(); DocRunner.cleanUp(a); DocRunner.cleanUp(b) }
        try Machine.link(inet, "203.0.113.1/24", a, "203.0.113.10/24")
        try Machine.link(inet, "198.51.100.1/24", b, "198.51.100.20/24")
        try inet.exec("sysctl -qw net.ipv4.ip_forward=1")
        try a.exec("ip route add default via 203.0.113.1")
        try b.exec("ip route add default via 198.51.100.1")
        try DocRunner.prepare(a)
        try DocRunner.prepare(b)

        // The operator's working directory: a checkout (for wireguard/systemd) shared by both machines here.
        let work = try TempDir("sigil-prod-doc")
        defer { work.remove() }
        try Machine.sh("ln -s \(DocRunner.repository)/wireguard \(work.path("wireguard")) && chmod 0755 \(work.url.path)")
        let keyJSON = String(decoding: try Vectors.data("keys/cometbft/test_priv_validator_key.json"), as: UTF8.self)
        try Machine.sh("umask 077 && printf %s \(shellQuote(keyJSON)) > \(work.path("priv_validator_key.json"))")
        let key = try ValidatorKeyFile.parse(Array(keyJSON.utf8), path: "test key").privateKey.publicKey
        // sekaid's config.toml on A, edited as the bundle's sekaid-config-change.toml says.
        try a.exec("mkdir -p /root/sekai/config && printf '%s\\n' 'proxy_app = \"tcp://127.0.0.1:26658\"' "
            + "'priv_validator_laddr = \"tcp://10.200.0.1:26659\"' '' '[p2p]' > /root/sekai/config/config.toml")

        let doc = try DocRunner(doc: "Docs/production.md", machine: b, machines: ["A": a, "B": b],
                                workingDirectory: work.url.path)
        defer { doc.stopDaemons() }
        var node: ValidatorListener?
        defer { node?.close() }
        var conn: ValidatorConnection?
        var driver = ConsensusDriver(chainID: "kira-1")
        var height: Int64 = 0
        try doc.run(after: { _, block, out in
            if block.on == "A", block.text.contains("sigil tunnel up /etc/sigil/wg0.conf"), node == nil {
                node = try NetworkNamespace.run(path: a.netns) { try ValidatorListener(tcpHost: "10.200.0.1", port: 26659) }
            }
            if block.text.contains("sigil guard laddr") {
                #expect(out.contains("is on WireGuard interface wg0"), "\(out)")
            }
            if block.text.contains("sigil check -c") {
                #expect(!out.contains("FAIL") && out.contains("tunnel guard passes"), "\(out)")
                #expect(out.contains("show-validator (cosmos-sdk JSON): \(ConsensusPubKey(key).cosmosJSON)"), "\(out)")
            }
            if block.text.contains("systemd-analyze verify") {
                #expect(!out.contains("sigil"), "systemd-analyze has nothing to say about the units: \(out)")
            }
            if block.daemon {
                let c = try DocsTests.accept(try #require(node), timeout: 30)
                #expect(try driver.fetchPublicKey(c) == key)
                for _ in 0..<3 { height += 1; try driver.runHeight(c, height: height) }
                conn = c
            }
            if block.text.contains("sigil state show") {
                #expect(out.contains("h/r/s 3/0/3"), "\(out)")
            }
            if block.text.contains("shred -u /etc/sigil/wg-new.key") {
                // After the rotation: signing goes on, on the same session or after Sigil reconnects.
                height += 1
                do { try driver.runHeight(try #require(conn), height: height) } catch {
                    let c = try DocsTests.accept(try #require(node), timeout: 30)
                    try driver.runHeight(c, height: height)
                }
                #expect(out.contains("wg0: handshake"), "\(out)")
            }
        })
        #expect(height == 4 && doc.daemons.count == 1, "\(doc.daemons.first?.output ?? "")")
        #expect(doc.daemons.first?.output.contains("connected to validator successfully") == true)
        doc.checkQuotedMessages()
    }
}
