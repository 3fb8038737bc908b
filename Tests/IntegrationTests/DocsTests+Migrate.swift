import Foundation
import KeyFormats
import Netlink
import Privval
import SigilCrypto
import Testing
import TestSupport
import ValidatorPeer

/// Docs/migrate-from-tmkms.md run as written, on a signer machine B holding a TMKMS home laid out as TMKMS lays it
/// out (tmkms.toml, secrets/, state/<chain>-consensus.json in TMKMS's format, keys from TMKMS's own test files)
/// with a TMKMS still running (a process named `tmkms`), and a validator stand-in on machine A listening where
/// sekaid would. The test plays the operator's parts the doc cannot run here (stopping TMKMS, stopping Sigil)
/// and the node's part (GetPubKey, votes, signature checks).
extension DocsTests {
    static let chain = "kira-1"
    /// The watermark TMKMS left: a precommit (tmkms step 2) at 41/0.
    static let tmkmsHeight: Int64 = 41

    @Test func cutoverAndRollbackAsDocumented() throws {
        let a = try Machine("sda-\(id)"), b = try Machine("sdb-\(id)")
        defer { a.destroy(); b.destroy(); DocRunner.cleanUp(b) }
        try Machine.link(a, "10.10.0.1/24", b, "10.10.0.2/24")
        try DocRunner.prepare(b)
        let consensus = try Self.writeTmkmsHome(on: b)
        let expectedJSON = ConsensusPubKey(consensus).cosmosJSON

        // sekaid's side: listening on its privval address before anything else, as a running node does.
        let node = try NetworkNamespace.run(path: a.netns) { try ValidatorListener(tcpHost: "10.10.0.1", port: 26659) }
        defer { node.close() }

        // TMKMS is still running on B: a process whose name is `tmkms`.
        let fake = try TempDir("sigil-tmkms")
        defer { fake.remove() }
        try Machine.sh("cp /bin/sleep \(fake.path("tmkms"))")
        let tmkms = try Child(URL(fileURLWithPath: fake.path("tmkms")), ["600"])
        defer { tmkms.kill() }

        let doc = try DocRunner(doc: "Docs/migrate-from-tmkms.md", machine: b)
        defer { doc.stopDaemons() }
        var driver = ConsensusDriver(chainID: Self.chain)
        var lastBlock = ConsensusDriver.blockID(height: 0)
        var checks = 0
        try doc.run(before: { _, block in
            if block.text.contains("systemctl disable --now tmkms") {
                tmkms.kill()
            }
            if block.text.contains("sigil init ~/sigil") {
                // What `sigil start` says for a fresh home while TMKMS's state lies at ~/.tmkms.
                let (rc, out) = try b.run("HOME=/root sigil init /root/sigil -n kira && cp -p "
                    + "/root/.tmkms/secrets/kira-1-consensus.key /root/sigil/secrets/priv_validator_key.json && "
                    + "HOME=/root sigil start -c /root/sigil/tmkms.toml")
                doc.record(out)
                #expect(rc != 0 && out.contains("refusing to start chain kira-1 from an empty state"), "\(out)")
                #expect(out.contains("while /root/.tmkms/state/kira-1-consensus.json (h/r/s 41/0/3 (tmkms file)) exists"),
                        "it names what it found: \(out)")
                try b.exec("rm -rf /root/sigil")
            }
            if block.text.contains("systemctl disable --now sigil") {
                // Still running: the export must refuse, then stop Sigil as the operator would.
                let (rc, out) = try b.run("HOME=/root sigil state export -c /root/.tmkms/tmkms.toml --format tmkms")
                doc.record(out)
                #expect(rc != 0 && out.contains("another sigil is already running"), "\(out)")
                doc.stopDaemons()
            }
        }, after: { _, block, out in
            if block.text.contains("sigil check -c") {
                checks += 1
                #expect(out.contains("show-validator (cosmos-sdk JSON): \(expectedJSON)"), "\(out)")
                if checks == 1 {
                    #expect(out.contains("FAIL tmkms is running on this host (pid \(tmkms.process.processIdentifier))"),
                            "the pre-flight sees the old signer: \(out)")
                }
            }
            if block.text.contains("sigil state import") {
                let state = try b.exec("sigil state show /root/sigil/state/kira-1_priv_validator_state.json")
                #expect(state.contains("h/r/s 41/0/3"), "TMKMS's precommit (tmkms step 2) carried over: \(state)")
            }
            if block.daemon {
                let conn = try Self.accept(node, timeout: 30)
                #expect(try driver.fetchPublicKey(conn) == consensus, "the node gets the TMKMS key")
                // At TMKMS's watermark: refused, whatever the block.
                let old = ConsensusDriver.vote(.precommit, height: Self.tmkmsHeight, blockID: ConsensusDriver.blockID(height: 41))
                guard case .signedVoteResponse(let v, let error) = try conn.request(.signVoteRequest(old, chainID: Self.chain))
                else { throw Machine.Failure(description: "expected SignedVoteResponse") }
                #expect(error != nil && v.signature.isEmpty, "nothing at or below TMKMS's 41/0/precommit is signed")
                for h in (Self.tmkmsHeight + 1)...(Self.tmkmsHeight + 3) {
                    _ = try driver.runHeight(conn, height: h, propose: false)
                    lastBlock = ConsensusDriver.blockID(height: h)
                }
            }
            if block.text.hasPrefix("sigil state show") && !doc.daemons.isEmpty {
                #expect(out.contains("h/r/s 44/0/3"), "the watermark moved past TMKMS's: \(out)")
            }
            if block.text.contains("sigil state export") {
                #expect(out.contains("state /root/.tmkms/state/kira-1-consensus.json: h/r/s 44/0/3 (precommit), a tmkms file"),
                        "the check after the rollback reads the export back as TMKMS's: \(out)")
                let text = try b.exec("cat /root/.tmkms/state/kira-1-consensus.json")
                let hash = Hex.encode(lastBlock.hash, uppercase: true)
                #expect(text.contains("\"height\":\"44\",\"round\":\"0\",\"step\":2,\"block_id\":{\"hash\":\"\(hash)\""),
                        "TMKMS's format, TMKMS's step numbering, the last block signed: \(text)")
            }
        })
        #expect(checks == 3, "the doc runs sigil check before the stop, after it and after the rollback")
        #expect(doc.daemons.count == 1)
        doc.checkQuotedMessages()
    }

    /// Lays out ~/.tmkms as `tmkms init` and KIRA's guide leave it; returns the consensus public key.
    static func writeTmkmsHome(on b: Machine) throws -> Ed25519.PublicKey {
        let seedText = String(decoding: try Vectors.data("keys/tmkms/signing_ed25519.key"), as: UTF8.self)
        let identity = String(decoding: try Vectors.data("keys/tmkms/secret_connection.key"), as: UTF8.self)
        let seed = try Base64.decode(seedText.trimmingCharacters(in: .whitespacesAndNewlines))
        let hash = Hex.encode(SHA256.hash(Array("tmkms-block-41".utf8)), uppercase: true)
        let toml = """
            # TMKMS configuration file (as `tmkms init` writes it, edited for KIRA)

            ## Chain Configuration

            [[chain]]
            id = "kira-1"
            key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
            state_file = "/root/.tmkms/state/kira-1-consensus.json"

            ## Signing Provider Configuration

            [[providers.softsign]]
            chain_ids = ["kira-1"]
            key_type = "consensus"
            path = "/root/.tmkms/secrets/kira-1-consensus.key"

            ## Validator Configuration

            [[validator]]
            chain_id = "kira-1"
            addr = "tcp://10.10.0.1:26659"
            secret_key = "/root/.tmkms/secrets/kms-identity.key"
            protocol_version = "v0.34"
            reconnect = true

            """
        let state = "{\"height\":\"41\",\"round\":\"0\",\"step\":2,\"block_id\":{\"hash\":\"\(hash)\","
            + "\"parts\":{\"total\":\"1\",\"hash\":\"\(hash)\"}}}"
        try b.exec("mkdir -p /root/.tmkms/secrets /root/.tmkms/state /root/.tmkms/schema && chmod 700 /root/.tmkms/secrets"
            + " && umask 077 && printf %s \(shellQuote(seedText)) > /root/.tmkms/secrets/kira-1-consensus.key"
            + " && printf %s \(shellQuote(identity)) > /root/.tmkms/secrets/kms-identity.key"
            + " && printf %s \(shellQuote(toml)) > /root/.tmkms/tmkms.toml"
            + " && printf %s \(shellQuote(state)) > /root/.tmkms/state/kira-1-consensus.json")
        return try Ed25519.PrivateKey(seed: seed).publicKey
    }

    /// Accepts until a Secret Connection handshake succeeds: a pre-flight's bare TCP probe may sit first in the
    /// backlog, as it would at sekaid, which also just drops it.
    static func accept(_ node: ValidatorListener, timeout: Double) throws -> ValidatorConnection {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            do { return try node.accept(timeout: max(0.5, deadline.timeIntervalSinceNow)) } catch {
                if Date() >= deadline { throw error }
            }
        }
    }
}
