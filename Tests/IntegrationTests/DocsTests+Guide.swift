import Foundation
import KeyFormats
import Netlink
import SigilCrypto
import Testing
import TestSupport
import ValidatorPeer

/// Docs/operator-guide.md as written: a fresh Sigil home on machine B, the validator's priv_validator_key.json
/// (CometBFT's test key) imported, the config the guide shows, and a validator stand-in on machine A.
extension DocsTests {
    @Test func operatorGuideAsDocumented() throws {
        let a = try Machine("sga-\(id)"), b = try Machine("sgb-\(id)")
        defer { a.destroy(); b.destroy(); DocRunner.cleanUp(b) }
        try Machine.link(a, "10.10.0.1/24", b, "10.10.0.2/24")
        try DocRunner.prepare(b)
        let keyJSON = String(decoding: try Vectors.data("keys/cometbft/test_priv_validator_key.json"), as: UTF8.self)
        try b.exec("umask 077 && printf %s \(shellQuote(keyJSON)) > /root/priv_validator_key.json")
        let key = try ValidatorKeyFile.parse(Array(keyJSON.utf8), path: "test_priv_validator_key.json").privateKey.publicKey

        let node = try NetworkNamespace.run(path: a.netns) { try ValidatorListener(tcpHost: "10.10.0.1", port: 26659) }
        defer { node.close() }
        let doc = try DocRunner(doc: "Docs/operator-guide.md", machine: b, workingDirectory: "/root")
        defer { doc.stopDaemons() }
        var sawCheck = false, sawState = false
        try doc.run(after: { _, block, out in
            if block.text.hasPrefix("sigil softsign import") {
                #expect(out.contains(ConsensusPubKey(key).bech32(hrp: "kiravalconspub")), "\(out)")
                #expect(try b.run("test -e /root/priv_validator_key.json").0 != 0, "the JSON copy is gone")
            }
            if block.text.hasPrefix("sigil check") {
                sawCheck = true
                #expect(out.contains("show-validator (cosmos-sdk JSON): \(ConsensusPubKey(key).cosmosJSON)"), "\(out)")
                #expect(!out.contains("FAIL"), "\(out)")
            }
            if block.daemon {
                let conn = try DocsTests.accept(node, timeout: 30)
                var driver = ConsensusDriver(chainID: "kira-1")
                #expect(try driver.fetchPublicKey(conn) == key)
                for h in Int64(1)...3 { try driver.runHeight(conn, height: h) }
            }
            if block.text.hasPrefix("sigil state show") {
                sawState = true
                #expect(out.contains("h/r/s 3/0/3 (precommit)"), "\(out)")
            }
        })
        #expect(sawCheck && sawState && doc.daemons.count == 1)
        let log = doc.daemons[0].output
        for line in ["connected to validator successfully", "signed Proposal:", "signed Precommit:"] {
            #expect(log.contains("[kira-1@tcp://10.10.0.1:26659] \(line)"), "the guide's log lines: \(log)")
        }
        doc.checkQuotedMessages()
    }
}
