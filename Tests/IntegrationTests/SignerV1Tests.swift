import Foundation
import KeyFormats
import Privval
import SigilCrypto
import Testing
import TestSupport
import ValidatorPeer

/// The real `sigil start` against validator-side peers that decode as CometBFT v1 nodes do (and, for a config
/// without protocol_version, one legacy peer beside a v1 one), over TCP with Secret Connection and over Unix
/// sockets. Every signature is checked against the configured consensus key.
@Suite(.serialized)
struct SignerV1Tests {
    typealias Transport = SignerEndToEndTests.Transport

    /// Five [[validator]]s in one process: v1 with sign_bytes, v1.0 without, v0.38 (met by a v1 node), and two
    /// without protocol_version on a chain whose explicit sign_extensions = false cannot be applied (and is reported).
    struct Peers {
        let home: SignerEndToEndTests.Home
        let open, closed, legacy, autoV1, autoLegacy: ValidatorListener

        init(_ transport: Transport) throws {
            let home = try SignerEndToEndTests.Home()
            self.home = home
            func listener(_ name: String) throws -> ValidatorListener {
                transport == .tcp ? try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
                    : try ValidatorListener(unixPath: home.dir.path("\(name).sock"))
            }
            open = try listener("open")
            closed = try listener("closed")
            legacy = try listener("legacy")
            autoV1 = try listener("auto-v1")
            autoLegacy = try listener("auto-legacy")
            func chain(_ id: String, _ extra: String = "") -> String {
                "[[chain]]\nid = \"\(id)\"\nkey_format = { type = \"hex\" }\n"
                    + "state_file = \"\(home.dir.path("state/\(id).json"))\"\n\(extra)\n"
            }
            func validator(_ chain: String, _ listener: ValidatorListener, _ version: String?) -> String {
                "[[validator]]\nchain_id = \"\(chain)\"\naddr = \"\(listener.address)\"\n"
                    + (transport == .tcp ? "secret_key = \"\(home.dir.path("secrets/kms-identity.key"))\"\n" : "")
                    + (version.map { "protocol_version = \"\($0)\"\n" } ?? "")
            }
            let text = chain("v1-open", "sign_bytes = true") + chain("v1-closed")
                + chain("mixed", "sign_extensions = false")
                + "[[providers.softsign]]\nchain_ids = [\"v1-open\", \"v1-closed\", \"mixed\"]\n"
                + "path = \"\(home.consensusKey)\"\n"
                + validator("v1-open", open, "v1") + validator("v1-closed", closed, "v1.0")
                + validator("v1-closed", legacy, "v0.38")
                + validator("mixed", autoV1, nil) + validator("mixed", autoLegacy, nil)
            try text.write(toFile: home.config, atomically: true, encoding: .utf8)
        }

        func close() {
            for l in [open, closed, legacy, autoV1, autoLegacy] { l.close() }
            home.dir.remove()
        }
    }

    /// The key a v1 node reads from a PubKeyResponse, and whether the legacy field 1 came with it.
    static func v1Answer(_ conn: ValidatorConnection, _ chain: String) throws -> (key: [UInt8], alsoLegacy: Bool)? {
        guard case .pubKeyResponseV1(.ed25519(let raw)?, error: nil, let legacy) =
                try conn.request(.pubKeyRequest(chainID: chain)) else { return nil }
        return (raw, legacy)
    }

