import Foundation
import KeyFormats
import Privval
import SigilCrypto
import Testing
import TestSupport
import ValidatorPeer

/// Runs the real `sigil start` process against a validator-side peer (Secret Connection listener plus the
/// privval codec) over TCP and over a Unix socket.
@Suite(.serialized)
struct SignerEndToEndTests {
    enum Transport: String, CaseIterable { case tcp, unix }

    struct Home {
        let dir: TempDir
        let chain = "e2e-chain"
        var config: String { dir.path("tmkms.toml") }
        var stateFile: String { dir.path("state/\(chain)-consensus.json") }
        var consensusKey: String { dir.path("secrets/consensus.key") }

        init() throws {
            dir = try TempDir("sigil-e2e")
            let (status, out) = try run(Built.sigil.path, ["init", dir.url.path, "-n", "kira"])
            #expect(status == 0, "sigil init failed: \(out)")
            let (s2, out2) = try run(Built.sigil.path, ["softsign", "keygen", consensusKey])
            #expect(s2 == 0, "softsign keygen failed: \(out2)")
            #expect(out2.contains("kiravalconspub1"), "keygen prints the bech32 consensus key: \(out2)")
        }

        func writeConfig(addr: String, extensions: Bool) throws {
            let text = """
                [[chain]]
                id = "\(chain)"
                key_format = { type = "bech32", account_key_prefix = "kirapub", consensus_key_prefix = "kiravalconspub" }
                state_file = "\(stateFile)"
                sign_extensions = \(extensions)

                [[providers.softsign]]
                chain_ids = ["\(chain)"]
                key_type = "consensus"
                path = "\(consensusKey)"

                [[validator]]
                chain_id = "\(chain)"
                addr = "\(addr)"
                secret_key = "\(dir.path("secrets/kms-identity.key"))"
                protocol_version = "\(extensions ? "v0.38" : "v0.37")"
                reconnect = true

                """
            try text.write(toFile: config, atomically: true, encoding: .utf8)
        }

        func start() throws -> Child {
            try Child(Built.sigil, ["start", "-c", config])
        }
    }

    static func listener(_ transport: Transport, _ home: Home) throws -> ValidatorListener {
        switch transport {
        case .tcp: return try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        case .unix: return try ValidatorListener(unixPath: home.dir.path("privval.sock"))
        }
    }

    @Test(arguments: Transport.allCases)
    func signsHundredHeightsSafely(_ transport: Transport) throws {
        let home = try Home()
        defer { home.dir.remove() }
        let listener = try Self.listener(transport, home)
        defer { listener.close() }
        try home.writeConfig(addr: listener.address, extensions: true)
        var sigil = try home.start()

        var conn = try listener.accept(timeout: 30)
        if transport == .tcp { #expect(conn.signerPeerID?.count == 40) }
        var driver = ConsensusDriver(chainID: home.chain, expectExtensions: true)
        let pk = try driver.fetchPublicKey(conn)
        let seed = try SoftsignKey.load(home.consensusKey)
        #expect(pk == seed.publicKey, "the signer serves the configured consensus key")

        var lastPrecommit: Vote?
        for height in Int64(1)...100 {
            if height % 10 == 0 {
                // Round 0 fails: nil prevote and nil precommit (no extension signature allowed), round 1 commits.
                _ = try driver.signVote(conn, ConsensusDriver.vote(.prevote, height: height, blockID: BlockID()))
                let nilPrecommit = try driver.signVote(conn, ConsensusDriver.vote(.precommit, height: height, blockID: BlockID()))
                #expect(nilPrecommit.extensionSignature.isEmpty)
                let block = ConsensusDriver.blockID(height: height)
                _ = try driver.signProposal(conn, height: height, round: 1, blockID: block)
                _ = try driver.signVote(conn, ConsensusDriver.vote(.prevote, height: height, round: 1, blockID: block))
                lastPrecommit = try driver.signVote(conn, ConsensusDriver.vote(
                    .precommit, height: height, round: 1, blockID: block, extension: Array("x".utf8)))
                #expect(lastPrecommit?.extensionSignature.count == 64)
            } else {
                let votes = try driver.runHeight(conn, height: height, propose: height % 3 == 0)
                #expect(votes[1].extensionSignature.count == 64, "non-nil precommit carries an extension signature")
                #expect(votes[0].extensionSignature.isEmpty, "prevotes never carry one")
                lastPrecommit = votes[1]
            }

            if height == 50, let signed = lastPrecommit {
                try checkRefusalsKeepConnection(conn, driver, signed)
            }
        }

        // Crash hard and come back: the state on disk must still refuse a conflicting precommit at height 100.
        let signed100 = try #require(lastPrecommit)
        sigil.kill(SIGKILL)
        sigil.wait()
        conn.close()
        sigil = try home.start()
        conn = try listener.accept(timeout: 30)
        _ = try driver.fetchPublicKey(conn)
        try checkRefusalsKeepConnection(conn, driver, signed100)
        _ = try driver.runHeight(conn, height: 101)

        #expect(sigil.waitForOutput(timeout: 10) { $0.contains("h/r/s 101/0/2") }, "log: \(sigil.output)")
        let log = sigil.output
        #expect(log.contains("connected to validator successfully"))
        #expect(log.contains("signed Precommit:"))
        #expect(log.contains("] signed Prevote:"))
        // The runner spawns children with SIGTERM blocked; sigil must still stop on it as under systemd.
        sigil.kill(SIGTERM)
        #expect(sigil.wait(timeout: 10) == 0, "sigil start ignored SIGTERM or did not stop cleanly: \(sigil.output)")
        #expect(sigil.output.contains("received SIGTERM: writing the state files and stopping"))
        // A stop leaves the CometBFT-format file level with the journal: what an operator copies after a stop.
        let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: home.stateFile)))
        let state = try #require(file as? [String: Any])
        #expect(state["height"] as? String == "101" && state["step"] as? Int == 3, "state file after stop: \(state)")
    }

    /// A conflicting vote at a signed HRS gets an error reply, an identical retry gets the identical signature,
    /// a timestamp-only change gets the stored signature and timestamp, and the connection stays up throughout.
    func checkRefusalsKeepConnection(_ conn: ValidatorConnection, _ driver: ConsensusDriver, _ signed: Vote) throws {
        var conflicting = signed
        conflicting.blockID = ConsensusDriver.blockID(height: signed.height, variant: "-fork")
        conflicting.signature = []
        conflicting.extensionSignature = []
        let reply = try conn.request(.signVoteRequest(conflicting, chainID: driver.chainID))
        guard case .signedVoteResponse(let vote, let error) = reply else {
            Issue.record("expected a SignedVoteResponse, got \(reply)")
            return
        }
        #expect(error != nil, "a conflicting precommit must be refused")
        #expect(vote.signature.isEmpty, "no signature leaves with a refusal")
        #expect(error?.description.contains("double sign") == true || error?.description.contains("conflicting") == true)

        var retry = signed
        retry.signature = []
        retry.extensionSignature = []
        let again = try driver.signVote(conn, retry)
        #expect(again.signature == signed.signature, "an identical retry returns the identical signature")

        var later = retry
        later.timestamp.seconds += 7
        let reused = try driver.signVote(conn, later)
        #expect(reused.signature == signed.signature)
        #expect(reused.timestamp == signed.timestamp, "the stored timestamp comes back with the stored signature")

        #expect(try conn.request(.pingRequest) == .pingResponse, "the connection is still up")
    }

    /// Two sentries of one chain (one over TCP, one over a Unix socket) share one key and one state: the same
    /// height/round/step asked by both gets the one identical signature, and a different block is refused to both.
    @Test func sentriesShareOneStateAndGetIdenticalSignatures() throws {
        let home = try Home()
        defer { home.dir.remove() }
        let tcp = try ValidatorListener(tcpHost: "127.0.0.1", port: 0)
        let unix = try ValidatorListener(unixPath: home.dir.path("sentry.sock"))
        defer { tcp.close(); unix.close() }
        try home.writeConfig(addr: tcp.address, extensions: false)
        let second = """

            [[validator]]
            chain_id = "\(home.chain)"
            addr = "\(unix.address)"
            reconnect = true

            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: home.config))
        handle.seekToEndOfFile()
        handle.write(Data(second.utf8))
        try handle.close()
        let sigil = try home.start()
        defer { sigil.kill(SIGTERM) }

        let a = try tcp.accept(timeout: 30), b = try unix.accept(timeout: 30)
        var driverA = ConsensusDriver(chainID: home.chain), driverB = ConsensusDriver(chainID: home.chain)
        #expect(try driverA.fetchPublicKey(a) == driverB.fetchPublicKey(b), "one key for both sentries")
        let sentries = [(a, driverA), (b, driverB)]
        for height in Int64(1)...20 {
            let vote = ConsensusDriver.vote(.prevote, height: height, blockID: ConsensusDriver.blockID(height: height))
            // Both sentries ask at once.
            let results = Results()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                results.set(i, Result { try sentries[i].1.signVote(sentries[i].0, vote).signature })
            }
            let sigs = try results.values.map { try $0.get() }
            #expect(sigs.count == 2 && sigs[0] == sigs[1], "identical signature for both sentries at height \(height)")
        }
        // Sentry A signs block X at height 21; sentry B then asks for block Y there: one state means a refusal.
        _ = try driverA.signVote(a, ConsensusDriver.vote(.prevote, height: 21, blockID: ConsensusDriver.blockID(height: 21)))
        let y = ConsensusDriver.vote(.prevote, height: 21, blockID: ConsensusDriver.blockID(height: 21, variant: "-y"))
        if case .signedVoteResponse(let v, let error) = try b.request(.signVoteRequest(y, chainID: home.chain)) {
            #expect(error != nil && v.signature.isEmpty, "the other sentry cannot get a conflicting signature")
        } else {
            Issue.record("expected SignedVoteResponse")
        }
        var fork = ConsensusDriver.vote(.prevote, height: 20, blockID: ConsensusDriver.blockID(height: 20, variant: "-b"))
        fork.timestamp.seconds += 1
        for (conn, driver) in sentries {
            guard case .signedVoteResponse(let v, let error) = try conn.request(.signVoteRequest(fork, chainID: driver.chainID)) else {
                Issue.record("expected SignedVoteResponse")
                continue
            }
            #expect(error != nil && v.signature.isEmpty, "a different block at a signed HRS is refused to every sentry")
        }
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Int: Result<[UInt8], Error>] = [:]
        func set(_ i: Int, _ r: Result<[UInt8], Error>) { lock.lock(); slots[i] = r; lock.unlock() }
        var values: [Result<[UInt8], Error>] { lock.lock(); defer { lock.unlock() }; return slots.keys.sorted().map { slots[$0]! } }
    }
}