    @Test(arguments: Transport.allCases)
    func v1NodeGetsEveryRequestAnswered(_ transport: Transport) throws {
        let peers = try Peers(transport)
        defer { peers.close() }
        let sigil = try peers.home.start()
        // SIGKILL: the test runner spawns children with SIGTERM blocked, so SIGTERM would wait out `wait`.
        defer { sigil.kill(SIGKILL); sigil.wait() }
        let key = try SoftsignKey.load(peers.home.consensusKey).publicKey

        // v1, sign_bytes = true.
        let open = try peers.open.accept(timeout: 30, dialect: .v1)
        defer { open.close() }
        let v1Only = try #require(try Self.v1Answer(open, "v1-open"))
        #expect(v1Only.key == key.rawRepresentation && !v1Only.alsoLegacy, "pub_key_bytes/pub_key_type only")
        var driver = ConsensusDriver(chainID: "v1-open", expectExtensions: true)
        #expect(try driver.fetchPublicKey(open) == key)
        try driver.ping(open)

        // Height 1 as a v1 node with vote extensions on runs it: the proposal, the prevote with
        // skip_extension_signing set, the precommit (extension "ext-1") without it.
        let votes = try driver.runHeight(open, height: 1)
        #expect(votes[0].extensionSignature.isEmpty && votes[1].extensionSignature.count == 64)
        // Height 2: nil prevote and nil precommit asking for an extension get none; then an empty extension is
        // still signed (FilePV does), and a precommit with skip_extension_signing gets no extension signature.
        let block2 = ConsensusDriver.blockID(height: 2)
        _ = try driver.signVote(open, ConsensusDriver.vote(.prevote, height: 2, blockID: BlockID()))
        let nilPrecommit = try driver.signVote(
            open, ConsensusDriver.vote(.precommit, height: 2, blockID: BlockID()), skipExtension: false)
        #expect(nilPrecommit.extensionSignature.isEmpty)
        let empty = try driver.signVote(
            open, ConsensusDriver.vote(.precommit, height: 2, round: 1, blockID: block2), skipExtension: false)
        #expect(key.isValidSignature(empty.extensionSignature, for: SignBytes.voteExtension(empty, chainID: "v1-open")))
        let skipped = try driver.signVote(
            open, ConsensusDriver.vote(.precommit, height: 3, blockID: ConsensusDriver.blockID(height: 3),
                                       extension: Array("ext-3".utf8)), skipExtension: true)
        #expect(skipped.extensionSignature.isEmpty, "skip_extension_signing is honoured")

        // SignBytes: application bytes are signed; a vote, a proposal or an extension is refused, for any chain.
        let payload = Array("application payload".utf8)
        let signature = try driver.signBytes(open, payload)
        #expect(key.isValidSignature(signature, for: payload))
        let precommit = ConsensusDriver.vote(.precommit, height: 50, blockID: ConsensusDriver.blockID(height: 50))
        let proposal = Proposal(type: .proposal, height: 50, polRound: -1, blockID: ConsensusDriver.blockID(height: 50),
                                timestamp: ConsensusDriver.now())
        for (bytes, what) in [
            (SignBytes.vote(precommit, chainID: "v1-open"), "a canonical Precommit for chain `v1-open` at height 50"),
            (SignBytes.proposal(proposal, chainID: "v1-open"), "a canonical Proposal for chain `v1-open` at height 50"),
            (SignBytes.voteExtension(precommit, chainID: "v1-open"), "a canonical vote extension for chain `v1-open`"),
            (SignBytes.vote(precommit, chainID: "other-chain"), "a canonical Precommit for chain `other-chain`"),
        ] {
            let refused = #expect(throws: ConsensusDriver.Failure.self) { try driver.signBytes(open, bytes) }
            #expect(refused?.description.contains(what) == true, "\(refused?.description ?? "signed")")
        }
        try driver.ping(open)
        _ = try driver.runHeight(open, height: 4)

        // v1.0, sign_bytes absent: refused with the fix, and the connection stays.
        let closed = try peers.closed.accept(timeout: 30, dialect: .v1)
        defer { closed.close() }
        var strict = ConsensusDriver(chainID: "v1-closed", expectExtensions: true)
        #expect(try strict.fetchPublicKey(closed) == key)
        let refused = #expect(throws: ConsensusDriver.Failure.self) { try strict.signBytes(closed, payload) }
        #expect(refused?.description.contains("chain v1-closed does not allow signing arbitrary bytes") == true)
        #expect(refused?.description.contains("set sign_bytes = true on its [[chain]]") == true)
        try strict.ping(closed)
        _ = try strict.runHeight(closed, height: 1)

        // protocol_version = "v0.38" met by a v1 node: the legacy key form, which v1 cannot read, and SignBytes
        // answered as an unknown request that names the setting to change.
        let legacy = try peers.legacy.accept(timeout: 30, dialect: .v1)
        defer { legacy.close() }
        var misconfigured = ConsensusDriver(chainID: "v1-closed")
        let noKey = #expect(throws: ConsensusDriver.Failure.self) { try misconfigured.fetchPublicKey(legacy) }
        #expect(noKey?.description.contains("no ed25519 key in pub_key_bytes/pub_key_type") == true)
        let unknown = #expect(throws: ConsensusDriver.Failure.self) { try misconfigured.signBytes(legacy, payload) }
        #expect(unknown?.description.contains("unsupported privval request (Message field 9, CometBFT v1 "
            + "SignBytesRequest): this [[validator]] has protocol_version = \"v0.38\"; set protocol_version = "
            + "\"v1\" for a v1 node") == true, "\(unknown?.description ?? "")")

        // No protocol_version: one PubKeyResponse that a v1 node and a legacy node both read, sharing one state.
        let autoV1 = try peers.autoV1.accept(timeout: 30, dialect: .v1)
        let autoLegacy = try peers.autoLegacy.accept(timeout: 30, dialect: .legacy)
        defer { autoV1.close(); autoLegacy.close() }
        let both = try #require(try Self.v1Answer(autoV1, "mixed"))
        #expect(both.key == key.rawRepresentation && both.alsoLegacy, "without protocol_version: both forms")
        var legacyNode = ConsensusDriver(chainID: "mixed", expectExtensions: true)
        var v1Node = ConsensusDriver(chainID: "mixed", expectExtensions: true)
        #expect(try legacyNode.fetchPublicKey(autoLegacy) == key)
        #expect(try v1Node.fetchPublicKey(autoV1) == key)
        _ = try legacyNode.runHeight(autoLegacy, height: 1)
        _ = try v1Node.runHeight(autoV1, height: 2)
        let notOn = #expect(throws: ConsensusDriver.Failure.self) { try v1Node.signBytes(autoV1, payload) }
        #expect(notOn?.description.contains("chain mixed does not allow signing arbitrary bytes") == true)

        let last = "[mixed@\(peers.autoV1.address)] signed Precommit:"
        #expect(sigil.waitForOutput(timeout: 10) { $0.contains(last) }, "\(sigil.output)")
        let log = sigil.output
        // One step numbering everywhere: CometBFT's 1 proposal, 2 prevote, 3 precommit.
        #expect(log.contains("[v1-open@\(peers.open.address)] signed Proposal:"))
        #expect(log.contains(" at h/r/s 1/0/1 (") && log.contains(" at h/r/s 1/0/2 (") && log.contains(" at h/r/s 1/0/3 ("))
        #expect(log.contains("signed SignBytes request (19 bytes, SHA-256 "))
        #expect(log.contains("refused SignBytes request (") && log.contains("the bytes are a canonical Precommit"))
        #expect(log.contains("[v1-open@\(peers.open.address)] privval v1: vote extensions signed on non-nil "
            + "precommits unless the node sets skip_extension_signing; SignBytes allowed (sign_bytes = true)"))
        #expect(log.contains("privval v0.34-v0.38 and v1 alike (no protocol_version)"))
        #expect(log.contains("WARN sigil::session: [mixed@\(peers.autoV1.address)] \(peers.home.config):")
            && log.contains("sign_extensions = false for chain mixed is not applied to [[validator]]"), "\(log)")
    }
}
